import { ContainerLogs, containerRelabelRules, PipelineStage, pipelineStages, ShipperModel, TailedFile } from "./log-sources";
import { GENERATED } from "./yaml";

// A small writer for Alloy's configuration syntax (blocks, attributes, strings, lists, objects).

function str(value: string): string {
    // Alloy strings take Go's escapes, which JSON's are a subset of.
    return JSON.stringify(value);
}

function object(values: Record<string, string>): string {
    const entries = Object.entries(values).map(([k, v]) => `${str(k)} = ${str(v)}`);
    return `{${entries.join(", ")}}`;
}

function attributes(values: Record<string, string>, indent: string): string[] {
    const width = Math.max(...Object.keys(values).map((k) => k.length));
    return Object.entries(values).map(([k, v]) => `${indent}${k.padEnd(width)} = ${v}`);
}

function block(header: string, body: string[], indent = ""): string[] {
    return body.length ? [`${indent}${header} {`, ...body, `${indent}}`] : [`${indent}${header} {}`];
}

/** A relabel rule in Prometheus' field names -> an Alloy `rule` block. */
function rule(r: Record<string, unknown>, indent: string): string[] {
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(r)) {
        values[k] = Array.isArray(v) ? `[${v.map((x) => str(String(x))).join(", ")}]` : str(String(v));
    }
    return block("rule", attributes(values, `${indent}  `), indent);
}

/** A pipeline stage in Promtail's field names -> the matching `stage.*` block. */
function stage(s: PipelineStage, indent: string): string[] {
    const inner = `${indent}  `;
    if ("json" in s) return block("stage.json", attributes({ expressions: object(s.json.expressions) }, inner), indent);
    if ("logfmt" in s) return block("stage.logfmt", attributes({ mapping: object(s.logfmt.mapping) }, inner), indent);
    if ("regex" in s) return block("stage.regex", attributes({ expression: str(s.regex.expression) }, inner), indent);
    if ("multiline" in s) {
        return block("stage.multiline", attributes({ firstline: str(s.multiline.firstline), max_wait_time: str(s.multiline.max_wait_time) }, inner), indent);
    }
    if ("template" in s) return block("stage.template", attributes({ source: str(s.template.source), template: str(s.template.template) }, inner), indent);
    if ("labels" in s) {
        // An empty value takes the extracted value of the same name.
        return block("stage.labels", attributes({ values: object(Object.fromEntries(Object.keys(s.labels).map((k) => [k, ""]))) }, inner), indent);
    }
    return [`${indent}stage.cri {}`];
}

/** Component labels are identifiers: job names may hold `-` and `.`. */
function componentLabel(prefix: string, name: string, taken: Set<string>): string {
    const base = `${prefix}_${name.replace(/[^A-Za-z0-9_]/g, "_")}`;
    let label = base;
    for (let i = 2; taken.has(label); i++) label = `${base}_${i}`;
    taken.add(label);
    return label;
}

function containerSources(containers: ContainerLogs): string[] {
    const rules = containerRelabelRules(containers).flatMap((r) => rule(r, "  "));
    if (containers.kind === "docker") {
        const host = str(`unix://${containers.socketPath}`);
        return [
            ...block("discovery.docker \"containers\"", attributes({ host, refresh_interval: str("5s") }, "  ")),
            "",
            ...block("discovery.relabel \"containers\"", ["  targets = []", ...rules]),
            "",
            ...block(
                "loki.source.docker \"containers\"",
                attributes(
                    {
                        host,
                        targets: "discovery.docker.containers.targets",
                        relabel_rules: "discovery.relabel.containers.rules",
                        forward_to: "[loki.write.default.receiver]",
                    },
                    "  ",
                ),
            ),
        ];
    }
    return [
        ...block("discovery.kubernetes \"pods\"", [
            '  role = "pod"',
            "  // Only the pods of this node: each DaemonSet pod tails the files its own node holds.",
            ...block("selectors", attributes({ role: str("pod"), field: `${str("spec.nodeName=")} + sys.env(${str(containers.nodeNameEnv)})` }, "    "), "  "),
        ]),
        "",
        ...block("discovery.relabel \"pods\"", ["  targets = discovery.kubernetes.pods.targets", ...rules]),
        "",
        ...block("local.file_match \"pods\"", ["  path_targets = discovery.relabel.pods.output"]),
        "",
        ...block("loki.source.file \"pods\"", attributes({ targets: "local.file_match.pods.targets", forward_to: "[loki.process.pods.receiver]" }, "  ")),
        "",
        ...block("loki.process \"pods\"", [...stage({ cri: {} }, "  "), "", "  forward_to = [loki.write.default.receiver]"]),
    ];
}

function fileSource(file: TailedFile, label: string): string[] {
    const stages = pipelineStages(file.format);
    const target = object({ __path__: file.path, job: file.job, ...file.labels });
    const receiver = stages.length ? `loki.process.${label}.receiver` : "loki.write.default.receiver";
    return [
        ...block(`local.file_match "${label}"`, [`  path_targets = [${target}]`]),
        "",
        ...block(`loki.source.file "${label}"`, attributes({ targets: `local.file_match.${label}.targets`, forward_to: `[${receiver}]` }, "  ")),
        ...(stages.length
            ? ["", ...block(`loki.process "${label}"`, [...stages.flatMap((s) => stage(s, "  ")), "  forward_to = [loki.write.default.receiver]"])]
            : []),
    ];
}

/**
 * config.alloy: the same sources, labels and stages as the Promtail config. Positions live in
 * Alloy's storage path (`--storage.path`), on the data volume.
 */
export function renderAlloyConfig(model: ShipperModel): string {
    const taken = new Set<string>();
    const { tls } = model;
    const endpoint = [
        `    url = ${str(model.lokiPushUrl)}`,
        ...(tls ? block("tls_config", attributes({ ca_file: str(tls.caFile), server_name: str(tls.serverName) }, "      "), "    ") : []),
    ];
    const sections: string[][] = [
        block("logging", attributes({ level: str("info"), format: str("logfmt") }, "  ")),
        // Its own /metrics and /-/ready over TLS, with the same certificate.
        ...(tls ? [block("http", block("tls", attributes({ cert_file: str(tls.certFile), key_file: str(tls.keyFile) }, "    "), "  "))] : []),
        block("loki.write \"default\"", block("endpoint", endpoint, "  ")),
        ...(model.containers ? [containerSources(model.containers)] : []),
        ...model.files.map((f) => fileSource(f, componentLabel("file", f.job, taken))),
    ];
    return `// ${GENERATED}\n\n${sections.map((s) => s.join("\n")).join("\n\n")}\n`;
}
