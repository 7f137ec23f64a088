import { ScrapeTargets } from "../platform/spec";
import { toYaml, GENERATED } from "./yaml";
import { durationMs } from "../../config/validate";
import type { ScrapeSettings } from "../../config/exporters";

/** One `scrape_configs` entry, in Prometheus' own field names so it reads like a hand-written file. */
export interface ScrapeConfig {
    readonly job_name: string;
    readonly scrape_interval?: string;
    readonly scrape_timeout?: string;
    readonly metrics_path?: string;
    readonly scheme?: "http" | "https";
    readonly params?: Record<string, string[]>;
    readonly basic_auth?: { readonly username: string; readonly password_file: string };
    /** `Authorization` from a file: a bearer token (a target's, or a Kubernetes ServiceAccount token). */
    readonly authorization?: { readonly type?: string; readonly credentials_file: string };
    readonly tls_config?: Record<string, unknown>;
    readonly static_configs?: { readonly targets: string[]; readonly labels?: Record<string, string> }[];
    readonly kubernetes_sd_configs?: Record<string, unknown>[];
    readonly relabel_configs?: Record<string, unknown>[];
    readonly metric_relabel_configs?: Record<string, unknown>[];
}

export interface AlertmanagerEndpoints {
    /** `host:port` of every Alertmanager replica: alerts go to each, never through a load balancer. */
    readonly targets: string[];
    readonly scheme: "http" | "https";
    readonly basicAuth?: { readonly username: string; readonly passwordFile: string };
    readonly tlsConfig?: Record<string, unknown>;
}

export interface RemoteWriteEndpoint {
    readonly url: string;
    readonly basicAuth?: { readonly username: string; readonly passwordFile: string };
}

export interface PrometheusModel {
    readonly scrapeInterval: string;
    readonly evaluationInterval: string;
    readonly externalLabels: Record<string, string>;
    /** Paths or globs inside the container. */
    readonly ruleFiles: string[];
    readonly alertmanagers: AlertmanagerEndpoints;
    readonly scrapeConfigs: ScrapeConfig[];
    readonly remoteWrite?: RemoteWriteEndpoint[];
    /** Relabelling of alerts before they are sent (drop a replica label so Alertmanager deduplicates). */
    readonly alertRelabelConfigs?: Record<string, unknown>[];
}

/** prometheus.yml */
export function renderPrometheusConfig(model: PrometheusModel): string {
    const am = model.alertmanagers;
    const doc: Record<string, unknown> = {
        global: {
            scrape_interval: model.scrapeInterval,
            evaluation_interval: model.evaluationInterval,
            ...(Object.keys(model.externalLabels).length ? { external_labels: model.externalLabels } : {}),
        },
        rule_files: model.ruleFiles,
        alerting: {
            ...(model.alertRelabelConfigs?.length ? { alert_relabel_configs: model.alertRelabelConfigs } : {}),
            alertmanagers: [
                {
                    scheme: am.scheme,
                    ...(am.basicAuth ? { basic_auth: { username: am.basicAuth.username, password_file: am.basicAuth.passwordFile } } : {}),
                    ...(am.tlsConfig ? { tls_config: am.tlsConfig } : {}),
                    static_configs: [{ targets: am.targets }],
                },
            ],
        },
        scrape_configs: model.scrapeConfigs,
    };
    if (model.remoteWrite?.length) {
        doc.remote_write = model.remoteWrite.map((rw) => ({
            url: rw.url,
            ...(rw.basicAuth ? { basic_auth: { username: rw.basicAuth.username, password_file: rw.basicAuth.passwordFile } } : {}),
        }));
    }
    return toYaml(doc, GENERATED);
}

/** A job with fixed targets: the shape every exporter and user application uses. */
export function staticJob(
    job: string,
    targets: string[],
    extra: Omit<ScrapeConfig, "job_name" | "static_configs"> & { labels?: Record<string, string> } = {},
): ScrapeConfig {
    const { labels, ...rest } = extra;
    return {
        job_name: job,
        ...rest,
        static_configs: [{ targets, ...(labels && Object.keys(labels).length ? { labels } : {}) }],
    };
}

/** A job that finds its targets through the platform (every pod of a DaemonSet on Kubernetes). */
export function serviceJob(
    job: string,
    targets: ScrapeTargets,
    extra: Omit<ScrapeConfig, "job_name" | "static_configs" | "kubernetes_sd_configs"> = {},
): ScrapeConfig {
    return { job_name: job, ...extra, ...targets };
}

/**
 * web.yml for Prometheus and Alertmanager (exporter-toolkit format): basic auth with a bcrypt hash,
 * and TLS when certificate files are given.
 */
export function renderWebConfig(users: Record<string, string>, tls?: { certFile: string; keyFile: string }): string {
    return toYaml({
        ...(tls ? { tls_server_config: { cert_file: tls.certFile, key_file: tls.keyFile } } : {}),
        basic_auth_users: users,
    });
}

/**
 * A job with an exporter's own scrape interval and timeout (monitoring:exporters.<name>). A
 * timeout the job brings itself (Kafka's 10s) never exceeds the interval it ends up with.
 */
export function withScrapeSettings(job: ScrapeConfig, settings: ScrapeSettings | undefined, globalInterval: string): ScrapeConfig {
    const { job_name, scrape_interval, scrape_timeout, ...rest } = job;
    const interval = settings?.interval ?? scrape_interval;
    let timeout = settings?.timeout ?? scrape_timeout;
    if (timeout && durationMs(timeout) > durationMs(interval ?? globalInterval)) timeout = interval ?? globalInterval;
    return {
        job_name,
        ...(interval ? { scrape_interval: interval } : {}),
        ...(timeout ? { scrape_timeout: timeout } : {}),
        ...rest,
    };
}

/**
 * The HTTP client config (`--http.config.file`) promtool and amtool read when they check their own
 * server: basic auth from the password file and the CA, so no credential is ever an argument.
 */
export function renderProbeClientConfig(username: string, passwordFile: string, caFile?: string): string {
    return toYaml({ basic_auth: { username, password_file: passwordFile }, ...(caFile ? { tls_config: { ca_file: caFile } } : {}) }, GENERATED);
}
