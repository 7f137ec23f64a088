import { ConfigError } from "./errors";
import { Secrets } from "./secrets";
import * as v from "./validate";

export type LogShipper = "alloy" | "promtail";
export const LOG_SHIPPERS: readonly LogShipper[] = ["alloy", "promtail"];
/** Promtail reached end of life on 2026-03-02; Alloy is its successor and the default. */
export const PROMTAIL_END_OF_LIFE = "2026-03-02";

export type LogFormat = "json" | "logfmt" | "plain";
export const LOG_FORMATS: readonly LogFormat[] = ["json", "logfmt", "plain"];

/** Log files on the host the shipper tails (`monitoring:logs.files`). */
export interface LogFileSource {
    /** The `job` label of the stream, e.g. the service name. */
    readonly job: string;
    /** Absolute path or glob on the host, e.g. /srv/app/logs/*.log. */
    readonly path: string;
    /** How lines are parsed: json and logfmt lines get a `level` label. */
    readonly format: LogFormat;
    /** Extra static labels on the stream. */
    readonly labels: Record<string, string>;
}

/** Loki's ingestion limits (`limits_config`). */
export interface LokiLimits {
    readonly ingestionRateMb: number;
    readonly ingestionBurstSizeMb: number;
    /** Longest accepted line, e.g. 256KB. */
    readonly maxLineSize: string;
    /** Cut longer lines instead of refusing them. */
    readonly maxLineSizeTruncate: boolean;
    readonly perStreamRateLimit: string;
    readonly perStreamRateLimitBurst: string;
    readonly maxGlobalStreamsPerUser: number;
    /** Lines older than this are refused (a Prometheus duration). */
    readonly rejectOldSamplesMaxAge: string;
}

/** An S3-compatible bucket for Loki's chunks and index (prod). The secret key is `monitoring:lokiS3SecretAccessKey`. */
export interface LokiS3 {
    /** `host[:port]` of the S3 API, without scheme. */
    readonly endpoint: string;
    /** The endpoint speaks plain HTTP (a MinIO inside the cluster). */
    readonly insecure: boolean;
    readonly bucket: string;
    readonly region: string;
    readonly accessKeyId: string;
    /** Path-style URLs (`endpoint/bucket`), as MinIO and most non-AWS stores need. */
    readonly forcePathStyle: boolean;
}

export interface LogsConfig {
    /** Loki and the log shipper run. */
    readonly enabled: boolean;
    readonly shipper: LogShipper;
    /** How long Loki keeps logs (Prometheus duration, at least 24h); the compactor deletes older chunks. */
    readonly retention: string;
    /** Loki's volume (WAL, index, and chunks unless S3 is set). */
    readonly storageSize: string;
    readonly limits: LokiLimits;
    readonly s3?: LokiS3;
    readonly files: LogFileSource[];
    /** PostgreSQL's log files on the host (`log_destination = stderr` with the logging collector). */
    readonly postgres?: { readonly path: string };
}

export const LOGS_RETENTION_DEFAULT = { docker: "7d", kubernetes: "30d" } as const;

const LIMIT_DEFAULTS: LokiLimits = {
    ingestionRateMb: 4,
    ingestionBurstSizeMb: 6,
    maxLineSize: "256KB",
    maxLineSizeTruncate: true,
    perStreamRateLimit: "3MB",
    perStreamRateLimitBurst: "15MB",
    maxGlobalStreamsPerUser: 5000,
    rejectOldSamplesMaxAge: "7d",
};

/** The job name PostgreSQL's log stream gets; user files may not take it. */
export const POSTGRES_LOG_JOB = "postgresql";

const GLOB = /[*?[{]/;

/**
 * The part of a glob before its first wildcard: the directory the shipper must see.
 * `/srv/app/logs/*.log` -> `/srv/app/logs`.
 */
export function globBaseDir(path: string): string {
    const segments = path.split("/");
    const fixed: string[] = [];
    for (const segment of segments.slice(0, -1)) {
        if (GLOB.test(segment)) break;
        fixed.push(segment);
    }
    return fixed.join("/") || "/";
}

function hostGlob(key: string, raw: unknown): string {
    const path = v.string(key, raw);
    if (!path.startsWith("/") || path.split("/").includes("..") || /\s/.test(path)) {
        throw new ConfigError(key, `${JSON.stringify(path)} is not an absolute path on the host; use e.g. /srv/app/logs/*.log`);
    }
    if (globBaseDir(path) === "/") {
        throw new ConfigError(key, `${JSON.stringify(path)} would mount the host's whole filesystem; start it with a fixed directory, e.g. /var/log/app/*.log`);
    }
    return path;
}

function labels(key: string, raw: unknown): Record<string, string> {
    const obj = v.object(key, raw);
    for (const [name, value] of Object.entries(obj)) {
        v.labelName(`${key}.${name}`, name);
        if (name.startsWith("__") || name === "job") throw new ConfigError(`${key}.${name}`, "is reserved; the stack sets it");
        v.string(`${key}.${name}`, value);
    }
    return obj as Record<string, string>;
}

function readFile(key: string, raw: unknown): LogFileSource {
    const obj = v.fields(key, raw, ["job", "path", "format", "labels"]);
    if (obj.job === undefined) throw new ConfigError(`${key}.job`, "is missing; every log file needs a job name");
    return {
        job: v.jobName(`${key}.job`, obj.job),
        path: hostGlob(`${key}.path`, obj.path),
        format: v.optional(obj.format, "plain" as LogFormat, (x) => v.oneOf(`${key}.format`, x, LOG_FORMATS)),
        labels: v.optional(obj.labels, {}, (x) => labels(`${key}.labels`, x)),
    };
}

/** Retention Loki accepts: a duration of at least one day (the index period). */
function retention(key: string, raw: unknown): string {
    if (typeof raw === "string" && raw.startsWith("-")) {
        throw new ConfigError(key, `${JSON.stringify(raw)} is negative; use a duration such as 7d or 30d`);
    }
    const value = v.duration(key, raw);
    if (v.durationMs(value) < 864e5) throw new ConfigError(key, `${value} is shorter than Loki's minimum of 24h; use e.g. 7d`);
    return value;
}

function readLimits(key: string, raw: unknown): LokiLimits {
    const obj = v.fields(key, raw ?? {}, Object.keys(LIMIT_DEFAULTS));
    const d = LIMIT_DEFAULTS;
    const limits: LokiLimits = {
        ingestionRateMb: v.optional(obj.ingestionRateMb, d.ingestionRateMb, (x) => v.number(`${key}.ingestionRateMb`, x, { min: 0.1 })),
        ingestionBurstSizeMb: v.optional(obj.ingestionBurstSizeMb, d.ingestionBurstSizeMb, (x) =>
            v.number(`${key}.ingestionBurstSizeMb`, x, { min: 0.1 }),
        ),
        maxLineSize: v.optional(obj.maxLineSize, d.maxLineSize, (x) => v.size(`${key}.maxLineSize`, x)),
        maxLineSizeTruncate: v.optional(obj.maxLineSizeTruncate, d.maxLineSizeTruncate, (x) => v.boolean(`${key}.maxLineSizeTruncate`, x)),
        perStreamRateLimit: v.optional(obj.perStreamRateLimit, d.perStreamRateLimit, (x) => v.size(`${key}.perStreamRateLimit`, x)),
        perStreamRateLimitBurst: v.optional(obj.perStreamRateLimitBurst, d.perStreamRateLimitBurst, (x) =>
            v.size(`${key}.perStreamRateLimitBurst`, x),
        ),
        maxGlobalStreamsPerUser: v.optional(obj.maxGlobalStreamsPerUser, d.maxGlobalStreamsPerUser, (x) =>
            v.number(`${key}.maxGlobalStreamsPerUser`, x, { min: 1, integer: true }),
        ),
        rejectOldSamplesMaxAge: v.optional(obj.rejectOldSamplesMaxAge, d.rejectOldSamplesMaxAge, (x) =>
            v.duration(`${key}.rejectOldSamplesMaxAge`, x),
        ),
    };
    if (limits.ingestionBurstSizeMb < limits.ingestionRateMb) {
        throw new ConfigError(`${key}.ingestionBurstSizeMb`, `${limits.ingestionBurstSizeMb} is below ingestionRateMb (${limits.ingestionRateMb}); the burst must be at least the rate`);
    }
    return limits;
}

function readS3(key: string, raw: unknown, secrets: Secrets): LokiS3 {
    const obj = v.fields(key, raw, ["endpoint", "bucket", "region", "accessKeyId", "forcePathStyle"]);
    if (!secrets.lokiS3SecretAccessKey) {
        throw new ConfigError(
            "lokiS3SecretAccessKey",
            `is required when monitoring:${key} is set; run: pulumi config set --secret monitoring:lokiS3SecretAccessKey <value>`,
        );
    }
    const endpoint = new URL(v.url(`${key}.endpoint`, obj.endpoint));
    const bucket = v.string(`${key}.bucket`, obj.bucket);
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
        throw new ConfigError(`${key}.bucket`, `${JSON.stringify(bucket)} is not a bucket name; use lowercase letters, digits, . and -`);
    }
    const accessKeyId = v.string(`${key}.accessKeyId`, obj.accessKeyId);
    if (!/^[A-Za-z0-9+/=_-]{3,128}$/.test(accessKeyId)) {
        throw new ConfigError(`${key}.accessKeyId`, "is not an access key ID; use the key ID shown by your object store (the secret key goes in monitoring:lokiS3SecretAccessKey)");
    }
    return {
        endpoint: endpoint.host,
        insecure: endpoint.protocol === "http:",
        bucket,
        region: v.optional(obj.region, "us-east-1", (x) => v.string(`${key}.region`, x)),
        accessKeyId,
        forcePathStyle: v.optional(obj.forcePathStyle, true, (x) => v.boolean(`${key}.forcePathStyle`, x)),
    };
}

/** `monitoring:logs`: Loki, its retention, limits and storage, and what the shipper tails. */
export function readLogs(raw: unknown, platform: "docker" | "kubernetes", secrets: Secrets): LogsConfig {
    const key = "logs";
    const obj = v.fields(key, raw ?? {}, ["enabled", "shipper", "retention", "storageSize", "limits", "s3", "files", "postgres"]);
    const files = v.optional(obj.files, [] as LogFileSource[], (x) => v.list(`${key}.files`, x, readFile));
    v.unique(`${key}.files`, files.map((f) => f.job), "job");
    files.forEach((f, i) => {
        if (f.job === POSTGRES_LOG_JOB) {
            throw new ConfigError(`${key}.files[${i}].job`, `"${POSTGRES_LOG_JOB}" is the job of monitoring:logs.postgres; pick another name`);
        }
    });
    const postgres =
        obj.postgres === undefined || obj.postgres === null
            ? undefined
            : { path: hostGlob(`${key}.postgres.path`, v.fields(`${key}.postgres`, obj.postgres, ["path"]).path) };
    return {
        enabled: v.optional(obj.enabled, true, (x) => v.boolean(`${key}.enabled`, x)),
        shipper: v.optional(obj.shipper, "alloy" as LogShipper, (x) => v.oneOf(`${key}.shipper`, x, LOG_SHIPPERS)),
        retention: v.optional(obj.retention, LOGS_RETENTION_DEFAULT[platform] as string, (x) => retention(`${key}.retention`, x)),
        storageSize: v.optional(obj.storageSize, "10Gi", (x) => v.quantity(`${key}.storageSize`, x)),
        limits: readLimits(`${key}.limits`, obj.limits),
        s3: obj.s3 === undefined || obj.s3 === null ? undefined : readS3(`${key}.s3`, obj.s3, secrets),
        files,
        postgres,
    };
}
