import { Secrets } from "./secrets";
import { KubernetesConfig, RemoteWriteTarget, ResourceOverride, TlsConfig } from "./kubernetes";
import { ExportersConfig } from "./exporters";
import { LogsConfig } from "./logs";
import { ThresholdsConfig } from "./thresholds";
import { SloConfig } from "./slos";
import { HttpConfig } from "./http";

export type PlatformName = "docker" | "kubernetes";
export type Severity = "critical" | "warning" | "info";
export const SEVERITIES: readonly Severity[] = ["critical", "warning", "info"];

/** One of the user's applications, scraped by Prometheus. */
export interface ScrapeTarget {
    readonly job: string;
    /** `host:port` addresses; on Docker, `host.docker.internal:PORT` reaches the host. */
    readonly targets: string[];
    readonly interval?: string;
    /** Scrape timeout, at most the interval (Prometheus' default: the global one, 10s, capped at the interval). */
    readonly timeout?: string;
    readonly metricsPath: string;
    readonly scheme: "http" | "https";
    /** Extra labels put on every series of the job (team, env, ...). */
    readonly labels: Record<string, string>;
}

export interface AlertRoutingConfig {
    readonly groupBy: string[];
    readonly groupWait: string;
    readonly groupInterval: string;
    readonly repeatInterval: string;
}

export interface AlertingConfig {
    /** Slack, on when `monitoring:slackWebhookUrl` is set: one channel per severity. */
    readonly slack?: { readonly channels: Record<Severity, string> };
    /** Email over SMTP with STARTTLS; the password comes from `monitoring:smtpPassword`. */
    readonly email?: {
        readonly to: string;
        readonly from: string;
        readonly smarthost: string;
        readonly username?: string;
        readonly requireTls: boolean;
        readonly severities: Severity[];
    };
    /** PagerDuty Events v2, on when `monitoring:pagerdutyRoutingKey` is set. */
    readonly pagerduty?: { readonly severities: Severity[] };
    /** A generic webhook (an SMS bridge), on when `monitoring:webhookUrl` is set; gets alerts that match. */
    readonly webhook?: { readonly matchers: string[] };
    readonly route: AlertRoutingConfig;
}

export interface PublishedPorts {
    readonly prometheus: number;
    readonly alertmanager: number;
    readonly grafana: number;
    readonly loki: number;
}

export interface PrometheusConfig {
    readonly replicas: number;
    readonly storageSize: string;
    /** Enables /api/v1/admin (TSDB snapshots for backups). */
    readonly adminApi: boolean;
    /** Enables /api/v1/write so load tools such as k6 can push samples. */
    readonly remoteWriteReceiver: boolean;
    readonly externalLabels: Record<string, string>;
}

export interface AlertmanagerConfig {
    readonly replicas: number;
    readonly storageSize: string;
    /** How long silences and notification logs are kept (`--data.retention`). */
    readonly retention: string;
}

export interface GrafanaConfig {
    readonly replicas: number;
    readonly storageSize: string;
    /** Port of the PostgreSQL database in `monitoring:grafanaDatabaseUrl`, when one is set. */
    readonly databasePort?: number;
}

/** The whole stack configuration: validated, every default applied. */
export interface StackConfig {
    readonly stack: string;
    readonly platform: PlatformName;
    readonly bindAddress: string;
    readonly ports: PublishedPorts;
    readonly scrapeInterval: string;
    readonly evaluationInterval: string;
    readonly retention: { readonly time: string; readonly size: string };
    readonly targets: ScrapeTarget[];
    /** The user's own rule files (paths on the machine running Pulumi). */
    readonly ruleFiles: string[];
    readonly alerting: AlertingConfig;
    readonly prometheus: PrometheusConfig;
    readonly alertmanager: AlertmanagerConfig;
    readonly grafana: GrafanaConfig;
    readonly exporters: ExportersConfig;
    /** Loki, the log shipper and what it tails. */
    readonly logs: LogsConfig;
    readonly thresholds: ThresholdsConfig;
    readonly slos: SloConfig[];
    /** Label names of the user's HTTP metrics, used by rules/http.yml and the SLO rules. */
    readonly http: HttpConfig;
    /** Base URL alerts' runbook_url links point under (ends with /). */
    readonly runbookBaseUrl: string;
    /** Kubernetes only: cluster, namespace, ingress and network settings. */
    readonly kubernetes: KubernetesConfig;
    /** Ingress certificates and in-cluster TLS (Kubernetes). */
    readonly tls: TlsConfig;
    /** Requests and limits by service name, over each service's defaults. */
    readonly resources: Record<string, ResourceOverride>;
    /** Long-term stores Prometheus copies samples to. */
    readonly remoteWrite: RemoteWriteTarget[];
    readonly secrets: Secrets;
}
