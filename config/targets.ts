import * as fs from "fs";
import { ConfigError } from "./errors";
import * as v from "./validate";

/** A relabel rule in Prometheus' own field names (users copy them from Prometheus' docs). */
export type RelabelConfig = Readonly<Record<string, unknown>>;

/** TLS towards a target: files read at load, the client key from monitoring:targetSecrets. */
export interface TargetTls {
    /** PEM text of the CA that signed the target's certificate. */
    readonly ca?: string;
    /** PEM text of the client certificate (mutual TLS). */
    readonly cert?: string;
    /** Name in monitoring:targetSecrets holding the client key. */
    readonly keySecret?: string;
    readonly serverName?: string;
    readonly insecureSkipVerify: boolean;
}

/** One of the user's applications, scraped by Prometheus. */
export interface ScrapeTarget {
    readonly job: string;
    /** `host:port` addresses; on Docker, `host.docker.internal:PORT` reaches the host. */
    readonly targets: string[];
    readonly interval?: string;
    /** Never above the job's interval. */
    readonly timeout?: string;
    readonly metricsPath: string;
    readonly scheme: "http" | "https";
    /** Extra labels put on every series of the job (team, env, ...). */
    readonly labels: Record<string, string>;
    /** Basic auth; the password is the name of a secret in monitoring:targetSecrets. */
    readonly basicAuth?: { readonly username: string; readonly passwordSecret: string };
    /** `Authorization: Bearer`, the token from monitoring:targetSecrets. */
    readonly bearerTokenSecret?: string;
    readonly tls?: TargetTls;
    readonly relabelConfigs: RelabelConfig[];
    readonly metricRelabelConfigs: RelabelConfig[];
}

/** Every secret name a target refers to, for the check that each exists. */
export function targetSecretNames(t: ScrapeTarget): string[] {
    return [t.basicAuth?.passwordSecret, t.bearerTokenSecret, t.tls?.keySecret].filter((x): x is string => Boolean(x));
}

const SECRET_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

function secretName(key: string, raw: unknown): string {
    const name = v.string(key, raw);
    if (!SECRET_NAME.test(name)) {
        throw new ConfigError(key, `${JSON.stringify(name)} is not a secret name; name a value of monitoring:targetSecrets (letters, digits, _ and -)`);
    }
    return name;
}

/** A PEM file on the machine running Pulumi, read once here. */
function pemFile(key: string, raw: unknown): string {
    const file = v.string(key, raw);
    if (!fs.existsSync(file)) throw new ConfigError(key, `${JSON.stringify(file)} does not exist (relative paths start at ${process.cwd()})`);
    const text = fs.readFileSync(file, "utf8");
    if (!/-----BEGIN CERTIFICATE-----/.test(text)) throw new ConfigError(key, `${JSON.stringify(file)} holds no PEM certificate`);
    return text;
}

function readTls(key: string, raw: unknown): TargetTls {
    const obj = v.fields(key, raw, ["caFile", "certFile", "keySecret", "serverName", "insecureSkipVerify"]);
    const tls: TargetTls = {
        ca: v.optional(obj.caFile, undefined, (x) => pemFile(`${key}.caFile`, x)),
        cert: v.optional(obj.certFile, undefined, (x) => pemFile(`${key}.certFile`, x)),
        keySecret: v.optional(obj.keySecret, undefined, (x) => secretName(`${key}.keySecret`, x)),
        serverName: v.optional(obj.serverName, undefined, (x) => v.string(`${key}.serverName`, x)),
        insecureSkipVerify: v.optional(obj.insecureSkipVerify, false, (x) => v.boolean(`${key}.insecureSkipVerify`, x)),
    };
    if (Boolean(tls.cert) !== Boolean(tls.keySecret)) {
        throw new ConfigError(`${key}.${tls.cert ? "keySecret" : "certFile"}`, "is missing; a client certificate needs its key and the key its certificate");
    }
    return tls;
}

const ACTIONS = ["replace", "keep", "drop", "keepequal", "dropequal", "hashmod", "labelmap", "labeldrop", "labelkeep", "lowercase", "uppercase"] as const;
const RELABEL_FIELDS = ["source_labels", "separator", "target_label", "regex", "modulus", "replacement", "action"];
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function readRelabel(key: string, raw: unknown): RelabelConfig {
    const obj = v.fields(key, raw, RELABEL_FIELDS);
    const action = v.optional(obj.action, "replace" as const, (x) => v.oneOf(`${key}.action`, x, ACTIONS));
    const out: Record<string, unknown> = { ...(obj.action !== undefined ? { action } : {}) };
    if (obj.source_labels !== undefined) out.source_labels = v.list(`${key}.source_labels`, obj.source_labels, v.labelName);
    if (obj.separator !== undefined) out.separator = String(obj.separator);
    if (obj.regex !== undefined) out.regex = v.regex(`${key}.regex`, obj.regex);
    if (obj.replacement !== undefined) out.replacement = String(obj.replacement);
    if (obj.target_label !== undefined) {
        const target = v.string(`${key}.target_label`, obj.target_label);
        // replace and labelmap may template the name from the match ($1, ${name}).
        if (!LABEL.test(target) && !(["replace", "labelmap"].includes(action) && /^[a-zA-Z0-9_${}]+$/.test(target))) {
            throw new ConfigError(`${key}.target_label`, `${JSON.stringify(target)} is not a label name`);
        }
        out.target_label = target;
    }
    if (obj.modulus !== undefined) out.modulus = v.number(`${key}.modulus`, obj.modulus, { min: 1, integer: true });
    const needs: Partial<Record<(typeof ACTIONS)[number], string[]>> = {
        replace: ["target_label"],
        hashmod: ["target_label", "modulus", "source_labels"],
        lowercase: ["target_label", "source_labels"],
        uppercase: ["target_label", "source_labels"],
        keepequal: ["target_label", "source_labels"],
        dropequal: ["target_label", "source_labels"],
        keep: ["source_labels"],
        drop: ["source_labels"],
    };
    for (const field of needs[action] ?? []) {
        if (out[field] === undefined) throw new ConfigError(`${key}.${field}`, `is missing; action ${action} needs it`);
    }
    if (["labeldrop", "labelkeep"].includes(action) && (out.source_labels || out.target_label)) {
        throw new ConfigError(`${key}.action`, `${action} matches label names with regex only; remove source_labels and target_label`);
    }
    return out;
}

const relabels = (key: string, raw: unknown): RelabelConfig[] => v.optional(raw, [] as RelabelConfig[], (x) => v.list(key, x, readRelabel));

/** A set of labels put on series (target labels, external labels). */
export function labels(key: string, raw: unknown): Record<string, string> {
    const obj = v.object(key, raw);
    for (const [name, value] of Object.entries(obj)) {
        v.labelName(`${key}.${name}`, name);
        // `__address__`, `__scheme__`, ... steer the scrape itself.
        if (name.startsWith("__")) throw new ConfigError(`${key}.${name}`, "labels starting with __ are reserved for Prometheus itself");
        v.string(`${key}.${name}`, value);
    }
    return obj as Record<string, string>;
}

/** A scrape timeout checked against the interval it runs at (Prometheus refuses a longer one). */
export function scrapeTimeout(key: string, raw: unknown, interval: string): string {
    const timeout = v.duration(key, raw);
    if (v.durationMs(timeout) > v.durationMs(interval)) {
        throw new ConfigError(key, `${timeout} is longer than the scrape interval ${interval}; Prometheus refuses a timeout above the interval`);
    }
    return timeout;
}

/** One entry of `monitoring:targets`; `globalInterval` is `monitoring:scrapeInterval`. */
export function readTarget(key: string, raw: unknown, globalInterval: string): ScrapeTarget {
    const obj = v.fields(key, raw, [
        "job",
        "targets",
        "interval",
        "timeout",
        "metricsPath",
        "scheme",
        "labels",
        "basicAuth",
        "bearerTokenSecret",
        "tls",
        "relabelConfigs",
        "metricRelabelConfigs",
    ]);
    if (obj.job === undefined) throw new ConfigError(`${key}.job`, "is missing; every target needs a job name");
    const interval = v.optional(obj.interval, undefined, (x) => v.duration(`${key}.interval`, x));
    const basicAuth = v.optional(obj.basicAuth, undefined, (x) => {
        const b = v.fields(`${key}.basicAuth`, x, ["username", "passwordSecret"]);
        if (b.passwordSecret === undefined) {
            throw new ConfigError(
                `${key}.basicAuth.passwordSecret`,
                "is missing; name the password in monitoring:targetSecrets (a password is never written in the stack file)",
            );
        }
        return { username: v.string(`${key}.basicAuth.username`, b.username), passwordSecret: secretName(`${key}.basicAuth.passwordSecret`, b.passwordSecret) };
    });
    const bearerTokenSecret = v.optional(obj.bearerTokenSecret, undefined, (x) => secretName(`${key}.bearerTokenSecret`, x));
    if (basicAuth && bearerTokenSecret)
        throw new ConfigError(`${key}.bearerTokenSecret`, "and basicAuth are exclusive: a scrape sends one Authorization header");
    const tls = v.optional(obj.tls, undefined, (x) => readTls(`${key}.tls`, x));
    const scheme = v.optional(obj.scheme, tls ? ("https" as const) : ("http" as const), (x) => v.oneOf(`${key}.scheme`, x, ["http", "https"] as const));
    if (tls && scheme !== "https") throw new ConfigError(`${key}.scheme`, "is http, but tls is set; use https");
    const target: ScrapeTarget = {
        job: v.jobName(`${key}.job`, obj.job),
        targets: v.list(`${key}.targets`, obj.targets, v.hostPort, { nonEmpty: true }),
        interval,
        timeout: v.optional(obj.timeout, undefined, (x) => scrapeTimeout(`${key}.timeout`, x, interval ?? globalInterval)),
        metricsPath: v.optional(obj.metricsPath, "/metrics", (x) => v.urlPath(`${key}.metricsPath`, x)),
        scheme,
        labels: v.optional(obj.labels, {}, (x) => labels(`${key}.labels`, x)),
        basicAuth,
        bearerTokenSecret,
        tls,
        relabelConfigs: relabels(`${key}.relabelConfigs`, obj.relabelConfigs),
        metricRelabelConfigs: relabels(`${key}.metricRelabelConfigs`, obj.metricRelabelConfigs),
    };
    // Only what is set, so the model reads like the configuration.
    return Object.fromEntries(Object.entries(target).filter(([, value]) => value !== undefined)) as unknown as ScrapeTarget;
}
