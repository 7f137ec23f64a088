import * as assert from "assert";
import * as yaml from "js-yaml";
import { loadConfig, objectConfigSource } from "../config";
import { LogsConfig, readLogs } from "../config/logs";
import type { Secrets } from "../config/secrets";
import { renderAlloyConfig } from "../components/render/alloy";
import { LOKI_SCHEMA_FROM, renderAwsCredentials, renderLokiConfig } from "../components/render/loki";
import { pipelineStages, POSTGRES_FIRST_LINE, ShipperModel } from "../components/render/log-sources";
import { renderPromtailConfig } from "../components/render/promtail";
import { shipperMounts, tailedFiles } from "../components/logs/sources";
import { PROMTAIL_DEPRECATION } from "../components/logs/promtail";
import * as pulumi from "@pulumi/pulumi";
import { RecordedResource } from "../scripts/lib/mock-runtime";
import { renderStack } from "../scripts/lib/render-stack";
import { alloyErrors, AlloyBlock, LOKI_SCHEMA, parseAlloy, PROMTAIL_SCHEMA, promtailStageErrors, re2, schemaErrors } from "./support/log-schemas";
import { RenderedDir, renderToDir } from "./support/render";
import { withinStack } from "./support/stack-names";

/** The messages `pulumi.log.warn` got while `run` ran (the CLI prints them at preview and up). */
async function collectWarnings(run: () => Promise<void>): Promise<string[]> {
    const warnings: string[] = [];
    const log = pulumi.log as { warn: (msg: string, ...rest: unknown[]) => Promise<void> };
    const original = log.warn;
    log.warn = async (msg: string) => {
        warnings.push(msg);
    };
    try {
        await run();
    } finally {
        log.warn = original;
    }
    return warnings;
}

const load = (values: Record<string, unknown>) => loadConfig(objectConfigSource(values), "dev");
const logs = (raw: unknown, platform: "docker" | "kubernetes" = "docker", secrets: Secrets = { exporters: new Map() }) => readLogs(raw, platform, secrets);

const FILES = [
    { job: "payflux", path: "/srv/payflux/logs/*.log", format: "json", labels: { team: "payments" } },
    { job: "worker", path: "/srv/payflux/logs/worker/*.log", format: "logfmt" },
    { job: "nginx", path: "/var/log/nginx/access.log" },
];

function model(containers: ShipperModel["containers"], config: LogsConfig): ShipperModel {
    return { httpPort: 9080, lokiPushUrl: "http://loki:3100/loki/api/v1/push", dataDir: "/var/lib/promtail", containers, files: tailedFiles(config) };
}

const DOCKER = { kind: "docker", socketPath: "/var/run/docker.sock" } as const;
const KUBERNETES = { kind: "kubernetes", podLogsDir: "/var/log/pods", nodeNameEnv: "NODE_NAME" } as const;

describe("logs configuration (monitoring:logs)", () => {
    it("turns Loki and Alloy on by default, keeping 7 days on Docker and 30 on Kubernetes", () => {
        const dev = logs(undefined);
        assert.strictEqual(dev.enabled, true);
        assert.strictEqual(dev.shipper, "alloy");
        assert.strictEqual(dev.retention, "7d");
        assert.strictEqual(logs(undefined, "kubernetes").retention, "30d");
        assert.deepStrictEqual(dev.limits, {
            ingestionRateMb: 4,
            ingestionBurstSizeMb: 6,
            maxLineSize: "256KB",
            maxLineSizeTruncate: true,
            perStreamRateLimit: "3MB",
            perStreamRateLimitBurst: "15MB",
            maxGlobalStreamsPerUser: 5000,
            rejectOldSamplesMaxAge: "7d",
        });
        assert.deepStrictEqual(dev.files, []);
        assert.strictEqual(dev.s3, undefined);
    });

    it("reads files with their format and labels, and PostgreSQL's log path", () => {
        const config = logs({ files: FILES, postgres: { path: "/var/log/postgresql/*.log" } });
        assert.deepStrictEqual(
            config.files.map((f) => [f.job, f.format]),
            [
                ["payflux", "json"],
                ["worker", "logfmt"],
                ["nginx", "plain"],
            ],
        );
        assert.deepStrictEqual(config.files[0].labels, { team: "payments" });
        assert.deepStrictEqual(config.postgres, { path: "/var/log/postgresql/*.log" });
    });

    it("reads an S3 bucket and keeps the access key ID out of the secret", () => {
        const secrets = { lokiS3SecretAccessKey: {} as never, exporters: new Map() };
        const s3 = logs(
            { s3: { endpoint: "http://minio.storage:9000", bucket: "loki-logs", region: "eu-west-1", accessKeyId: "AKIAEXAMPLE" } },
            "kubernetes",
            secrets,
        ).s3;
        assert.deepStrictEqual(s3, {
            endpoint: "minio.storage:9000",
            insecure: true,
            bucket: "loki-logs",
            region: "eu-west-1",
            accessKeyId: "AKIAEXAMPLE",
            forcePathStyle: true,
        });
    });

    const errors: [string, Record<string, unknown>, string][] = [
        ["unknown shipper", { logs: { shipper: "fluentd" } }, "monitoring:logs.shipper"],
        ["negative retention", { logs: { retention: "-7d" } }, "monitoring:logs.retention"],
        ["retention not a duration", { logs: { retention: "7 days" } }, "monitoring:logs.retention"],
        ["retention under Loki's 24h minimum", { logs: { retention: "12h" } }, "monitoring:logs.retention"],
        ["retention zero", { logs: { retention: "0d" } }, "monitoring:logs.retention"],
        ["limit not a number", { logs: { limits: { ingestionRateMb: "fast" } } }, "monitoring:logs.limits.ingestionRateMb"],
        ["burst below rate", { logs: { limits: { ingestionRateMb: 10, ingestionBurstSizeMb: 5 } } }, "monitoring:logs.limits.ingestionBurstSizeMb"],
        ["line size not a size", { logs: { limits: { maxLineSize: "256 kilobytes" } } }, "monitoring:logs.limits.maxLineSize"],
        ["unknown limit", { logs: { limits: { maxLines: 5 } } }, "monitoring:logs.limits.maxLines"],
        ["relative file path", { logs: { files: [{ job: "app", path: "logs/*.log" }] } }, "monitoring:logs.files[0].path"],
        ["glob at the root", { logs: { files: [{ job: "app", path: "/*/logs/*.log" }] } }, "monitoring:logs.files[0].path"],
        ["unknown format", { logs: { files: [{ job: "app", path: "/srv/app/*.log", format: "xml" }] } }, "monitoring:logs.files[0].format"],
        ["file without job", { logs: { files: [{ path: "/srv/app/*.log" }] } }, "monitoring:logs.files[0].job"],
        [
            "two files with one job",
            {
                logs: {
                    files: [
                        { job: "app", path: "/a/*.log" },
                        { job: "app", path: "/b/*.log" },
                    ],
                },
            },
            "monitoring:logs.files",
        ],
        ["file taking PostgreSQL's job", { logs: { files: [{ job: "postgresql", path: "/a/*.log" }] } }, "monitoring:logs.files[0].job"],
        ["reserved label", { logs: { files: [{ job: "app", path: "/a/*.log", labels: { __path__: "/etc" } }] } }, "monitoring:logs.files[0].labels.__path__"],
        [
            "S3 without its secret",
            { logs: { s3: { endpoint: "https://s3.amazonaws.com", bucket: "logs", accessKeyId: "AKIA1" } } },
            "monitoring:lokiS3SecretAccessKey",
        ],
        [
            "S3 endpoint not a URL",
            { logs: { s3: { endpoint: "s3 amazon", bucket: "logs", accessKeyId: "AKIA1" } }, lokiS3SecretAccessKey: "x" },
            "monitoring:logs.s3.endpoint",
        ],
        [
            "S3 bucket not a bucket name",
            { logs: { s3: { endpoint: "https://s3.amazonaws.com", bucket: "My_Logs", accessKeyId: "AKIA1" } }, lokiS3SecretAccessKey: "x" },
            "monitoring:logs.s3.bucket",
        ],
        ["unknown key", { logs: { retentionDays: 7 } }, "monitoring:logs.retentionDays"],
    ];
    for (const [what, values, key] of errors) {
        it(`names the key when ${what}`, () => {
            assert.throws(
                () => load(values),
                (err: Error) => err.name === "ConfigError" && err.message.startsWith(`${key}:`),
            );
        });
    }
});

describe("the documented-schema checks themselves", () => {
    it("refuse a misspelt Loki field, a wrong type and an unknown Promtail stage", () => {
        assert.deepStrictEqual(schemaErrors({ compactor: { retention_enabld: true } }, LOKI_SCHEMA), ["compactor.retention_enabld: not a documented field"]);
        assert.deepStrictEqual(schemaErrors({ limits_config: { retention_period: 7 } }, LOKI_SCHEMA), [
            "limits_config.retention_period: 7 is not promDuration",
        ]);
        assert.deepStrictEqual(promtailStageErrors({ scrape_configs: [{ job_name: "a", pipeline_stages: [{ jsonn: {} }] }] }), [
            "a stage 0: unknown stage jsonn",
        ]);
    });

    it("refuse an unknown Alloy argument and a reference to a missing component", () => {
        const blocks = parseAlloy('loki.source.file "a" {\n  targets = []\n  path = "/x"\n  forward_to = [loki.process.b.receiver]\n}\n');
        assert.deepStrictEqual(alloyErrors(blocks), [
            "loki.source.file.a: unknown argument path",
            'reference loki.process.b.receiver: no component loki.process "b"',
        ]);
        assert.throws(() => parseAlloy('logging {\n  level = "info"\n'), /expected/);
    });
});

describe("Loki config (renderLokiConfig)", () => {
    const base = { httpPort: 3100, grpcPort: 9095, dataDir: "/loki", retention: "7d", limits: logs(undefined).limits };
    const filesystem = yaml.load(renderLokiConfig(base)) as any;
    const s3 = yaml.load(
        renderLokiConfig({
            ...base,
            retention: "30d",
            s3: {
                endpoint: "s3.eu-west-1.amazonaws.com",
                insecure: false,
                bucket: "loki-logs",
                region: "eu-west-1",
                accessKeyId: "AKIAEXAMPLE",
                forcePathStyle: false,
            },
        }),
    ) as any;

    it("matches Loki's documented configuration structure (no Loki binary here)", () => {
        assert.deepStrictEqual(schemaErrors(filesystem, LOKI_SCHEMA), []);
        assert.deepStrictEqual(schemaErrors(s3, LOKI_SCHEMA), []);
    });

    it("enforces retention with the compactor, on a 24h TSDB index", () => {
        assert.deepStrictEqual(filesystem.compactor, {
            working_directory: "/loki/compactor",
            compaction_interval: "10m",
            retention_enabled: true,
            retention_delete_delay: "2h",
            retention_delete_worker_count: 150,
            delete_request_store: "filesystem",
        });
        assert.strictEqual(filesystem.limits_config.retention_period, "168h");
        assert.strictEqual(s3.limits_config.retention_period, "720h");
        assert.deepStrictEqual(filesystem.schema_config.configs, [
            { from: LOKI_SCHEMA_FROM, store: "tsdb", object_store: "filesystem", schema: "v13", index: { prefix: "index_", period: "24h" } },
        ]);
    });

    it("applies the ingestion limits from the configuration", () => {
        const limits = (
            yaml.load(renderLokiConfig({ ...base, limits: { ...base.limits, ingestionRateMb: 8, ingestionBurstSizeMb: 16, maxLineSize: "1MB" } })) as any
        ).limits_config;
        assert.strictEqual(limits.ingestion_rate_mb, 8);
        assert.strictEqual(limits.ingestion_burst_size_mb, 16);
        assert.strictEqual(limits.max_line_size, "1MB");
        assert.strictEqual(limits.max_line_size_truncate, true);
        assert.strictEqual(limits.per_stream_rate_limit, "3MB");
        assert.strictEqual(limits.reject_old_samples_max_age, "168h");
    });

    it("keeps chunks, index and WAL on the data volume in dev", () => {
        assert.deepStrictEqual(filesystem.common.storage, { filesystem: { chunks_directory: "/loki/chunks", rules_directory: "/loki/rules" } });
        assert.strictEqual(filesystem.common.path_prefix, "/loki");
        assert.strictEqual(filesystem.storage_config.tsdb_shipper.active_index_directory, "/loki/tsdb-index");
        assert.strictEqual(filesystem.ingester.wal.dir, "/loki/wal");
    });

    it("stores in S3 without a key in the file: the SDK reads them from the mounted credentials file", () => {
        assert.deepStrictEqual(s3.common.storage, {
            s3: { endpoint: "s3.eu-west-1.amazonaws.com", bucketnames: "loki-logs", region: "eu-west-1", s3forcepathstyle: false, insecure: false },
        });
        assert.strictEqual(s3.schema_config.configs[0].object_store, "s3");
        assert.strictEqual(s3.compactor.delete_request_store, "s3");
        const text = JSON.stringify(s3);
        assert.doesNotMatch(text, /access_key|secret/);
        assert.strictEqual(renderAwsCredentials("AKIAEXAMPLE", "s3cr3t"), "[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s3cr3t\n");
    });
});

describe("Promtail config (renderPromtailConfig)", () => {
    const config = logs({ files: FILES, postgres: { path: "/var/log/postgresql/*.log" } });
    const docker = yaml.load(renderPromtailConfig(model(DOCKER, config))) as any;
    const kubernetes = yaml.load(renderPromtailConfig(model(KUBERNETES, config))) as any;
    const job = (doc: any, name: string) => doc.scrape_configs.find((j: any) => j.job_name === name);

    it("matches Promtail's documented configuration structure and stages (no Promtail binary here)", () => {
        for (const doc of [docker, kubernetes]) {
            assert.deepStrictEqual(schemaErrors(doc, PROMTAIL_SCHEMA), []);
            assert.deepStrictEqual(promtailStageErrors(doc), []);
        }
    });

    it("discovers containers on the Docker socket and labels them by container, compose service and stack", () => {
        const containers = job(docker, "docker");
        assert.deepStrictEqual(containers.docker_sd_configs, [{ host: "unix:///var/run/docker.sock", refresh_interval: "5s" }]);
        const targets = Object.fromEntries(containers.relabel_configs.map((r: any) => [r.target_label, r]));
        assert.deepStrictEqual(targets.container, { source_labels: ["__meta_docker_container_name"], regex: "/(.*)", target_label: "container" });
        assert.deepStrictEqual(targets.service.source_labels, ["__meta_docker_container_label_com_docker_compose_service"]);
        assert.deepStrictEqual(targets.stack.source_labels, ["__meta_docker_container_label_com_docker_compose_project"]);
    });

    it("keeps positions on the data volume and pushes to Loki", () => {
        assert.strictEqual(docker.positions.filename, "/var/lib/promtail/positions.yaml");
        assert.deepStrictEqual(docker.clients, [{ url: "http://loki:3100/loki/api/v1/push" }]);
        assert.strictEqual(docker.server.http_listen_port, 9080);
    });

    it("tails the user's files from the host mount, with job, service and the user's labels", () => {
        const payflux = job(docker, "file-payflux");
        assert.deepStrictEqual(payflux.static_configs, [
            { targets: ["localhost"], labels: { job: "payflux", service: "payflux", team: "payments", __path__: "/host/srv/payflux/logs/*.log" } },
        ]);
        assert.strictEqual(job(docker, "file-nginx").pipeline_stages, undefined, "plain lines pass unchanged");
    });

    it("extracts level and message from JSON lines and labels the level only, keeping the line whole", () => {
        const stages = job(docker, "file-payflux").pipeline_stages;
        assert.deepStrictEqual(stages[0], { json: { expressions: { level: "level || severity || lvl", message: "message || msg" } } });
        assert.strictEqual(stages[1].template.source, "level");
        assert.match(stages[1].template.template, /ToLower \.Value/);
        assert.match(stages[1].template.template, /eq \.Value "50" }}error/, "pino's numeric levels are named");
        assert.deepStrictEqual(stages[2], { labels: { level: null } });
        assert.ok(!stages.some((s: object) => "output" in s), "the line is not replaced");
    });

    it("extracts the level from logfmt lines", () => {
        const stages = job(docker, "file-worker").pipeline_stages;
        assert.deepStrictEqual(stages[0], { logfmt: { mapping: { level: "level", message: "msg" } } });
        assert.deepStrictEqual(stages.at(-1), { labels: { level: null } });
    });

    it("joins PostgreSQL's multi-line entries and labels their level", () => {
        const postgres = job(docker, "file-postgresql");
        assert.strictEqual(postgres.static_configs[0].labels.__path__, "/host/var/log/postgresql/*.log");
        const [multiline, regex] = postgres.pipeline_stages;
        assert.strictEqual(multiline.multiline.firstline, POSTGRES_FIRST_LINE);
        // Lines PostgreSQL 15 wrote in the live tests, with the default log_line_prefix.
        const lines = [
            ["2026-11-23 22:51:54.279 UTC [26470] LOG:  database system is ready to accept connections", "LOG"],
            ['2026-11-23 22:52:01.002 UTC [26501] postgres@app ERROR:  relation "x" does not exist at character 15', "ERROR"],
            ['2026-11-23 22:52:01.002 UTC [26501] FATAL:  password authentication failed for user "app"', "FATAL"],
        ];
        for (const [line, level] of lines) {
            assert.ok(re2(multiline.multiline.firstline).test(line), `${line} starts an entry`);
            assert.strictEqual(re2(regex.regex.expression).exec(line)?.groups?.level, level);
        }
        assert.ok(!re2(multiline.multiline.firstline).test("\tFROM orders WHERE id = 1"), "a continuation line joins the entry before it");
    });

    it("on Kubernetes reads /var/log/pods through pod discovery, with the same labels", () => {
        const pods = job(kubernetes, "kubernetes-pods");
        assert.deepStrictEqual(pods.kubernetes_sd_configs, [{ role: "pod" }]);
        assert.deepStrictEqual(pods.pipeline_stages, [{ cri: {} }]);
        const labels = pods.relabel_configs.map((r: any) => r.target_label);
        for (const label of ["container", "service", "stack", "namespace", "pod", "__path__"]) assert.ok(labels.includes(label), label);
        const path = pods.relabel_configs.find((r: any) => r.target_label === "__path__");
        assert.deepStrictEqual(path, {
            source_labels: ["__meta_kubernetes_pod_uid", "__meta_kubernetes_pod_container_name"],
            separator: "/",
            target_label: "__path__",
            replacement: "/var/log/pods/*$1/*.log",
        });
        assert.ok(!kubernetes.scrape_configs.some((j: any) => j.docker_sd_configs), "no Docker socket on Kubernetes");
    });

    it("mounts the Docker socket and each file's fixed directory read-only, nothing broader", () => {
        assert.deepStrictEqual(shipperMounts(config, DOCKER), [
            { hostPath: "/var/run/docker.sock", path: "/var/run/docker.sock", readOnly: true },
            { hostPath: "/srv/payflux/logs", path: "/host/srv/payflux/logs", readOnly: true },
            { hostPath: "/var/log/nginx", path: "/host/var/log/nginx", readOnly: true },
            { hostPath: "/var/log/postgresql", path: "/host/var/log/postgresql", readOnly: true },
        ]);
        assert.deepStrictEqual(shipperMounts(logs(undefined), KUBERNETES), [{ hostPath: "/var/log/pods", path: "/var/log/pods", readOnly: true }]);
    });
});

describe("Alloy config (renderAlloyConfig)", () => {
    const config = logs({
        files: [...FILES, { job: "api.v2-gateway", path: "/srv/gw/*.log", format: "json" }],
        postgres: { path: "/var/log/postgresql/*.log" },
    });
    const docker = parseAlloy(renderAlloyConfig(model(DOCKER, config)));
    const kubernetes = parseAlloy(renderAlloyConfig(model(KUBERNETES, config)));
    const find = (blocks: AlloyBlock[], name: string, label?: string) => blocks.find((b) => b.name === name && b.label === label)!;

    it("parses, and uses only documented components, arguments and references (no Alloy binary here)", () => {
        assert.deepStrictEqual(alloyErrors(docker), []);
        assert.deepStrictEqual(alloyErrors(kubernetes), []);
    });

    it("reads containers from the Docker socket with the same labels as Promtail", () => {
        assert.deepStrictEqual(find(docker, "discovery.docker", "containers").attributes, { host: "unix:///var/run/docker.sock", refresh_interval: "5s" });
        const source = find(docker, "loki.source.docker", "containers").attributes;
        assert.deepStrictEqual(source.relabel_rules, { ref: "discovery.relabel.containers.rules" });
        assert.deepStrictEqual(source.forward_to, [{ ref: "loki.write.default.receiver" }]);
        const rules = find(docker, "discovery.relabel", "containers").blocks.map((r) => r.attributes);
        assert.deepStrictEqual(rules.slice(0, 3), [
            { source_labels: ["__meta_docker_container_name"], regex: "/(.*)", target_label: "container" },
            { source_labels: ["__meta_docker_container_label_com_docker_compose_service"], target_label: "service" },
            { source_labels: ["__meta_docker_container_label_com_docker_compose_project"], target_label: "stack" },
        ]);
    });

    it("tails each file with the same labels and stages as Promtail", () => {
        assert.deepStrictEqual(find(docker, "local.file_match", "file_payflux").attributes.path_targets, [
            { __path__: "/host/srv/payflux/logs/*.log", job: "payflux", service: "payflux", team: "payments" },
        ]);
        const process = find(docker, "loki.process", "file_payflux");
        const promtail = pipelineStages("json");
        assert.deepStrictEqual(
            process.blocks.map((b) => b.name),
            ["stage.json", "stage.template", "stage.labels"],
        );
        assert.deepStrictEqual(process.blocks[0].attributes, { expressions: (promtail[0] as any).json.expressions });
        assert.strictEqual(process.blocks[1].attributes.template, (promtail[1] as any).template.template);
        assert.deepStrictEqual(process.blocks[2].attributes, { values: { level: "" } });
        assert.deepStrictEqual(find(docker, "loki.source.file", "file_nginx").attributes.forward_to, [{ ref: "loki.write.default.receiver" }]);
        assert.ok(find(docker, "loki.process", "file_api_v2_gateway"), "job names become valid component labels");
        const postgres = find(docker, "loki.process", "file_postgresql").blocks;
        assert.strictEqual(postgres[0].attributes.firstline, POSTGRES_FIRST_LINE, "regexes survive the string escaping");
    });

    it("pushes to Loki", () => {
        assert.deepStrictEqual(find(docker, "loki.write", "default").blocks[0].attributes, { url: "http://loki:3100/loki/api/v1/push" });
    });

    it("on Kubernetes discovers only its own node's pods and tails /var/log/pods with the CRI stage", () => {
        const discovery = find(kubernetes, "discovery.kubernetes", "pods");
        assert.deepStrictEqual(discovery.attributes, { role: "pod" });
        // The field selector takes the node name the platform puts in NODE_NAME (spec.nodeName).
        assert.deepStrictEqual(
            discovery.blocks.map((b) => [b.name, b.attributes]),
            [["selectors", { role: "pod", field: { concat: ["spec.nodeName=", { call: "sys.env", args: ["NODE_NAME"] }] } }]],
        );
        assert.deepStrictEqual(find(kubernetes, "local.file_match", "pods").attributes.path_targets, { ref: "discovery.relabel.pods.output" });
        assert.deepStrictEqual(
            find(kubernetes, "loki.process", "pods").blocks.map((b) => b.name),
            ["stage.cri"],
        );
        assert.ok(!kubernetes.some((b) => b.name === "loki.source.docker"));
    });
});

describe("logs in the rendered dev stack (Docker, under mocks)", () => {
    const containers = (r: RecordedResource[]) => r.filter((x) => x.type === "docker:index/container:Container");
    let plain: RenderedDir;
    let promtail: RenderedDir;
    let promtailWarnings: string[];
    let s3: RenderedDir;
    const S3_SECRET = "FAKE-loki-S3-Secret-Qw9e";
    before(async () => {
        plain = await renderToDir("dev", { logs: { files: [{ job: "payflux", path: "/srv/payflux/logs/*.log", format: "json" }] } });
        promtailWarnings = await collectWarnings(async () => {
            promtail = await renderToDir("dev", { logs: { shipper: "promtail" } });
        });
        s3 = await renderToDir("dev", {
            logs: { s3: { endpoint: "http://minio.local:9000", bucket: "loki", accessKeyId: "FAKEACCESSKEYID" } },
            lokiS3SecretAccessKey: S3_SECRET,
        });
    });

    it("runs Loki, Alloy and cAdvisor in the default dev stack (Pulumi.dev.yaml), and warns about nothing", async () => {
        let rendered: Awaited<ReturnType<typeof renderStack>> | undefined;
        const warnings = await collectWarnings(async () => {
            rendered = await renderStack("dev", "Pulumi.dev.yaml");
        });
        const names = containers(rendered!.resources).map(withinStack);
        for (const service of ["loki", "alloy", "cadvisor"]) assert.ok(names.includes(service), `no ${service} in ${names.join(", ")}`);
        assert.ok(!names.includes("promtail"));
        assert.deepStrictEqual(
            warnings.filter((w) => /promtail/i.test(w)),
            [],
        );
    });

    it("runs Loki and Alloy by default, or the deprecated Promtail when chosen, with a warning at every up", () => {
        const names = (out: RenderedDir) => containers(out.rendered.resources).map(withinStack);
        assert.ok(names(plain).includes("loki") && names(plain).includes("alloy") && !names(plain).includes("promtail"));
        assert.ok(names(promtail).includes("promtail") && !names(promtail).includes("alloy"));
        assert.deepStrictEqual(promtailWarnings, [PROMTAIL_DEPRECATION]);
        assert.match(PROMTAIL_DEPRECATION, /^monitoring:logs\.shipper: promtail is deprecated: it reached end of life on 2026-03-02/);
    });

    it("mounts the Docker socket read-only into the shipper", () => {
        for (const [out, name] of [
            [plain, "alloy"],
            [promtail, "promtail"],
        ] as const) {
            const shipper = containers(out.rendered.resources).find((c) => withinStack(c) === name)!;
            const socket = (shipper.inputs.volumes as any[]).find((v) => v.hostPath === "/var/run/docker.sock");
            assert.deepStrictEqual(socket, { hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock", readOnly: true });
            for (const v of (shipper.inputs.volumes as any[]).filter((v) => v.hostPath)) assert.strictEqual(v.readOnly, true, v.hostPath);
        }
    });

    it("keeps positions on a named volume and publishes only Loki, on 127.0.0.1:13100", () => {
        const all = containers(plain.rendered.resources);
        const alloy = all.find((c) => withinStack(c) === "alloy")!;
        assert.ok((alloy.inputs.volumes as any[]).some((v) => v.containerPath === "/var/lib/alloy/data" && v.volumeName));
        assert.deepStrictEqual(alloy.inputs.ports, []);
        const promtailContainer = containers(promtail.rendered.resources).find((c) => withinStack(c) === "promtail")!;
        assert.ok((promtailContainer.inputs.volumes as any[]).some((v) => v.containerPath === "/var/lib/promtail" && v.volumeName));
        assert.deepStrictEqual(all.find((c) => withinStack(c) === "loki")!.inputs.ports, [{ internal: 3100, external: 13100, ip: "127.0.0.1" }]);
    });

    it("gives Grafana the Loki datasource with the fixed UID", () => {
        const datasources = yaml.load(plain.file("grafana", "/etc/grafana/provisioning/datasources/datasources.yml")) as any;
        const loki = datasources.datasources.find((d: any) => d.type === "loki");
        assert.deepStrictEqual([loki.uid, loki.url], ["loki", "http://loki:3100"]);
    });

    it("has Prometheus scrape Loki (job loki) and the shipper (job alloy, or promtail)", () => {
        const jobs = (out: RenderedDir) =>
            (yaml.load(out.file("prometheus", "/etc/prometheus/prometheus.yml")) as any).scrape_configs.map((j: any) => j.job_name);
        assert.ok(jobs(plain).includes("loki") && jobs(plain).includes("alloy") && !jobs(plain).includes("promtail"));
        assert.ok(jobs(promtail).includes("promtail") && !jobs(promtail).includes("alloy"));
    });

    it("turns logs off entirely with logs.enabled: false", async () => {
        const off = await renderToDir("dev", { logs: { enabled: false } });
        const names = containers(off.rendered.resources).map(withinStack);
        assert.ok(!names.includes("loki") && !names.includes("alloy") && !names.includes("promtail"));
        assert.doesNotMatch(off.file("grafana", "/etc/grafana/provisioning/datasources/datasources.yml"), /type: loki/);
    });

    it("hands Loki its S3 key only as a secret file named by AWS_SHARED_CREDENTIALS_FILE", () => {
        const loki = containers(s3.rendered.resources).find((c) => withinStack(c) === "loki")!;
        assert.deepStrictEqual(loki.inputs.envs, ["AWS_SHARED_CREDENTIALS_FILE=/etc/loki/secrets/aws-credentials"]);
        const uploads = loki.inputs.uploads as { file: string; content: string }[];
        assert.deepStrictEqual(
            uploads.find((u) => u.file === "/etc/loki/secrets/aws-credentials"),
            { file: "/etc/loki/secrets/aws-credentials", content: "[secret]" },
        );
        assert.ok(!s3.rendered.files.some((f) => f.path.includes("aws-credentials")), "the credentials file is not written by the render");
        assert.doesNotMatch(JSON.stringify(s3.rendered.resources), new RegExp(S3_SECRET));
        for (const file of s3.rendered.files) assert.doesNotMatch(file.content, new RegExp(S3_SECRET), file.path);
        assert.match(s3.file("loki", "/etc/loki/loki.yaml"), /bucketnames: loki/);
    });
});
