import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./errors";
import { singleLine } from "./formats";
import { ConfigSource } from "./source";

/** Every key set with `pulumi config set --secret`. Pulumi.yaml declares the same list as secret. */
export const SECRET_KEYS = [
    "slackWebhookUrl",
    "smtpPassword",
    "pagerdutyRoutingKey",
    "webhookUrl",
    "postgresDsn",
    "redisPassword",
    "grafanaDatabaseUrl",
    "remoteWritePassword",
    "lokiS3SecretAccessKey",
    "receiverSecrets",
    "targetSecrets",
    "grafanaSmtpPassword",
    "grafanaOauthClientSecret",
    "grafanaGithubClientSecret",
    "grafanaGoogleClientSecret",
    "grafanaAzureAdClientSecret",
    "grafanaLdapBindPassword",
] as const;

export type SecretKey = (typeof SECRET_KEYS)[number];
/** The secret keys holding one value; `receiverSecrets` is a map of named values. */
export type SingleSecretKey = Exclude<SecretKey, "receiverSecrets" | "targetSecrets">;

/**
 * Secret values as secret Outputs; a key that is not set is absent. `receivers` holds the values of
 * monitoring:receiverSecrets by name, or is "opaque" when the map is encrypted and the offline
 * render cannot read its names (every name then stands for a placeholder).
 */
export type Secrets = { readonly [K in SingleSecretKey]?: pulumi.Output<string> } & {
    readonly receivers?: ReadonlyMap<string, pulumi.Output<string>> | "opaque";
    /** monitoring:targetSecrets by name: scrape credentials of the user's targets. */
    readonly targets?: ReadonlyMap<string, pulumi.Output<string>> | "opaque";
};

/** What the offline render puts in place of an encrypted monitoring:receiverSecrets map. */
export const OPAQUE_SECRET_MAP = "[encrypted map]";

/** Shape checks that can be made without ever showing the value. */
const SHAPES: Partial<Record<SecretKey, { test: (v: string) => boolean; expected: string }>> = {
    slackWebhookUrl: { test: (v) => /^https:\/\/\S+$/.test(v), expected: "an https:// Slack incoming-webhook URL" },
    webhookUrl: { test: (v) => /^https?:\/\/\S+$/.test(v), expected: "an http(s):// URL" },
    pagerdutyRoutingKey: { test: (v) => /^[A-Za-z0-9]{20,64}$/.test(v), expected: "a 32-character PagerDuty Events v2 routing key" },
};

/** The parts of a `postgres://user:password@host:port/db?params` URL, percent-decoded where the consumer decodes them. */
export interface PostgresUrl {
    readonly user: string;
    readonly password: string;
    /** `host:port/db?params` as written, without scheme or credentials. */
    readonly uri: string;
    readonly port: number;
    readonly database?: string;
}

const POSTGRES_URL =
    /^postgres(?:ql)?:\/\/([^:@/?#\s]+)(?::([^@/?#\s]*))?@((?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?)(?:\/([^?#\s]*))?(\?[^#\s]*)?$/;

/**
 * Parses a PostgreSQL URL as libpq and Go's database drivers do. Throws a ConfigError naming `key`
 * that never shows the value (it holds a password).
 */
export function parsePostgresUrl(key: SecretKey, text: string, opts: { requireDatabase?: boolean } = {}): PostgresUrl {
    const example = "postgresql://user:password@host:5432/db?sslmode=disable";
    const match = POSTGRES_URL.exec(text);
    if (!match) throw new ConfigError(key, `the secret value is not a URL like ${example} (a user is required; percent-encode @, : and / in the password)`);
    const [, user, password, hostPort, port, database, query] = match;
    const decode = (part: string | undefined, what: string): string | undefined => {
        if (part === undefined) return undefined;
        try {
            return decodeURIComponent(part);
        } catch {
            throw new ConfigError(key, `the ${what} in the secret value holds a % that does not start a percent-encoded byte; write a literal % as %25`);
        }
    };
    const portNumber = port === undefined ? 5432 : Number(port);
    if (portNumber < 1 || portNumber > 65535) throw new ConfigError(key, "the port in the secret value is not between 1 and 65535");
    const db = decode(database, "database name");
    if (opts.requireDatabase && !db) throw new ConfigError(key, `the secret value names no database; use e.g. ${example}`);
    return {
        user: decode(user, "user")!,
        password: decode(password, "password") ?? "",
        uri: `${hostPort}${database !== undefined ? `/${database}` : ""}${query ?? ""}`,
        port: portNumber,
        database: db,
    };
}

/**
 * Stand-ins of the right shape for secrets stored encrypted in a stack file: the offline render
 * cannot decrypt them, but must build the same stack (their files are never written).
 */
export const SECRET_STAND_INS: Record<SecretKey, string> = {
    slackWebhookUrl: "https://hooks.slack.com/services/ENCRYPTED",
    smtpPassword: "encrypted",
    pagerdutyRoutingKey: "encryptedencryptedencryptedencr",
    webhookUrl: "https://webhook.invalid/encrypted",
    postgresDsn: "postgresql://encrypted:encrypted@postgres:5432/postgres?sslmode=disable",
    redisPassword: "encrypted",
    grafanaDatabaseUrl: "postgres://grafana:encrypted@postgres:5432/grafana",
    remoteWritePassword: "encrypted",
    lokiS3SecretAccessKey: "encrypted",
    receiverSecrets: OPAQUE_SECRET_MAP,
    targetSecrets: OPAQUE_SECRET_MAP,
    grafanaSmtpPassword: "encrypted",
    grafanaOauthClientSecret: "encrypted",
    grafanaGithubClientSecret: "encrypted",
    grafanaGoogleClientSecret: "encrypted",
    grafanaAzureAdClientSecret: "encrypted",
    grafanaLdapBindPassword: "encrypted",
};

export function readSecrets(source: ConfigSource): Secrets {
    const secrets: { [K in SingleSecretKey]?: pulumi.Output<string> } = {};
    for (const key of SECRET_KEYS) {
        if (key === "receiverSecrets" || key === "targetSecrets") continue;
        const text = source.secretText(key);
        if (text === undefined || text === "") continue;
        // Every secret ends up alone in a credential file: a line break would add lines to it.
        singleLine(key, text, "secret value");
        const shape = SHAPES[key];
        if (shape && !shape.test(text)) {
            // The value itself stays out of the message: it is a secret.
            throw new ConfigError(key, `the secret value is not ${shape.expected}`);
        }
        if (key === "postgresDsn") parsePostgresUrl(key, text);
        if (key === "grafanaDatabaseUrl") parsePostgresUrl(key, text, { requireDatabase: true });
        secrets[key] = pulumi.secret(text);
    }
    return { ...secrets, receivers: readSecretMap(source, "receiverSecrets"), targets: readSecretMap(source, "targetSecrets") };
}

/** A map of named secrets, `{name: value}`, set with `pulumi config set --secret --path 'monitoring:<key>.<name>' <value>`. */
function readSecretMap(source: ConfigSource, key: "receiverSecrets" | "targetSecrets"): Secrets["receivers"] {
    const raw = source.value(key);
    if (raw === undefined || raw === null || raw === "") return undefined;
    if (raw === OPAQUE_SECRET_MAP) return "opaque";
    if (typeof raw !== "object" || Array.isArray(raw)) {
        throw new ConfigError(
            key,
            `is not a map of names to secret values; set one with: pulumi config set --secret --path 'monitoring:${key}.<name>' <value>`,
        );
    }
    const out = new Map<string, pulumi.Output<string>>();
    for (const [name, value] of Object.entries(raw)) {
        if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/.test(name)) throw new ConfigError(`${key}.${name}`, "a secret name takes letters, digits, _ and -");
        // The value itself stays out of every message: it is a secret.
        if (typeof value !== "string" || value === "") throw new ConfigError(`${key}.${name}`, "the secret value is not a non-empty string");
        out.set(name, pulumi.secret(value));
    }
    return out;
}
