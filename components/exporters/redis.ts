import * as pulumi from "@pulumi/pulumi";
import { hostPort } from "../../config/endpoints";
import { ConfigError } from "../../config/errors";
import * as v from "../../config/validate";
import { IMAGES } from "../images";
import { staticJob } from "../render/prometheus";
import { defineExporter } from "./definition";

const PORT = 9121;
export const REDIS_PASSWORD_FILE = "/etc/redis-exporter/secrets/passwords.json";
const PASSWORD_KEY = "redisPassword";

/**
 * `--redis.password-file` is a JSON object from Redis URI to password, looked up by the exact
 * `--redis.addr`; both are written from the same string.
 */
export function renderRedisPasswordFile(redisUri: string, password: string): string {
    return JSON.stringify({ [redisUri]: password });
}

export interface RedisSettings {
    /** `host:port` as written, and its port. */
    readonly address: string;
    readonly port: number;
    /** Redis 6 ACL user. */
    readonly user?: string;
    readonly password?: pulumi.Output<string>;
}

/** Redis: memory, clients, keyspace, hit ratio, evictions, replication, command latency. */
export const redisExporter = defineExporter<RedisSettings>({
    name: "redis-exporter",
    configKey: "redis",
    synopsis: "{address, user}",
    fields: ["address", "user"],
    secrets: [
        {
            key: PASSWORD_KEY,
            description: "Password the Redis exporter connects with (optional).",
            example: "'...'",
            standIn: "encrypted",
        },
    ],
    read: (block, context) => {
        if (block.address === undefined) {
            throw new ConfigError(`${context.key}.address`, "is missing; give the Redis host:port, e.g. host.docker.internal:6379");
        }
        return {
            address: block.address as string,
            port: hostPort(`${context.key}.address`, block.address).port,
            user: v.optional(block.user, undefined, (x) => v.string(`${context.key}.user`, x)),
            password: context.secret(PASSWORD_KEY)?.value,
        };
    },
    image: IMAGES.redisExporter,
    ruleFile: "redis.yml",
    dashboards: ["datastores/redis"],
    docs: "redis-exporter-exportersredis",
    spec: (redis) => {
        const uri = `redis://${redis.address}`;
        const password = redis.password;
        return {
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
            outbound: [{ port: redis.port }],
            user: "59000:59000",
            readOnlyRootFilesystem: true,
            resources: { cpuRequest: "50m", memoryRequest: "32Mi", cpuLimit: "250m", memoryLimit: "128Mi" },
        };
    },
    // Not the exporter toolkit: its own flags name the certificate.
    tls: (tls) => ({ args: [`--tls-server-cert-file=${tls.certFile}`, `--tls-server-key-file=${tls.keyFile}`] }),
    scrapeConfigs: (_settings, addressing) => [staticJob("redis-exporter", [addressing.addressOf("redis-exporter", PORT)])],
});
