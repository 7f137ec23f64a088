import { portOf } from "../platform/spec";
import * as pulumi from "@pulumi/pulumi";
import { IMAGES } from "../images";
import { staticJob } from "../render/prometheus";
import { ExporterDefinition } from "./exporter";

const PORT = 9121;
export const REDIS_PASSWORD_FILE = "/etc/redis-exporter/secrets/passwords.json";

/**
 * `--redis.password-file` is a JSON object from Redis URI to password, looked up by the exact
 * `--redis.addr`; both are written from the same string.
 */
export function renderRedisPasswordFile(redisUri: string, password: string): string {
    return JSON.stringify({ [redisUri]: password });
}

/** Redis: memory, clients, keyspace, hit ratio, evictions, replication, command latency. */
export const redisExporter: ExporterDefinition = {
    name: "redis-exporter",
    configKey: "redis",
    enabled: (config) => config.exporters.redis !== undefined,
    dashboards: ["datastores/redis"],
    spec: (config) => {
        const redis = config.exporters.redis!;
        const uri = `redis://${redis.address}`;
        const password = config.secrets.redisPassword;
        return {
            name: "redis-exporter",
            image: IMAGES.redisExporter,
            kind: "deployment",
            args: [
                `--redis.addr=${uri}`,
                `--web.listen-address=:${PORT}`,
                ...(redis.user ? [`--redis.user=${redis.user}`] : []),
                ...(password ? [`--redis.password-file=${REDIS_PASSWORD_FILE}`] : []),
            ],
            ports: [{ name: "metrics", port: PORT }],
            files: password
                ? [{ path: REDIS_PASSWORD_FILE, content: pulumi.secret(password.apply((p) => renderRedisPasswordFile(uri, p))), secret: true }]
                : [],
            health: { path: "/health", port: PORT },
            outbound: [{ port: portOf(redis.address) }],
            user: "59000:59000",
            readOnlyRootFilesystem: true,
            resources: { cpuRequest: "50m", memoryRequest: "32Mi", cpuLimit: "250m", memoryLimit: "128Mi" },
        };
    },
    // Not the exporter toolkit: its own flags name the certificate.
    tls: (tls) => ({ args: [`--tls-server-cert-file=${tls.certFile}`, `--tls-server-key-file=${tls.keyFile}`] }),
    scrapeConfigs: (_config, addressing) => [staticJob("redis-exporter", [addressing.addressOf("redis-exporter", PORT)])],
};
