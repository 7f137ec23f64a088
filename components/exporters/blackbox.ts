import { hostPort, isHost, portOf } from "../../config/endpoints";
import { ConfigError } from "../../config/errors";
import * as v from "../../config/validate";
import { IMAGES } from "../images";
import { blackboxScrapeConfigs, ProbeConfig, ProbeModule, PROBE_MODULES, renderBlackboxConfig } from "../render/blackbox";
import { toolkitTls } from "../tls";
import { defineExporter } from "./definition";

const PORT = 9115;
const CONFIG_FILE = "/etc/blackbox_exporter/blackbox.yml";

export interface BlackboxSettings {
    readonly probes: ProbeConfig[];
    /** Each module's timeout. */
    readonly timeout: string;
}

/** Checks a probe target against what its module can probe. */
function probeTarget(key: string, raw: unknown, module: ProbeModule): string {
    switch (module) {
        case "http_2xx":
            return v.url(key, raw);
        case "tcp_connect":
            if (typeof raw !== "string" || !/^(.+):(\d+)$/.test(raw)) {
                throw new ConfigError(key, `${JSON.stringify(raw)} is not host:port, as tcp_connect probes take; use e.g. db.example.com:5432`);
            }
            hostPort(key, raw);
            return raw;
        case "icmp":
            if (typeof raw !== "string" || !isHost(raw)) {
                throw new ConfigError(key, `${JSON.stringify(raw)} is not a host name or IP, as icmp probes take; use e.g. api.example.com`);
            }
            return raw;
    }
}

function readProbe(key: string, raw: unknown): ProbeConfig {
    const obj = v.fields(key, raw, ["name", "url", "module"]);
    const module = v.optional(obj.module, "http_2xx" as ProbeModule, (x) => v.oneOf(`${key}.module`, x, PROBE_MODULES));
    if (obj.url === undefined) throw new ConfigError(`${key}.url`, "is missing; give the URL or host to probe");
    return {
        name: v.optional(obj.name, undefined, (x) => v.jobName(`${key}.name`, x)),
        url: probeTarget(`${key}.url`, obj.url, module),
        module,
    };
}

/** Probes from outside: HTTP status and latency, TCP connect, ICMP, TLS certificate expiry. */
export const blackboxExporter = defineExporter<BlackboxSettings>({
    name: "blackbox-exporter",
    configKey: "blackbox",
    synopsis: "{probes: [{name, url, module}], timeout}",
    fields: ["probes", "timeout"],
    read: (block, context) => {
        const probes = v.list(`${context.key}.probes`, block.probes ?? [], readProbe, { nonEmpty: true });
        v.unique(
            `${context.key}.probes`,
            probes.map((p) => `${p.module} ${p.url}`),
            "probe",
        );
        return { probes, timeout: v.optional(block.timeout, "5s", (x) => v.duration(`${context.key}.timeout`, x)) };
    },
    image: IMAGES.blackboxExporter,
    ruleFile: "blackbox.yml",
    dashboards: ["services/probes"],
    docs: "blackbox-exporter-exportersblackbox",
    spec: (blackbox) => ({
        kind: "deployment",
        args: [`--config.file=${CONFIG_FILE}`, `--web.listen-address=:${PORT}`],
        ports: [{ name: "http", port: PORT }],
        files: [{ path: CONFIG_FILE, content: renderBlackboxConfig(blackbox.timeout) }],
        health: { path: "/-/healthy", port: PORT },
        // ICMP cannot be allowed by a NetworkPolicy: icmp probes work on Docker, or with a CNI that lets it out.
        outbound: [...new Set(blackbox.probes.filter((p) => p.module !== "icmp").map((p) => portOf(p.url)))].map((port) => ({ port })),
        user: "65534:65534",
        readOnlyRootFilesystem: true,
        resources: { cpuRequest: "50m", memoryRequest: "32Mi", cpuLimit: "250m", memoryLimit: "128Mi" },
    }),
    tls: toolkitTls(),
    scrapeConfigs: (blackbox, addressing) => blackboxScrapeConfigs(blackbox.probes, addressing.addressOf("blackbox-exporter", PORT)),
});
