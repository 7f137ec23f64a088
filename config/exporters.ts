import { ConfigError } from "./errors";
import { Secrets } from "./secrets";
import { scrapeTimeout } from "./targets";
import * as v from "./validate";

export type ProbeModule = "http_2xx" | "tcp_connect" | "icmp";
export const PROBE_MODULES: readonly ProbeModule[] = ["http_2xx", "tcp_connect", "icmp"];

/** One blackbox probe: an https:// health endpoint, a host:port, or a host to ping. */
export interface ProbeConfig {
    /** Shown as the `probe` label; defaults to the target. */
    readonly name?: string;
    /** http(s) URL for http_2xx, host:port for tcp_connect, host for icmp. */
    readonly url: string;
    readonly module: ProbeModule;
}

/** Which exporters run, and how each reaches what it watches. */
export interface ExportersConfig {
    readonly node: boolean;
    /** Container CPU, memory and network (Docker only). */
    readonly cadvisor: boolean;
    /** On when `exporters.postgres` is set; the DSN is the secret `monitoring:postgresDsn`. */
    readonly postgres?: { readonly autoDiscoverDatabases: boolean; /** From the DSN, for NetworkPolicies. */ readonly port: number };
    /** On when `exporters.redis.address` is set; the password is the optional secret `monitoring:redisPassword`. */
    readonly redis?: { readonly address: string; readonly user?: string };
    readonly kafka?: { readonly brokers: string[]; readonly version?: string; readonly topicFilter: string; readonly groupFilter: string };
    readonly blackbox?: { readonly probes: ProbeConfig[]; readonly timeout: string };
    /** Object state of the cluster: deployments, pods, nodes (Kubernetes only; on there by default). */
    readonly kubeStateMetrics: boolean;
    /** Scrape interval and timeout of an exporter's jobs, by its key under monitoring:exporters. */
    readonly scrape: Readonly<Record<string, ScrapeSettings>>;
}

/** `scrapeInterval` / `scrapeTimeout` of one exporter; absent: the global interval, Prometheus' timeout. */
export interface ScrapeSettings {
    readonly interval?: string;
    readonly timeout?: string;
}

const SCRAPE_FIELDS = ["scrapeInterval", "scrapeTimeout"];
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the list is read as a type only
const TOGGLES = ["node", "cadvisor", "kubeStateMetrics"] as const;

export interface ExportersContext {
    readonly platform: "docker" | "kubernetes";
    readonly secrets: Secrets;
    /** Port of the database `postgresDsn` names. */
    readonly postgresPort?: number;
    /** `monitoring:scrapeInterval`, which an exporter's timeout must not exceed unless it has its own interval. */
    readonly scrapeInterval?: string;
}

/** `false`/absent turns an exporter off; `true` or a block turns it on. */
function block(key: string, raw: unknown, known: readonly string[]): Record<string, unknown> | undefined {
    if (raw === undefined || raw === null || raw === false || raw === "false") return undefined;
    if (raw === true || raw === "true") return {};
    return v.fields(key, raw, known);
}

const HOST = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)$/;

/** Checks a probe target against what its module can probe. */
function probeTarget(key: string, raw: unknown, module: ProbeModule): string {
    switch (module) {
        case "http_2xx":
            return v.url(key, raw);
        case "tcp_connect":
            if (typeof raw !== "string" || !/^(.+):(\d+)$/.test(raw)) {
                throw new ConfigError(key, `${JSON.stringify(raw)} is not host:port, as tcp_connect probes take; use e.g. db.example.com:5432`);
            }
            return v.hostPort(key, raw);
        case "icmp":
            if (typeof raw !== "string" || !HOST.test(raw)) {
                throw new ConfigError(key, `${JSON.stringify(raw)} is not a host name or IP, as icmp probes take; use e.g. api.example.com`);
            }
            return raw;
    }
}

function readProbe(key: string, raw: unknown): ProbeConfig {
    const obj = v.fields(key, raw, ["name", "url", "module"]);
    const module = v.optional(obj.module, "http_2xx" as ProbeModule, (x) => v.oneOf(`${key}.module`, x, PROBE_MODULES));
    if (obj.url === undefined) throw new ConfigError(`${key}.url`, "is missing; give the URL or host to probe");
    return {
        name: v.optional(obj.name, undefined, (x) => v.jobName(`${key}.name`, x)),
        url: probeTarget(`${key}.url`, obj.url, module),
        module,
    };
}

export function readExporters(raw: unknown, context: ExportersContext): ExportersConfig {
    const key = "exporters";
    const obj = v.fields(key, raw ?? {}, ["node", "cadvisor", "postgres", "redis", "kafka", "blackbox", "kubeStateMetrics"]);

    // node, cadvisor and kubeStateMetrics: true/false, or a block with their scrape settings.
    const toggle = (name: (typeof TOGGLES)[number], fallback: boolean): boolean =>
        typeof obj[name] === "object" && obj[name] !== null
            ? Boolean(block(`${key}.${name}`, obj[name], SCRAPE_FIELDS))
            : v.optional(obj[name], fallback, (x) => v.boolean(`${key}.${name}`, x));
    const cadvisor = toggle("cadvisor", context.platform === "docker");
    if (cadvisor && context.platform !== "docker") {
        throw new ConfigError(`${key}.cadvisor`, "runs on Docker only; on Kubernetes the kubelet already serves container metrics (cAdvisor built in)");
    }

    const kubeStateMetrics = toggle("kubeStateMetrics", context.platform === "kubernetes");
    if (kubeStateMetrics && context.platform !== "kubernetes") {
        throw new ConfigError(`${key}.kubeStateMetrics`, "runs on Kubernetes only: it reports the state of cluster objects");
    }

    const pg = block(`${key}.postgres`, obj.postgres, ["autoDiscoverDatabases", ...SCRAPE_FIELDS]);
    if (pg && !context.secrets.postgresDsn) {
        throw new ConfigError(
            "postgresDsn",
            `is required when monitoring:${key}.postgres is set; run: pulumi config set --secret monitoring:postgresDsn postgresql://user:password@host:5432/db?sslmode=disable`,
        );
    }

    const redisRaw = block(`${key}.redis`, obj.redis, ["address", "user", ...SCRAPE_FIELDS]);
    if (redisRaw && redisRaw.address === undefined) {
        throw new ConfigError(`${key}.redis.address`, "is missing; give the Redis host:port, e.g. host.docker.internal:6379");
    }

    const kafkaRaw = block(`${key}.kafka`, obj.kafka, ["brokers", "version", "topicFilter", "groupFilter", ...SCRAPE_FIELDS]);
    if (kafkaRaw && kafkaRaw.brokers === undefined) {
        throw new ConfigError(`${key}.kafka.brokers`, "is missing; list the brokers as host:port");
    }

    const blackboxRaw = block(`${key}.blackbox`, obj.blackbox, ["probes", "timeout", ...SCRAPE_FIELDS]);
    const probes = blackboxRaw ? v.list(`${key}.blackbox.probes`, blackboxRaw.probes ?? [], readProbe, { nonEmpty: true }) : [];
    v.unique(
        `${key}.blackbox.probes`,
        probes.map((p) => `${p.module} ${p.url}`),
        "probe",
    );

    return {
        node: toggle("node", true),
        cadvisor,
        postgres: pg
            ? {
                  autoDiscoverDatabases: v.optional(pg.autoDiscoverDatabases, false, (x) => v.boolean(`${key}.postgres.autoDiscoverDatabases`, x)),
                  port: context.postgresPort ?? 5432,
              }
            : undefined,
        redis: redisRaw
            ? {
                  address: v.hostPort(`${key}.redis.address`, redisRaw.address),
                  user: v.optional(redisRaw.user, undefined, (x) => v.string(`${key}.redis.user`, x)),
              }
            : undefined,
        kafka: kafkaRaw
            ? {
                  brokers: v.list(`${key}.kafka.brokers`, kafkaRaw.brokers, v.hostPort, { nonEmpty: true }),
                  version: v.optional(kafkaRaw.version, undefined, (x) => {
                      const version = v.string(`${key}.kafka.version`, x);
                      if (!/^\d+\.\d+\.\d+$/.test(version))
                          throw new ConfigError(`${key}.kafka.version`, `${JSON.stringify(version)} is not a Kafka version; use e.g. 3.6.0`);
                      return version;
                  }),
                  topicFilter: v.optional(kafkaRaw.topicFilter, ".*", (x) => v.regex(`${key}.kafka.topicFilter`, x)),
                  groupFilter: v.optional(kafkaRaw.groupFilter, ".*", (x) => v.regex(`${key}.kafka.groupFilter`, x)),
              }
            : undefined,
        blackbox: blackboxRaw ? { probes, timeout: v.optional(blackboxRaw.timeout, "5s", (x) => v.duration(`${key}.blackbox.timeout`, x)) } : undefined,
        kubeStateMetrics,
        scrape: readScrapeSettings(key, obj, context.scrapeInterval ?? "15s"),
    };
}

/** Each exporter block's `scrapeInterval` and `scrapeTimeout`; a timeout above the interval it runs at is an error. */
function readScrapeSettings(key: string, obj: Record<string, unknown>, globalInterval: string): Record<string, ScrapeSettings> {
    const out: Record<string, ScrapeSettings> = {};
    for (const [name, raw] of Object.entries(obj)) {
        if (typeof raw !== "object" || raw === null || Array.isArray(raw)) continue;
        const fields = raw as Record<string, unknown>;
        const interval = v.optional(fields.scrapeInterval, undefined, (x) => v.duration(`${key}.${name}.scrapeInterval`, x));
        const timeout = v.optional(fields.scrapeTimeout, undefined, (x) => scrapeTimeout(`${key}.${name}.scrapeTimeout`, x, interval ?? globalInterval));
        if (interval || timeout) out[name] = { interval, timeout };
    }
    return out;
}
