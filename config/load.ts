import { readAlerting } from "./alerting";
import { checkAlertDelivery, raisableAlerts } from "./alert-delivery";
import { ConfigError } from "./errors";
import { readDatabasePort, readGrafanaOwnDatabase, readGrafanaReplicas, readKubernetes, readRemoteWrite, readResources, readTls } from "./kubernetes";
import { EXPORTERS } from "../components/exporters/registry";
import { readExporters } from "./exporters";
import { readLogs } from "./logs";
import { readSecrets, SECRET_KEYS } from "./secrets";
import { ConfigSource } from "./source";
import { readThresholds } from "./thresholds";
import { readHttp, readRunbookBaseUrl } from "./http";
import { readSlos } from "./slos";
import { DatasourceType, readUserDashboards } from "./dashboards";
import { GRAFANA_SETTINGS_KEYS, readGrafanaSettings } from "./grafana";
import { labels, readTarget, targetSecretNames } from "./targets";
import { Secrets } from "./secrets";
import { readRuleFiles } from "./rule-files";
import { builtInGroupNames } from "./thresholds";
import { ShippedFiles, shippedFiles } from "./shipped-files";
import { PlatformName, ScrapeTarget, STACK_SERVICES, StackConfig } from "./types";
import * as v from "./validate";

/** Every top-level key `monitoring:<key>` the program reads; anything else in the namespace is a typo. */
export const CONFIG_KEYS = [
    "platform",
    "bindAddress",
    "ports",
    "scrapeInterval",
    "evaluationInterval",
    "retention",
    "targets",
    "ruleFiles",
    "alerting",
    "prometheus",
    "alertmanager",
    "grafana",
    "exporters",
    "thresholds",
    "slos",
    "http",
    "runbookBaseUrl",
    "kubernetes",
    "tls",
    "resources",
    "remoteWrite",
    "logs",
    "dashboards",
    "docker",
] as const;

const PLATFORMS: readonly PlatformName[] = ["docker", "kubernetes"];

/**
 * Scrape jobs the stack itself runs: a target of the user's named like one would make a second
 * scrape config with the same name, which Prometheus refuses. A test checks this list against the
 * jobs of full renders on both platforms.
 */
export const BUILT_IN_JOBS: readonly string[] = [...STACK_SERVICES, ...EXPORTERS.map((e) => e.name), "kubelet", "kubelet-cadvisor", "apiserver", "coredns"];
/** Prefixes of built-in job families (blackbox-http, kubernetes-pods, ...). */
const BUILT_IN_JOB_PREFIXES = ["blackbox-", "kubernetes-", "kube-"];

/** Whether a scrape job name is, or could be, one of the stack's own. */
export function isBuiltInJob(job: string): boolean {
    return BUILT_IN_JOBS.includes(job) || BUILT_IN_JOB_PREFIXES.some((p) => job.startsWith(p));
}

/**
 * Reads and validates the stack configuration. Throws a ConfigError naming the key on the
 * first mistake, before any resource exists. `shipped`: the program's own rules/ and dashboards/.
 */
export function loadConfig(source: ConfigSource, stack: string, shipped: ShippedFiles = shippedFiles()): StackConfig {
    const known: readonly string[] = [...CONFIG_KEYS, ...SECRET_KEYS];
    for (const key of source.keys()) {
        if (!known.includes(key)) throw new ConfigError(key, "unknown key; see docs/configuration.md");
    }
    const secrets = readSecrets(source);
    const platform = v.optional(source.value("platform"), "docker" as PlatformName, (x) => v.oneOf("platform", x, PLATFORMS));
    const scrapeInterval = v.optional(source.value("scrapeInterval"), "15s", (x) => v.duration("scrapeInterval", x));

    const portsRaw = v.fields("ports", source.value("ports") ?? {}, ["prometheus", "alertmanager", "grafana", "loki"]);
    const ports = {
        prometheus: v.optional(portsRaw.prometheus, 19090, (x) => v.port("ports.prometheus", x)),
        alertmanager: v.optional(portsRaw.alertmanager, 19093, (x) => v.port("ports.alertmanager", x)),
        grafana: v.optional(portsRaw.grafana, 13000, (x) => v.port("ports.grafana", x)),
        loki: v.optional(portsRaw.loki, 13100, (x) => v.port("ports.loki", x)),
    };
    v.unique("ports", Object.values(ports).map(String), "port");

    const retentionRaw = v.fields("retention", source.value("retention") ?? {}, ["time", "size"]);
    const promRaw = v.fields("prometheus", source.value("prometheus") ?? {}, ["replicas", "storageSize", "adminApi", "remoteWriteReceiver", "externalLabels"]);
    const amRaw = v.fields("alertmanager", source.value("alertmanager") ?? {}, ["replicas", "storageSize", "retention"]);
    const grafanaRaw = v.fields("grafana", source.value("grafana") ?? {}, [
        "replicas",
        "storageSize",
        "database",
        "disabledDashboards",
        ...GRAFANA_SETTINGS_KEYS,
    ]);
    const logs = readLogs(source.value("logs"), platform, secrets);
    const datasources: DatasourceType[] = ["prometheus", "alertmanager", ...(logs.enabled ? ["loki" as const] : [])];

    const targets = v.optional(source.value("targets"), [] as ScrapeTarget[], (x) =>
        v.list("targets", x, (key, t) => {
            const target = readTarget(key, t, scrapeInterval);
            userJobName(`${key}.job`, target.job);
            return target;
        }),
    );
    checkTargetSecrets(targets, secrets);
    v.unique(
        "targets",
        targets.map((t) => t.job),
        "job",
    );

    const config: StackConfig = {
        stack,
        platform,
        bindAddress: v.optional(source.value("bindAddress"), "127.0.0.1", (x) => v.ipv4("bindAddress", x)),
        ports,
        scrapeInterval,
        evaluationInterval: v.optional(source.value("evaluationInterval"), "15s", (x) => v.duration("evaluationInterval", x)),
        retention: {
            time: v.optional(retentionRaw.time, "15d", (x) => v.duration("retention.time", x)),
            size: v.optional(retentionRaw.size, "10GB", (x) => v.size("retention.size", x)),
        },
        targets,
        ruleFiles: readRuleFiles(source.value("ruleFiles"), builtInGroupNames(shipped.rules)),
        alerting: readAlerting(source.value("alerting"), secrets),
        prometheus: {
            replicas: v.optional(promRaw.replicas, 1, (x) => v.number("prometheus.replicas", x, { min: 1, max: 10, integer: true })),
            storageSize: v.optional(promRaw.storageSize, "20Gi", (x) => v.quantity("prometheus.storageSize", x)),
            adminApi: v.optional(promRaw.adminApi, false, (x) => v.boolean("prometheus.adminApi", x)),
            remoteWriteReceiver: v.optional(promRaw.remoteWriteReceiver, false, (x) => v.boolean("prometheus.remoteWriteReceiver", x)),
            externalLabels: v.optional(promRaw.externalLabels, {}, (x) => labels("prometheus.externalLabels", x)),
        },
        alertmanager: {
            replicas: v.optional(amRaw.replicas, 1, (x) => v.number("alertmanager.replicas", x, { min: 1, max: 9, integer: true })),
            storageSize: v.optional(amRaw.storageSize, "1Gi", (x) => v.quantity("alertmanager.storageSize", x)),
            retention: v.optional(amRaw.retention, "120h", (x) => v.duration("alertmanager.retention", x)),
        },
        grafana: {
            replicas: readGrafanaReplicas(grafanaRaw.replicas, platform, secrets),
            storageSize: v.optional(grafanaRaw.storageSize, "5Gi", (x) => v.quantity("grafana.storageSize", x)),
            databasePort: readDatabasePort(source, "grafanaDatabaseUrl"),
            disabledDashboards: v.optional(grafanaRaw.disabledDashboards, [] as string[], (x) =>
                v.list("grafana.disabledDashboards", x, (key, name) =>
                    v.oneOf(
                        key,
                        name,
                        shipped.dashboards.map((d) => d.name),
                    ),
                ),
            ),
            ownDatabase: readGrafanaOwnDatabase(grafanaRaw.database, platform, secrets),
            ...readGrafanaSettings(grafanaRaw, secrets, platform),
        },
        exporters: readExporters(source.value("exporters"), EXPORTERS, {
            platform,
            scrapeInterval,
            secret: (key) => {
                const value = secrets.exporters.get(key);
                return value ? { text: source.secretText(key)!, value } : undefined;
            },
        }),
        logs,
        thresholds: readThresholds(source.value("thresholds"), shipped.rules),
        slos: readSlos(source.value("slos")),
        http: readHttp(source.value("http")),
        docker: readDocker(source.value("docker"), platform),
        dashboards: readUserDashboards(source.value("dashboards"), datasources, shipped.dashboards),
        runbookBaseUrl: readRunbookBaseUrl(source.value("runbookBaseUrl")),
        kubernetes: readKubernetes(source.value("kubernetes")),
        tls: readTls(source.value("tls"), platform),
        resources: readResources(source.value("resources")),
        remoteWrite: readRemoteWrite(source.value("remoteWrite"), secrets),
        secrets,
        shipped,
    };
    checkAlertDelivery(
        config.alerting,
        raisableAlerts({
            ...config,
            externalLabels: { stack, ...config.prometheus.externalLabels },
        }),
    );
    return config;
}

/** `monitoring:docker`: existing networks the stack's scrapers join, to reach containers by name. */
function readDocker(raw: unknown, platform: PlatformName): { networks: string[] } {
    const obj = v.fields("docker", raw ?? {}, ["networks"]);
    const networks = v.optional(obj.networks, [] as string[], (x) =>
        v.list("docker.networks", x, (key, name) => {
            const value = v.string(key, name);
            if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(value)) throw new ConfigError(key, `${JSON.stringify(value)} is not a Docker network name`);
            return value;
        }),
    );
    v.unique("docker.networks", networks, "network");
    if (networks.length > 0 && platform !== "docker") {
        throw new ConfigError("docker.networks", "applies to Docker only; on Kubernetes Prometheus reaches services by their DNS names");
    }
    return { networks };
}

/** Every secret a target names must be in monitoring:targetSecrets (unreadable offline when encrypted). */
function checkTargetSecrets(targets: readonly ScrapeTarget[], secrets: Secrets): void {
    targets.forEach((t, i) => {
        for (const name of targetSecretNames(t)) {
            if (secrets.targets === "opaque" || secrets.targets?.has(name)) continue;
            throw new ConfigError(
                `targets[${i}]`,
                `names the secret ${JSON.stringify(name)}, which monitoring:targetSecrets does not hold; run: pulumi config set --secret --path 'monitoring:targetSecrets.${name}' <value>`,
            );
        }
    });
}

/** A job name of the user's, not one the stack runs itself. */
function userJobName(key: string, raw: unknown): string {
    const job = v.jobName(key, raw);
    if (isBuiltInJob(job)) {
        throw new ConfigError(
            key,
            `"${job}" is the name of one of the stack's own scrape jobs (${BUILT_IN_JOBS.join(", ")}, ${BUILT_IN_JOB_PREFIXES.map((p) => `${p}*`).join(", ")}); pick another`,
        );
    }
    return job;
}
