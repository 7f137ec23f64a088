import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../config";
import { portOf } from "../config/endpoints";
import { IMAGES } from "./images";
import { BASIC_AUTH_USER, GeneratedPassword, generatePassword } from "./passwords";
import { SCRAPED_BY_PROMETHEUS } from "./flows";
import { ClusterMonitoring, FileSpec, OutboundSpec, Platform, ServiceSpec, ServiceTls, tlsPaths } from "./platform/spec";
import { renderPrometheusConfig, renderProbeClientConfig, renderWebConfig, ScrapeConfig, serviceJob, staticJob } from "./render/prometheus";
import { GRAFANA_METRICS_USER } from "./render/grafana-settings";
// Grafana's port, for its scrape job; a plain constant, read only when the job is built.
import { GRAFANA_PORT } from "./grafana";
import { renderRuleFiles } from "./render/rules";

export const PROMETHEUS_PORT = 9090;
const RULES_DIR = "/etc/prometheus/rules";
const SECRETS_DIR = "/etc/prometheus/secrets";
const TLS_DIR = "/etc/prometheus/tls";
const TARGETS_DIR = "/etc/prometheus/targets";
/** Client config of the health checks (names the password file, holds no secret). */
const PROBE_CLIENT_FILE = "/etc/prometheus/probe.yml";
/** Set by the platform to the replica's name, so each replica labels its series `replica="<pod>"`. */
const REPLICA_ENV = "REPLICA_NAME";
/** Files Prometheus reads credentials from; the scrape and alerting configs point here. */
export const PROMETHEUS_SECRET_FILES = {
    password: `${SECRETS_DIR}/password`,
    alertmanagerPassword: `${SECRETS_DIR}/alertmanager_password`,
    remoteWritePassword: `${SECRETS_DIR}/remote_write_password`,
    grafanaMetricsPassword: `${SECRETS_DIR}/grafana_metrics_password`,
};

export interface PrometheusArgs {
    /** The validated stack configuration. */
    readonly config: StackConfig;
    /** Scrape jobs of the exporters and the other services of the stack. */
    readonly scrapeConfigs: ScrapeConfig[];
    /** `host:port` of every Alertmanager replica. */
    readonly alertmanagerEndpoints: string[];
    /** Basic-auth password of Alertmanager, to send alerts and scrape it. */
    readonly alertmanagerPassword: pulumi.Output<string>;
    /** Basic-auth password of Grafana's /metrics (user `prometheus`). */
    readonly grafanaMetricsPassword: pulumi.Output<string>;
    /** Where the workload runs. */
    readonly platform: Platform;
    /** The cluster the platform runs on, when it offers one to watch: its jobs, and rules/kubernetes-*.yml. */
    readonly cluster?: ClusterMonitoring;
}

/** Prometheus: scrapes the stack and the user's applications, evaluates rules, alerts Alertmanager. */
export class Prometheus extends pulumi.ComponentResource {
    public readonly url: pulumi.Output<string>;
    /** Basic-auth password for the UI and API (user `admin`). */
    public readonly password: pulumi.Output<string>;

    constructor(name: string, args: PrometheusArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monitoring:index:Prometheus", name, {}, opts);
        const auth = generatePassword(`${name}-password`, this);
        this.password = auth.password;
        const tls = args.platform.serviceTls?.("prometheus", TLS_DIR, this);
        const svc = args.platform.deploy(prometheusSpec(args, auth, tls), { parent: this });
        this.url = svc.url ?? pulumi.output(`http://${args.platform.addressOf("prometheus", PROMETHEUS_PORT)}`);
        this.registerOutputs({ url: this.url, password: this.password });
    }
}

/** Where a target's credentials and certificates are mounted: secrets beside the stack's, PEMs in their own folder. */
function targetPaths(job: string) {
    return {
        password: `${SECRETS_DIR}/targets/${job}/password`,
        token: `${SECRETS_DIR}/targets/${job}/token`,
        key: `${SECRETS_DIR}/targets/${job}/client.key`,
        ca: `${TARGETS_DIR}/${job}/ca.pem`,
        cert: `${TARGETS_DIR}/${job}/client.pem`,
    };
}

/** The scrape jobs for the user's applications (`monitoring:targets`), credentials as files. */
export function applicationJobs(config: StackConfig): ScrapeConfig[] {
    return config.targets.map((t) => {
        const files = targetPaths(t.job);
        return staticJob(t.job, t.targets, {
            ...(t.interval ? { scrape_interval: t.interval } : {}),
            ...(t.timeout ? { scrape_timeout: t.timeout } : {}),
            metrics_path: t.metricsPath,
            scheme: t.scheme,
            ...(t.basicAuth ? { basic_auth: { username: t.basicAuth.username, password_file: files.password } } : {}),
            ...(t.bearerTokenSecret ? { authorization: { type: "Bearer", credentials_file: files.token } } : {}),
            ...(t.tls
                ? {
                      tls_config: {
                          ...(t.tls.ca ? { ca_file: files.ca } : {}),
                          ...(t.tls.cert ? { cert_file: files.cert, key_file: files.key } : {}),
                          ...(t.tls.serverName ? { server_name: t.tls.serverName } : {}),
                          ...(t.tls.insecureSkipVerify ? { insecure_skip_verify: true } : {}),
                      },
                  }
                : {}),
            ...(t.relabelConfigs.length ? { relabel_configs: t.relabelConfigs } : {}),
            ...(t.metricRelabelConfigs.length ? { metric_relabel_configs: t.metricRelabelConfigs } : {}),
            labels: t.labels,
        });
    });
}

/** The files the user's scrape jobs read: CAs and client certificates, and the secrets from monitoring:targetSecrets. */
function targetFiles(config: StackConfig): FileSpec[] {
    const secret = (name: string): pulumi.Output<string> => {
        const map = config.secrets.targets;
        // Encrypted map in the offline render: a stand-in, never written out.
        const value = map === "opaque" ? pulumi.secret("encrypted") : map?.get(name);
        if (!value) throw new Error(`target secret ${name} is referenced but not set`);
        return value;
    };
    return config.targets.flatMap((t) => {
        const files = targetPaths(t.job);
        return [
            ...(t.basicAuth ? [{ path: files.password, content: secret(t.basicAuth.passwordSecret), secret: true }] : []),
            ...(t.bearerTokenSecret ? [{ path: files.token, content: secret(t.bearerTokenSecret), secret: true }] : []),
            ...(t.tls?.ca ? [{ path: files.ca, content: t.tls.ca }] : []),
            ...(t.tls?.cert ? [{ path: files.cert, content: t.tls.cert }] : []),
            ...(t.tls?.keySecret ? [{ path: files.key, content: secret(t.tls.keySecret), secret: true }] : []),
        ];
    });
}

/** The CA Prometheus verifies every service of the stack with, when they serve in-cluster TLS. */
const PROMETHEUS_CA_FILE = tlsPaths(TLS_DIR).caFile;

/**
 * A job of the stack scraped over TLS, when its service serves one whose certificate names
 * `serverName` (targets found by service discovery are pod IPs, which no certificate names).
 */
export function scrapeOverTls(job: ScrapeConfig, serverName: string | undefined): ScrapeConfig {
    if (!serverName) return job;
    return { ...job, scheme: "https", tls_config: { ...(job.tls_config ?? {}), ca_file: PROMETHEUS_CA_FILE, server_name: serverName } };
}

/** HTTPS verified against the platform's CA, when services serve in-cluster TLS. */
function tlsClient(caFile?: string): Pick<ScrapeConfig, "scheme" | "tls_config"> {
    return caFile ? { scheme: "https", tls_config: { ca_file: caFile } } : {};
}

/**
 * Prometheus' own job, Alertmanager's and Grafana's, each behind basic auth (and TLS when `caFile`
 * is given). Grafana runs as a Deployment: its pods are found through the platform and verified
 * against the name its certificate carries, the host of its Service address.
 */
export function stackJobs(platform: Platform, replicas: number, alertmanagerEndpoints: string[], caFile?: string): ScrapeConfig[] {
    const grafanaHost = platform.addressOf("grafana", GRAFANA_PORT).replace(/:\d+$/, "");
    return [
        staticJob("prometheus", platform.replicaAddresses("prometheus", replicas, PROMETHEUS_PORT), {
            ...tlsClient(caFile),
            basic_auth: { username: BASIC_AUTH_USER, password_file: PROMETHEUS_SECRET_FILES.password },
        }),
        staticJob("alertmanager", alertmanagerEndpoints, {
            ...tlsClient(caFile),
            basic_auth: { username: BASIC_AUTH_USER, password_file: PROMETHEUS_SECRET_FILES.alertmanagerPassword },
        }),
        serviceJob("grafana", platform.scrapeTargets("grafana", GRAFANA_PORT), {
            ...(caFile ? { scheme: "https", tls_config: { ca_file: caFile, server_name: grafanaHost } } : {}),
            basic_auth: { username: GRAFANA_METRICS_USER, password_file: PROMETHEUS_SECRET_FILES.grafanaMetricsPassword },
        }),
    ];
}

/** Ports Prometheus opens beyond the stack: the user's targets and the remote_write stores. */
function outboundPorts(config: StackConfig): OutboundSpec[] {
    const ports = new Set<number>();
    for (const address of [...config.targets.flatMap((t) => t.targets), ...config.remoteWrite.map((rw) => rw.url)]) ports.add(portOf(address));
    return [...ports].sort((a, b) => a - b).map((port) => ({ port }));
}

/** The user's own rule files, mounted beside the stack's under names unique to each path. */
function userRuleFiles(config: StackConfig): FileSpec[] {
    return config.ruleFiles.map((file) => ({ path: `${RULES_DIR}/${file.name}`, content: file.content, hotReload: true }));
}

/**
 * prometheus.yml and the rule files. `caFile`: Prometheus and Alertmanager serve TLS signed by this CA.
 * With replicas, each one labels its series with its own name (Prometheus 3 expands `${VAR}` in
 * external labels), so a deduplicating store such as Thanos or Mimir can tell the pair apart.
 */
export function renderPrometheusFiles(args: PrometheusArgs, caFile?: string): { path: string; content: string }[] {
    const { config, platform } = args;
    const prometheusYml = renderPrometheusConfig({
        scrapeInterval: config.scrapeInterval,
        evaluationInterval: config.evaluationInterval,
        externalLabels: {
            stack: config.stack,
            ...(config.prometheus.replicas > 1 ? { replica: `\${${REPLICA_ENV}}` } : {}),
            // Prometheus 3 expands `$VAR` in external labels: a user's `$` is written `$$` to stay a `$`.
            ...Object.fromEntries(Object.entries(config.prometheus.externalLabels).map(([k, v]) => [k, v.split("$").join("$$")])),
        },
        ruleFiles: [`${RULES_DIR}/*.yml`],
        alertmanagers: {
            targets: args.alertmanagerEndpoints,
            scheme: caFile ? "https" : "http",
            basicAuth: { username: BASIC_AUTH_USER, passwordFile: PROMETHEUS_SECRET_FILES.alertmanagerPassword },
            ...(caFile ? { tlsConfig: { ca_file: caFile } } : {}),
        },
        scrapeConfigs: [
            ...stackJobs(platform, config.prometheus.replicas, args.alertmanagerEndpoints, caFile),
            ...args.scrapeConfigs,
            ...(args.cluster?.jobs ?? []),
            ...(platform.discovery?.().jobs ?? []),
            ...applicationJobs(config),
        ],
        // Both replicas send the same alerts: without their replica label Alertmanager sees one alert.
        alertRelabelConfigs: config.prometheus.replicas > 1 ? [{ action: "labeldrop", regex: "replica" }] : [],
        remoteWrite: config.remoteWrite.map((rw) => ({
            url: rw.url,
            ...(rw.username ? { basicAuth: { username: rw.username, passwordFile: PROMETHEUS_SECRET_FILES.remoteWritePassword } } : {}),
        })),
    });
    const rules = renderRuleFiles({ ...config, kubernetesRules: Boolean(args.cluster) }).map((rule) => ({
        path: `${RULES_DIR}/${rule.name}`,
        content: rule.content,
    }));
    return [{ path: "/etc/prometheus/prometheus.yml", content: prometheusYml }, ...rules];
}

/** `promtool check healthy|ready` against this container, authenticated through the probe client config. */
function promtoolCheck(what: "healthy" | "ready", tls?: ServiceTls): string[] {
    const url = `${tls ? "https" : "http"}://127.0.0.1:${PROMETHEUS_PORT}`;
    return ["promtool", "check", what, `--url=${url}`, `--http.config.file=${PROBE_CLIENT_FILE}`];
}

function prometheusSpec(args: PrometheusArgs, auth: GeneratedPassword, tls?: ServiceTls): ServiceSpec {
    const { config } = args;
    const discovery = args.platform.discovery?.();
    const remoteWritePassword = config.secrets.remoteWritePassword;
    const { prometheus, retention } = config;
    return {
        name: "prometheus",
        image: IMAGES.prometheus,
        kind: "statefulset",
        replicas: prometheus.replicas,
        args: [
            "--config.file=/etc/prometheus/prometheus.yml",
            "--web.config.file=/etc/prometheus/web.yml",
            "--storage.tsdb.path=/prometheus",
            `--storage.tsdb.retention.time=${retention.time}`,
            `--storage.tsdb.retention.size=${retention.size}`,
            `--web.listen-address=:${PROMETHEUS_PORT}`,
            "--web.enable-lifecycle",
            // Prometheus re-reads prometheus.yml and its rule files itself when they change: no reloader
            // needs its password.
            "--enable-feature=auto-reload-config",
            "--config.auto-reload-interval=30s",
            ...(prometheus.adminApi ? ["--web.enable-admin-api"] : []),
            ...(prometheus.remoteWriteReceiver ? ["--web.enable-remote-write-receiver"] : []),
        ],
        ports: [{ name: "http", port: PROMETHEUS_PORT, expose: { hostPort: config.ports.prometheus }, tls: Boolean(tls) }],
        files: [
            ...renderPrometheusFiles(args, tls?.caFile).map((f) => ({ ...f, hotReload: true })),
            ...userRuleFiles(config),
            ...targetFiles(config),
            {
                path: "/etc/prometheus/web.yml",
                content: auth.bcryptHash.apply((hash) => renderWebConfig({ [BASIC_AUTH_USER]: hash }, tls)),
                secret: true,
            },
            { path: PROMETHEUS_SECRET_FILES.password, content: auth.password, secret: true },
            { path: PROMETHEUS_SECRET_FILES.alertmanagerPassword, content: args.alertmanagerPassword, secret: true },
            { path: PROMETHEUS_SECRET_FILES.grafanaMetricsPassword, content: args.grafanaMetricsPassword, secret: true },
            ...(remoteWritePassword && config.remoteWrite.some((rw) => rw.username)
                ? [{ path: PROMETHEUS_SECRET_FILES.remoteWritePassword, content: remoteWritePassword, secret: true }]
                : []),
            ...(tls?.files ?? []),
            { path: PROBE_CLIENT_FILE, content: renderProbeClientConfig(BASIC_AUTH_USER, PROMETHEUS_SECRET_FILES.password, tls?.caFile), hotReload: true },
        ],
        replicaNameEnv: REPLICA_ENV,
        inbound: [SCRAPED_BY_PROMETHEUS],
        outbound: [
            // Alerts go to every Alertmanager pod, never through a load balancer.
            { service: "alertmanager", why: "alerts" },
            ...outboundPorts(config),
            ...(discovery?.outbound ?? []),
            ...(args.cluster?.outbound ?? []),
        ],
        clusterRead: [...(discovery?.clusterRead ?? []), ...(args.cluster?.clusterRead ?? [])],
        clusterReadUrls: args.cluster?.clusterReadUrls,
        data: { path: "/prometheus", size: prometheus.storageSize },
        health: {
            path: "/-/healthy",
            port: PROMETHEUS_PORT,
            basicAuthPasswordFile: PROMETHEUS_SECRET_FILES.password,
            // promtool reads the password from the file its client config names: nothing secret in its arguments.
            execProbe: { live: promtoolCheck("healthy", tls), ready: promtoolCheck("ready", tls) },
        },
        stickyClients: true,
        user: "65534:65534",
        readOnlyRootFilesystem: true,
        resources: { cpuRequest: "250m", memoryRequest: "1Gi", cpuLimit: "2", memoryLimit: "4Gi" },
    };
}
