import * as path from "path";
import { globBaseDir, LogsConfig, POSTGRES_LOG_JOB } from "../../config/logs";
import { HostMount, Platform, ServiceTls } from "../platform/spec";
import { ContainerLogs, ShipperModel, TailedFile } from "../render/log-sources";
import { LOKI_PORT } from "./loki";

/** Host directories appear under this prefix inside the shipper, so they never shadow its own files. */
export const HOST_PREFIX = "/host";

/**
 * The user's files and PostgreSQL's, as the shipper sees them. Each stream is also labelled
 * `service` (the job, unless the user's labels say otherwise), as container streams are.
 */
export function tailedFiles(logs: LogsConfig): TailedFile[] {
    const files: TailedFile[] = logs.files.map((f) => ({
        job: f.job,
        path: HOST_PREFIX + f.path,
        format: f.format,
        labels: { service: f.job, ...f.labels },
    }));
    if (logs.postgres) {
        files.push({ job: POSTGRES_LOG_JOB, path: HOST_PREFIX + logs.postgres.path, format: "postgresql", labels: { service: POSTGRES_LOG_JOB } });
    }
    return files;
}

/** Read-only mounts: the container log source, and the fixed directory of every tailed glob. */
export function shipperMounts(logs: LogsConfig, containers: ContainerLogs | undefined): HostMount[] {
    const source = containers?.kind === "docker" ? containers.socketPath : containers?.podLogsDir;
    const mounts: HostMount[] = source ? [{ hostPath: source, path: source, readOnly: true }] : [];
    const dirs = [...logs.files.map((f) => f.path), ...(logs.postgres ? [logs.postgres.path] : [])].map(globBaseDir);
    // A directory inside another mounted one is already visible.
    const roots = [...new Set(dirs)].filter((dir, _, all) => !all.some((other) => other !== dir && dir.startsWith(other + path.sep)));
    return [...mounts, ...roots.sort().map((dir) => ({ hostPath: dir, path: HOST_PREFIX + dir, readOnly: true }))];
}

/**
 * `tls`: the shipper's own certificate. With it, and Loki serving TLS (`lokiTlsServerName`), the
 * shipper pushes over HTTPS and verifies Loki with the CA.
 */
export function shipperModel(
    logs: LogsConfig,
    platform: Platform,
    httpPort: number,
    dataDir: string,
    tls?: ServiceTls,
    lokiTlsServerName?: string,
): ShipperModel {
    const secure = tls && lokiTlsServerName ? { ...tls, serverName: lokiTlsServerName } : undefined;
    return {
        httpPort,
        lokiPushUrl: `${secure ? "https" : "http"}://${platform.addressOf("loki", LOKI_PORT)}/loki/api/v1/push`,
        ...(secure ? { tls: { certFile: secure.certFile, keyFile: secure.keyFile, caFile: secure.caFile, serverName: secure.serverName } } : {}),
        dataDir,
        // Where the platform keeps container logs: the Docker API, the kubelet's files, or none.
        containers: platform.containerLogs?.(),
        files: tailedFiles(logs),
    };
}
