import { ConfigError } from "./errors";
import type { ShippedRuleFile } from "./shipped-files";
import { Severity, SEVERITIES } from "./types";
import * as v from "./validate";

/** One tunable number of the stack's alerts. */
export interface ThresholdSpec {
    /** The value written literally in the rule files on disk. */
    readonly default: number;
    readonly unit: "percent" | "seconds" | "hours" | "days" | "messages" | "count" | "ratio" | "per second";
    readonly description: string;
    /** The alerts whose expression holds the value (exactly once each). */
    readonly alerts: readonly string[];
}

const t = (value: number, unit: ThresholdSpec["unit"], description: string, ...alerts: string[]): ThresholdSpec => ({
    default: value,
    unit,
    description,
    alerts,
});

/** Every name `monitoring:thresholds.<name>` accepts, its default and the alerts it tunes. */
export const THRESHOLDS = {
    httpErrorRatePercent: t(5, "percent", "Share of a job's requests answered with 5xx", "HTTPHighErrorRate"),
    httpLatencyP95Seconds: t(1, "seconds", "p95 request duration of a job", "HTTPHighLatencyP95"),
    httpLatencyP99Seconds: t(2.5, "seconds", "p99 request duration of a job", "HTTPHighLatencyP99"),
    httpRouteErrorRatePercent: t(10, "percent", "Share of one route's requests answered with 5xx", "HTTPRouteHighErrorRate"),
    httpRouteLatencyP95Seconds: t(2, "seconds", "p95 request duration of one route", "HTTPRouteHighLatency"),
    httpRequestRateDropPercent: t(30, "percent", "Request rate as a share of the same time last week, below which traffic has dropped", "HTTPRequestRateDrop"),
    httpAuthFailurePercent: t(20, "percent", "Share of requests answered 401/403", "HTTPAuthFailuresSpike"),
    httpRateLimitedPercent: t(5, "percent", "Share of requests answered 429", "HTTPRateLimitedSpike"),
    consumerBacklogMessages: t(10000, "messages", "Unconsumed messages of a consumer group on a topic", "ConsumerBacklogHigh"),
    kafkaPartitionLagMessages: t(5000, "messages", "Lag of a consumer group on its most-lagging partition", "KafkaConsumerPartitionLagHigh"),
    kafkaMinBrokers: t(1, "count", "Brokers the Kafka cluster should have at least", "KafkaBrokersMissing"),
    diskSpaceLowPercent: t(85, "percent", "Filesystem use that warns", "HostDiskSpaceLow"),
    diskFullPercent: t(95, "percent", "Filesystem use that pages", "HostDiskAlmostFull"),
    diskFillHours: t(4, "hours", "Horizon within which a filesystem predicted to fill alerts", "HostDiskWillFillSoon"),
    inodesFreePercent: t(10, "percent", "Free inodes below which a filesystem alerts", "HostInodesLow"),
    memoryUsedPercent: t(90, "percent", "Host memory in use", "HostMemoryHigh"),
    cpuUsedPercent: t(90, "percent", "Host CPU busy", "HostCpuHigh"),
    cpuStealPercent: t(10, "percent", "CPU time stolen by the hypervisor", "HostCpuStealHigh"),
    loadPerCpu: t(2, "ratio", "1-minute load average per CPU", "HostLoadHigh"),
    fileDescriptorsPercent: t(80, "percent", "System-wide file descriptors allocated", "HostFileDescriptorsHigh"),
    clockSkewSeconds: t(0.05, "seconds", "Clock offset from the NTP source", "HostClockSkew"),
    networkErrorsPerSecond: t(1, "per second", "Network interface receive + transmit errors", "HostNetworkErrors"),
    conntrackPercent: t(80, "percent", "Connection-tracking table in use", "HostConntrackNearLimit"),
    diskIoBusyPercent: t(90, "percent", "Time a disk is busy with I/O", "HostDiskIOSaturated"),
    containerRestartsPerHour: t(3, "count", "Container restarts within an hour", "ContainerRestarting"),
    containerCpuThrottlingPercent: t(25, "percent", "CPU periods throttled by the container's limit", "ContainerCpuThrottled"),
    containerMemoryPercent: t(90, "percent", "Container working set as a share of its memory limit", "ContainerMemoryNearLimit"),
    postgresConnectionsPercent: t(80, "percent", "Connections as a share of max_connections", "PostgresTooManyConnections"),
    postgresLongTransactionSeconds: t(300, "seconds", "Age of the oldest open transaction", "PostgresLongRunningTransaction"),
    postgresReplicationLagSeconds: t(30, "seconds", "Replica lag behind the primary", "PostgresReplicationLag"),
    postgresRollbackPercent: t(10, "percent", "Share of transactions rolled back", "PostgresHighRollbackRate"),
    mysqlConnectionsPercent: t(80, "percent", "Connections as a share of max_connections", "MySQLTooManyConnections"),
    mysqlSlowQueriesPerSecond: t(0.1, "per second", "Queries slower than long_query_time", "MySQLSlowQueries"),
    mysqlReplicationLagSeconds: t(30, "seconds", "Replica lag behind the primary", "MySQLReplicationLag"),
    redisMemoryPercent: t(90, "percent", "Memory used as a share of maxmemory", "RedisMemoryNearMax"),
    redisConnectionsPercent: t(80, "percent", "Clients as a share of maxclients", "RedisTooManyConnections"),
    probeSlowSeconds: t(1, "seconds", "Average probe duration over 5 minutes", "ProbeSlow"),
    certExpiryDays: t(14, "days", "Days before TLS certificate expiry that warn", "TLSCertificateExpiringSoon"),
    certExpiryCriticalDays: t(3, "days", "Days before TLS certificate expiry that page", "TLSCertificateExpiringVerySoon"),
    prometheusStoragePercent: t(90, "percent", "TSDB blocks as a share of retention.size", "PrometheusStorageFilling"),
    prometheusNotificationErrorPercent: t(1, "percent", "Failed notifications from Prometheus to Alertmanager", "PrometheusNotificationsFailing"),
    alertmanagerNotificationErrorPercent: t(1, "percent", "Failed notifications from Alertmanager to an integration", "AlertmanagerNotificationsFailing"),
    lokiErrorRatePercent: t(5, "percent", "Share of Loki requests answered with 5xx, per route", "LokiRequestErrors"),
    promtailErrorRatePercent: t(5, "percent", "Share of Promtail pushes that fail", "PromtailRequestErrors"),
    alloyErrorRatePercent: t(5, "percent", "Share of Alloy's pushes to Loki that fail", "AlloyRequestErrors"),
} satisfies Record<string, ThresholdSpec>;

export type ThresholdName = keyof typeof THRESHOLDS;
export const THRESHOLD_NAMES = Object.keys(THRESHOLDS) as ThresholdName[];

export const THRESHOLD_DEFAULTS = Object.fromEntries(THRESHOLD_NAMES.map((name) => [name, THRESHOLDS[name].default])) as Readonly<
    Record<ThresholdName, number>
>;

/** Per-alert changes to the rule files' `for` and `severity`, and the alert's scope. */
export interface AlertOverride {
    readonly for?: string;
    readonly severity?: Severity;
    /** false: the alert is not loaded at all. */
    readonly enabled?: boolean;
    /** Jobs the alert never fires for (a matcher `job!~"..."` added to each of its selectors). */
    readonly excludeJobs?: string[];
}

export interface ThresholdsConfig {
    /** Every threshold, defaults applied. */
    readonly values: Readonly<Record<ThresholdName, number>>;
    /** Keyed by alert name. */
    readonly alerts: Readonly<Record<string, AlertOverride>>;
    /** Rule groups turned off as a whole. */
    readonly disabledGroups: readonly string[];
}

/** Alerts generated from monitoring:slos rather than read from rules/. */
export const SLO_ALERTS = ["SLOErrorBudgetBurnFast", "SLOErrorBudgetBurnSlow", "SLOLatencyBudgetBurnFast", "SLOLatencyBudgetBurnSlow"] as const;

/** One alert of the stack's own rule files, with the labels it is written with. */
export interface BuiltInAlert {
    readonly alert: string;
    readonly group: string;
    readonly file: string;
    readonly labels: Readonly<Record<string, string>>;
}

/** Every alert of the shipped rule files (the generated SLO alerts are not among them). */
export function builtInAlerts(rules: readonly ShippedRuleFile[]): BuiltInAlert[] {
    return rules.flatMap((file) =>
        file.groups.flatMap((group) =>
            group.rules.flatMap((rule) => (rule.alert ? [{ alert: rule.alert, group: group.name, file: file.name, labels: rule.labels }] : [])),
        ),
    );
}

/** Every group of the shipped rule files, recording-only ones included. */
export function builtInGroupNames(rules: readonly ShippedRuleFile[]): string[] {
    return rules.flatMap((file) => file.groups.map((group) => group.name));
}

/** Every alert the stack can ship: the rule files' and the generated SLO alerts. */
export function knownAlertNames(rules: readonly ShippedRuleFile[]): string[] {
    return [...new Set([...builtInAlerts(rules).map((a) => a.alert), ...SLO_ALERTS])];
}

/** Alert groups of the shipped rule files, and `slo` for the generated SLO alerts. */
export function knownGroupNames(rules: readonly ShippedRuleFile[]): string[] {
    return [...new Set([...builtInAlerts(rules).map((a) => a.group), SLO_GROUP])];
}

/** The group name `monitoring:thresholds.groups` uses for every generated SLO alert. */
export const SLO_GROUP = "slo";

/** Reads `monitoring:thresholds`; `rules` are the shipped rule files its alert and group names refer to. */
export function readThresholds(raw: unknown, rules: readonly ShippedRuleFile[]): ThresholdsConfig {
    const key = "thresholds";
    const obj = v.object(key, raw ?? {});
    const values: Record<string, number> = { ...THRESHOLD_DEFAULTS };
    for (const [name, value] of Object.entries(obj)) {
        if (name === "alerts" || name === "groups") continue;
        if (!(name in THRESHOLDS)) {
            throw new ConfigError(`${key}.${name}`, `unknown threshold; expected one of ${THRESHOLD_NAMES.join(", ")}`);
        }
        const spec = THRESHOLDS[name as ThresholdName];
        values[name] = v.number(`${key}.${name}`, value, { min: 0, max: spec.unit === "percent" ? 100 : undefined });
    }
    return {
        values: values as Record<ThresholdName, number>,
        alerts: readOverrides(`${key}.alerts`, obj.alerts, knownAlertNames(rules)),
        disabledGroups: readGroups(`${key}.groups`, obj.groups, knownGroupNames(rules)),
    };
}

function readOverrides(key: string, raw: unknown, known: readonly string[]): Record<string, AlertOverride> {
    const obj = v.object(key, raw ?? {});
    const out: Record<string, AlertOverride> = {};
    for (const [alert, value] of Object.entries(obj)) {
        if (!known.includes(alert)) {
            const near = known.find((a) => a.toLowerCase() === alert.toLowerCase());
            throw new ConfigError(`${key}.${alert}`, `no such alert${near ? `; did you mean ${near}?` : "; see RUNBOOK.md for the names"}`);
        }
        const fields = v.fields(`${key}.${alert}`, value, ["for", "severity", "enabled", "excludeJobs"]);
        out[alert] = {
            for: v.optional(fields.for, undefined, (x) => v.duration(`${key}.${alert}.for`, x)),
            severity: v.optional(fields.severity, undefined, (x) => v.oneOf(`${key}.${alert}.severity`, x, SEVERITIES)),
            enabled: v.optional(fields.enabled, true, (x) => v.boolean(`${key}.${alert}.enabled`, x)),
            excludeJobs: v.optional(fields.excludeJobs, [] as string[], (x) => v.list(`${key}.${alert}.excludeJobs`, x, v.jobName, { nonEmpty: true })),
        };
    }
    return out;
}

/** `monitoring:thresholds.groups.<group>.enabled: false` turns a whole rule group off. */
function readGroups(key: string, raw: unknown, known: readonly string[]): string[] {
    const obj = v.object(key, raw ?? {});
    const off: string[] = [];
    for (const [group, value] of Object.entries(obj)) {
        if (!known.includes(group)) throw new ConfigError(`${key}.${group}`, `no such rule group; expected one of ${known.join(", ")}`);
        const fields = v.fields(`${key}.${group}`, value, ["enabled"]);
        if (!v.optional(fields.enabled, true, (x) => v.boolean(`${key}.${group}.enabled`, x))) off.push(group);
    }
    return off;
}

/** Whether the stack raises this built-in or SLO alert, after `enabled: false` on it or its group. */
export function alertEnabled(thresholds: ThresholdsConfig, alert: string, group: string): boolean {
    return thresholds.alerts[alert]?.enabled !== false && !thresholds.disabledGroups.includes(group);
}
