import { Secrets } from "./secrets";
import { KubernetesConfig, RemoteWriteTarget, ResourceOverride, TlsConfig } from "./kubernetes";
import { ExportersConfig } from "./exporters";
import { LogsConfig } from "./logs";
import { ThresholdsConfig } from "./thresholds";
import { SloConfig } from "./slos";
import { HttpConfig } from "./http";
import { DashboardFolder } from "./dashboards";
import { GrafanaSettings } from "./grafana";
import { UserRuleFile } from "./rule-files";
import { ShippedFiles } from "./shipped-files";
import { RouteNode } from "./alert-routing";
import { ReceiverModel } from "./receivers";
import { TimeInterval } from "./routes";

export type PlatformName = "docker" | "kubernetes";
export type Severity = "critical" | "warning" | "info";
export const SEVERITIES: readonly Severity[] = ["critical", "warning", "info"];

/** The stack's own services besides the exporters: each is a scrape job and a monitoring:resources key. */
export const STACK_SERVICES = ["prometheus", "alertmanager", "grafana", "loki", "promtail", "alloy"] as const;

export type { ScrapeTarget } from "./targets";
import type { ScrapeTarget } from "./targets";

/** Receivers and the route tree, as alertmanager.yml will hold them (credentials still secret references). */
export interface AlertingConfig {
    /** The stack's receivers (default, watchdog, sms, critical, warning, info) and the user's. */
    readonly receivers: ReceiverModel[];
    /** The whole tree: Watchdog, the SMS webhook, the user's routes, then the severity defaults. */
    readonly route: RouteNode;
    readonly timeIntervals: TimeInterval[];
    /** Receivers without integrations on purpose: reaching only these is not a delivery failure. */
    readonly silentReceivers: string[];
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

export interface GrafanaConfig extends GrafanaSettings {
    readonly replicas: number;
    readonly storageSize: string;
    /** Port of the PostgreSQL database in `monitoring:grafanaDatabaseUrl`, when one is set. */
    readonly databasePort?: number;
    /** Built-in dashboards turned off, by name (`datastores/kafka`). */
    readonly disabledDashboards: string[];
    /**
     * Grafana's own PostgreSQL (`monitoring:grafana.database`): on Kubernetes when no
     * `grafanaDatabaseUrl` is set, so replicas share one database. Absent: the external database, or SQLite (Docker).
     */
    readonly ownDatabase?: { readonly storageSize: string };
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
    /** The user's own rule files, read and checked at load. */
    readonly ruleFiles: UserRuleFile[];
    readonly alerting: AlertingConfig;
    readonly prometheus: PrometheusConfig;
    readonly alertmanager: AlertmanagerConfig;
    readonly grafana: GrafanaConfig;
    readonly exporters: ExportersConfig;
    /** Loki, the log shipper and what it tails. */
    readonly logs: LogsConfig;
    readonly thresholds: ThresholdsConfig;
    readonly slos: SloConfig[];
    /** Names of the user's HTTP metrics and labels: rules/http.yml, the RED dashboard and the SLO rules follow them. */
    readonly http: HttpConfig;
    /** Docker only: existing networks to join (`monitoring:docker.networks`). */
    readonly docker: { readonly networks: string[] };
    /** The user's dashboards (`monitoring:dashboards`), read, checked and mapped onto the stack's datasources. */
    readonly dashboards: DashboardFolder[];
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
    /** The stack's own rules/*.yml and dashboards/**.json, read once while config loads. */
    readonly shipped: ShippedFiles;
}
