import { LokiLimits, LokiS3 } from "../../config/logs";
import { durationMs } from "../../config/validate";
import { GENERATED, toYaml } from "./yaml";

export interface LokiModel {
    readonly httpPort: number;
    readonly grpcPort: number;
    /** Where the data volume is mounted: WAL, TSDB index, compactor marks (and chunks on the filesystem). */
    readonly dataDir: string;
    /** Prometheus duration, at least 24h. */
    readonly retention: string;
    readonly limits: LokiLimits;
    /** Chunks and index in this bucket; credentials come from the AWS SDK chain, never this file. */
    readonly s3?: LokiS3;
    /** The HTTP API (push, queries, /metrics) served over TLS with this certificate. */
    readonly tls?: { readonly certFile: string; readonly keyFile: string };
}

/** A fixed start for the schema: changing it would orphan every stored chunk. */
export const LOKI_SCHEMA_FROM = "2024-01-01";

/** `7d` -> `168h`: Loki's own flags print hours, and a reader sees the exact period. */
function hours(duration: string): string {
    return `${Math.round(durationMs(duration) / 36e5)}h`;
}

/** loki.yaml: single binary (every target in one process), TSDB index, retention by the compactor. */
export function renderLokiConfig(model: LokiModel): string {
    const { dataDir, limits, s3 } = model;
    const store = s3 ? "s3" : "filesystem";
    const doc = {
        auth_enabled: false,
        server: {
            http_listen_port: model.httpPort,
            // Only the process' own components speak gRPC (single binary): it never leaves the pod.
            grpc_listen_address: "127.0.0.1",
            grpc_listen_port: model.grpcPort,
            log_level: "info",
            ...(model.tls ? { http_tls_config: { cert_file: model.tls.certFile, key_file: model.tls.keyFile } } : {}),
        },
        common: {
            path_prefix: dataDir,
            replication_factor: 1,
            // One process: the ring lives in memory and the instance talks to itself on loopback.
            instance_addr: "127.0.0.1",
            ring: { kvstore: { store: "inmemory" } },
            storage: s3
                ? {
                      s3: {
                          endpoint: s3.endpoint,
                          bucketnames: s3.bucket,
                          region: s3.region,
                          s3forcepathstyle: s3.forcePathStyle,
                          insecure: s3.insecure,
                      },
                  }
                : { filesystem: { chunks_directory: `${dataDir}/chunks`, rules_directory: `${dataDir}/rules` } },
        },
        schema_config: {
            configs: [
                {
                    from: LOKI_SCHEMA_FROM,
                    store: "tsdb",
                    object_store: store,
                    schema: "v13",
                    // Retention needs the 24h index period.
                    index: { prefix: "index_", period: "24h" },
                },
            ],
        },
        storage_config: {
            tsdb_shipper: { active_index_directory: `${dataDir}/tsdb-index`, cache_location: `${dataDir}/tsdb-cache` },
        },
        compactor: {
            working_directory: `${dataDir}/compactor`,
            compaction_interval: "10m",
            retention_enabled: true,
            retention_delete_delay: "2h",
            retention_delete_worker_count: 150,
            delete_request_store: store,
        },
        limits_config: {
            retention_period: hours(model.retention),
            ingestion_rate_mb: limits.ingestionRateMb,
            ingestion_burst_size_mb: limits.ingestionBurstSizeMb,
            max_line_size: limits.maxLineSize,
            max_line_size_truncate: limits.maxLineSizeTruncate,
            per_stream_rate_limit: limits.perStreamRateLimit,
            per_stream_rate_limit_burst: limits.perStreamRateLimitBurst,
            max_global_streams_per_user: limits.maxGlobalStreamsPerUser,
            reject_old_samples: true,
            reject_old_samples_max_age: hours(limits.rejectOldSamplesMaxAge),
            allow_structured_metadata: true,
            volume_enabled: true,
        },
        ingester: {
            wal: { enabled: true, dir: `${dataDir}/wal` },
        },
        analytics: { reporting_enabled: false },
    };
    return toYaml(doc, GENERATED);
}

/**
 * The AWS shared-credentials file Loki's S3 client reads through `AWS_SHARED_CREDENTIALS_FILE`
 * when loki.yaml names no keys: the secret stays in a file of its own, out of loki.yaml and env.
 */
export function renderAwsCredentials(accessKeyId: string, secretAccessKey: string): string {
    return `[default]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = ${secretAccessKey}\n`;
}
