import type { TlsFiles } from "./tls";
import { LogFormat } from "../../config/logs";

/** Where container logs come from: the Docker daemon's API, or the kubelet's files under /var/log/pods. */
export type ContainerLogs =
    | { readonly kind: "docker"; readonly socketPath: string }
    | {
          readonly kind: "kubernetes";
          readonly podLogsDir: string;
          /** Environment variable holding the node's name: each DaemonSet pod discovers only its own node's pods. */
          readonly nodeNameEnv: string;
      };

/** How a tailed file is parsed: the user's formats, plus PostgreSQL's stderr log. */
export type FileFormat = LogFormat | "postgresql";

/** A file glob as the shipper sees it (host paths mounted under a prefix). */
export interface TailedFile {
    readonly job: string;
    /** Path or glob inside the shipper's container. */
    readonly path: string;
    readonly format: FileFormat;
    readonly labels: Record<string, string>;
}

/** What both shippers (Promtail and Alloy) render from: same sources, same labels, same stages. */
export interface ShipperModel {
    /** Port of the shipper's own HTTP server (/metrics, /ready). */
    readonly httpPort: number;
    /** Loki's push endpoint. */
    readonly lokiPushUrl: string;
    /** Data volume: positions, so a restart neither drops nor duplicates lines. */
    readonly dataDir: string;
    /** Absent on a platform without containers: only files are shipped. */
    readonly containers?: ContainerLogs;
    readonly files: TailedFile[];
    /**
     * In-cluster TLS: the shipper serves its own endpoint with this certificate, and pushes to Loki
     * over HTTPS verified with the CA (Loki's certificate names `serverName`).
     */
    readonly tls?: TlsFiles;
}

/** One pipeline stage, in Promtail's field names; the Alloy renderer maps each to its `stage.*` block. */
export type PipelineStage =
    | { readonly json: { readonly expressions: Record<string, string> } }
    | { readonly logfmt: { readonly mapping: Record<string, string> } }
    | { readonly regex: { readonly expression: string } }
    | { readonly multiline: { readonly firstline: string; readonly max_wait_time: string } }
    | { readonly template: { readonly source: string; readonly template: string } }
    | { readonly labels: Record<string, null> }
    | { readonly cri: Record<string, never> };

/** JMESPath that finds the level under the names common loggers use (winston, pino, zap, logrus, bunyan). */
const JSON_LEVEL = "level || severity || lvl";

/** Lower-case level names; pino's and bunyan's numeric levels mapped to their names. */
export const LEVEL_TEMPLATE =
    '{{ if eq .Value "10" }}trace{{ else if eq .Value "20" }}debug{{ else if eq .Value "30" }}info' +
    '{{ else if eq .Value "40" }}warn{{ else if eq .Value "50" }}error{{ else if eq .Value "60" }}fatal' +
    "{{ else }}{{ ToLower .Value }}{{ end }}";

/** PostgreSQL's default log_line_prefix starts each entry with a timestamp; other lines continue it. */
export const POSTGRES_FIRST_LINE = "^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}";
const POSTGRES_LEVEL = "(?P<level>DEBUG[1-5]?|INFO|NOTICE|WARNING|ERROR|LOG|FATAL|PANIC):\\s";

/** Level names in lower case, as the Logs dashboard filters them. */
function levelLabel(template = "{{ ToLower .Value }}"): PipelineStage[] {
    return [{ template: { source: "level", template } }, { labels: { level: null } }];
}

/**
 * The stages that turn a line into a labelled entry. Only `level` becomes a label (few values);
 * the line itself is kept as the application wrote it, so `| json` or `| logfmt` in LogQL still
 * sees every field, the message included.
 */
export function pipelineStages(format: FileFormat): PipelineStage[] {
    switch (format) {
        case "json":
            return [{ json: { expressions: { level: JSON_LEVEL, message: "message || msg" } } }, ...levelLabel(LEVEL_TEMPLATE)];
        case "logfmt":
            return [{ logfmt: { mapping: { level: "level", message: "msg" } } }, ...levelLabel()];
        case "postgresql":
            return [
                { multiline: { firstline: POSTGRES_FIRST_LINE, max_wait_time: "3s" } },
                { regex: { expression: POSTGRES_LEVEL } },
                ...levelLabel(),
            ];
        case "plain":
            return [];
    }
}

/** The label every container stream gets, by where the metadata comes from. */
export const DOCKER_LABELS = {
    container: "__meta_docker_container_name",
    service: "__meta_docker_container_label_com_docker_compose_service",
    stack: "__meta_docker_container_label_com_docker_compose_project",
} as const;

/** Relabel rules shared by both shippers, in Prometheus' field names. */
export function containerRelabelRules(containers: ContainerLogs): Record<string, unknown>[] {
    if (containers.kind === "docker") {
        return [
            // Docker reports names with a leading slash.
            { source_labels: [DOCKER_LABELS.container], regex: "/(.*)", target_label: "container" },
            { source_labels: [DOCKER_LABELS.service], target_label: "service" },
            { source_labels: [DOCKER_LABELS.stack], target_label: "stack" },
            { source_labels: ["__meta_docker_container_log_stream"], target_label: "stream" },
        ];
    }
    return [
        { source_labels: ["__meta_kubernetes_pod_container_name"], target_label: "container" },
        // The app's name from the recommended label, else the older `app` label.
        {
            source_labels: ["__meta_kubernetes_pod_label_app_kubernetes_io_name", "__meta_kubernetes_pod_label_app"],
            separator: ";",
            regex: ";*([^;]+).*",
            target_label: "service",
        },
        { source_labels: ["__meta_kubernetes_namespace"], target_label: "stack" },
        { source_labels: ["__meta_kubernetes_namespace"], target_label: "namespace" },
        { source_labels: ["__meta_kubernetes_pod_name"], target_label: "pod" },
        // The kubelet writes /var/log/pods/<namespace>_<pod>_<uid>/<container>/<n>.log.
        {
            source_labels: ["__meta_kubernetes_pod_uid", "__meta_kubernetes_pod_container_name"],
            separator: "/",
            target_label: "__path__",
            replacement: `${containers.podLogsDir}/*$1/*.log`,
        },
    ];
}
