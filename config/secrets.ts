import * as pulumi from "@pulumi/pulumi";
// The exporter plug-ins declare their own secrets (a DSN, a password): the one place config/ reads them.
import { EXPORTERS } from "../components/exporters/registry";
import { databaseUrl, POSTGRES_URL } from "./endpoints";
import { ConfigError } from "./errors";
import type { ExporterSecret } from "./exporters";
import { singleLine } from "./formats";
import { ConfigSource } from "./source";

/** The stack's own secret keys; each exporter declares its own besides (EXPORTER_SECRETS). */
export const STACK_SECRET_KEYS = [
    "slackWebhookUrl",
    "smtpPassword",
    "pagerdutyRoutingKey",
    "webhookUrl",
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

/** The secrets the exporters in the registry read, by key. */
export const EXPORTER_SECRETS: readonly ExporterSecret[] = EXPORTERS.flatMap((e) => e.secrets ?? []);

/** Every key set with `pulumi config set --secret`. Pulumi.yaml declares the same list as secret (a test checks). */
export const SECRET_KEYS: readonly string[] = [...STACK_SECRET_KEYS, ...EXPORTER_SECRETS.map((s) => s.key)];

export type SecretKey = (typeof STACK_SECRET_KEYS)[number];
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
    /** The exporters' secrets that are set, by key. */
    readonly exporters: ReadonlyMap<string, pulumi.Output<string>>;
};

/** What the offline render puts in place of an encrypted monitoring:receiverSecrets map. */
export const OPAQUE_SECRET_MAP = "[encrypted map]";

/** Shape checks that can be made without ever showing the value. */
const SHAPES: Partial<Record<SecretKey, { test: (v: string) => boolean; expected: string }>> = {
    slackWebhookUrl: { test: (v) => /^https:\/\/\S+$/.test(v), expected: "an https:// Slack incoming-webhook URL" },
    webhookUrl: { test: (v) => /^https?:\/\/\S+$/.test(v), expected: "an http(s):// URL" },
    pagerdutyRoutingKey: { test: (v) => /^[A-Za-z0-9]{20,64}$/.test(v), expected: "a 32-character PagerDuty Events v2 routing key" },
};

/**
 * Stand-ins of the right shape for secrets stored encrypted in a stack file: the offline render
 * cannot decrypt them, but must build the same stack (their files are never written).
 */
export const SECRET_STAND_INS: Readonly<Record<string, string>> = {
    slackWebhookUrl: "https://hooks.slack.com/services/ENCRYPTED",
    smtpPassword: "encrypted",
    pagerdutyRoutingKey: "encryptedencryptedencryptedencr",
    webhookUrl: "https://webhook.invalid/encrypted",
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
    ...Object.fromEntries(EXPORTER_SECRETS.map((s) => [s.key, s.standIn])),
} satisfies Record<SecretKey, string>;

export function readSecrets(source: ConfigSource): Secrets {
    const secrets: { [K in SingleSecretKey]?: pulumi.Output<string> } = {};
    for (const key of STACK_SECRET_KEYS) {
        if (key === "receiverSecrets" || key === "targetSecrets") continue;
        const text = singleSecretText(source, key);
        if (text === undefined) continue;
        const shape = SHAPES[key];
        if (shape && !shape.test(text)) {
            // The value itself stays out of the message: it is a secret.
            throw new ConfigError(key, `the secret value is not ${shape.expected}`);
        }
        if (key === "grafanaDatabaseUrl") databaseUrl(key, text, { ...POSTGRES_URL, requireDatabase: true });
        secrets[key] = pulumi.secret(text);
    }
    const exporters = new Map<string, pulumi.Output<string>>();
    for (const secret of EXPORTER_SECRETS) {
        const text = singleSecretText(source, secret.key);
        if (text === undefined) continue;
        secret.check?.(secret.key, text);
        exporters.set(secret.key, pulumi.secret(text));
    }
    return { ...secrets, receivers: readSecretMap(source, "receiverSecrets"), targets: readSecretMap(source, "targetSecrets"), exporters };
}

/** A secret key's text when it is set; every secret ends up alone in a credential file, so a line break would add lines to it. */
function singleSecretText(source: ConfigSource, key: string): string | undefined {
    const text = source.secretText(key);
    if (text === undefined || text === "") return undefined;
    singleLine(key, text, "secret value");
    return text;
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
