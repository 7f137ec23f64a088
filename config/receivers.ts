// monitoring:alerting.receivers: named receivers written as in alertmanager.yml, except that every
// credential names a secret (`<field>_secret`) instead of holding it; the stack mounts the secret
// as a file and alertmanager.yml points at it with Alertmanager's own `<field>_file`.
import { ConfigError } from "./errors";
import * as v from "./validate";

/** A secret a receiver reads from a mounted file: a stack secret key, or a name in monitoring:receiverSecrets. */
export type SecretId = `stack:${string}` | `receiver:${string}`;

/** One integration of a receiver, in Alertmanager's field names; `files` are filled in at render. */
export interface Integration {
    /** `slack`, `email`, ...: the receiver gets a `<kind>_configs` list. */
    readonly kind: IntegrationKind;
    /** Plain fields as alertmanager.yml takes them. */
    readonly fields: Readonly<Record<string, unknown>>;
    /** Dotted path of each `*_file` field (`http_config.authorization.credentials_file`) -> the secret it reads. */
    readonly files: Readonly<Record<string, SecretId>>;
}

export interface ReceiverModel {
    readonly name: string;
    readonly integrations: Integration[];
}

type FieldType = "string" | "boolean" | "number" | "strings" | "map" | "list";

interface IntegrationSpec {
    /** Plain fields the user may set. */
    readonly fields: Readonly<Record<string, FieldType>>;
    /** Credential fields: Alertmanager's inline field -> the stack secret used when the user names none. */
    readonly credentials: Readonly<Record<string, { readonly fallback?: string; readonly required: boolean }>>;
    /** Fields the user must give. */
    readonly required?: readonly string[];
}

const COMMON: Record<string, FieldType> = { send_resolved: "boolean" };

/** Alertmanager 0.33 integrations that read their credential from a file (tests run amtool on each). */
export const INTEGRATIONS = {
    slack: {
        fields: { ...COMMON, channel: "string", username: "string", title: "string", title_link: "string", text: "string", pretext: "string", footer: "string", color: "string", icon_emoji: "string", icon_url: "string", link_names: "boolean" },
        credentials: { api_url: { fallback: "slackWebhookUrl", required: true } },
    },
    email: {
        fields: { ...COMMON, to: "strings", from: "string", smarthost: "string", hello: "string", auth_username: "string", auth_identity: "string", require_tls: "boolean", headers: "map", html: "string", text: "string" },
        credentials: { auth_password: { fallback: "smtpPassword", required: false } },
        required: ["to"],
    },
    pagerduty: {
        fields: { ...COMMON, url: "string", client: "string", client_url: "string", description: "string", severity: "string", class: "string", component: "string", group: "string", details: "map" },
        credentials: { routing_key: { fallback: "pagerdutyRoutingKey", required: true } },
    },
    webhook: {
        fields: { ...COMMON, max_alerts: "number", timeout: "string" },
        credentials: { url: { fallback: "webhookUrl", required: true } },
    },
    msteams: {
        fields: { ...COMMON, title: "string", summary: "string", text: "string" },
        credentials: { webhook_url: { required: true } },
    },
    msteamsv2: {
        fields: { ...COMMON, title: "string", text: "string" },
        credentials: { webhook_url: { required: true } },
    },
    opsgenie: {
        fields: { ...COMMON, api_url: "string", message: "string", description: "string", source: "string", details: "map", responders: "list", tags: "string", note: "string", priority: "string", entity: "string", actions: "string" },
        credentials: { api_key: { required: true } },
    },
    telegram: {
        fields: { ...COMMON, api_url: "string", chat_id: "number", message_thread_id: "number", message: "string", disable_notifications: "boolean", parse_mode: "string" },
        credentials: { bot_token: { required: true } },
        required: ["chat_id"],
    },
    discord: {
        fields: { ...COMMON, title: "string", message: "string", content: "string", username: "string", avatar_url: "string" },
        credentials: { webhook_url: { required: true } },
    },
} satisfies Record<string, IntegrationSpec>;

export type IntegrationKind = keyof typeof INTEGRATIONS;
export const INTEGRATION_KINDS = Object.keys(INTEGRATIONS) as IntegrationKind[];

/** Names the stack gives its own receivers; a user receiver may not take them (`watchdog` it may). */
export const RESERVED_RECEIVERS = ["default", "critical", "warning", "info", "sms"];

/** Where a receiver's secrets come from, for the checks that they exist. */
export interface SecretLookup {
    /** Set stack secrets (`slackWebhookUrl`, ...). */
    readonly stack: ReadonlySet<string>;
    /** Names in monitoring:receiverSecrets; undefined when the map is encrypted and cannot be read offline. */
    readonly receiver?: ReadonlySet<string>;
}

/** Defaults an email integration takes from monitoring:alerting.email (the stack's SMTP settings). */
export interface EmailDefaults {
    readonly from: string;
    readonly smarthost: string;
    readonly username?: string;
    readonly requireTls: boolean;
}

const SECRET_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

export function readReceivers(key: string, raw: unknown, secrets: SecretLookup, email?: EmailDefaults): ReceiverModel[] {
    const obj = v.object(key, raw ?? {});
    return Object.entries(obj).map(([name, value]) => {
        const rkey = `${key}.${name}`;
        if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) throw new ConfigError(rkey, "a receiver name takes letters, digits, _, . and -");
        if (RESERVED_RECEIVERS.includes(name)) {
            throw new ConfigError(rkey, `"${name}" is the stack's own receiver; choose another name (routes may still send to it)`);
        }
        const kinds = v.fields(rkey, value ?? {}, INTEGRATION_KINDS.map((k) => `${k}_configs`));
        const integrations = Object.entries(kinds).flatMap(([field, list]) => {
            const kind = field.slice(0, -"_configs".length) as IntegrationKind;
            return v.list(`${rkey}.${field}`, list, (ikey, item) => readIntegration(ikey, kind, item, secrets, email));
        });
        return { name, integrations };
    });
}

function readIntegration(key: string, kind: IntegrationKind, raw: unknown, secrets: SecretLookup, email?: EmailDefaults): Integration {
    const spec: IntegrationSpec = INTEGRATIONS[kind];
    const obj = v.object(key, raw);
    const fields: Record<string, unknown> = {};
    const files: Record<string, SecretId> = {};
    const credentialFields = Object.keys(spec.credentials);
    for (const [field, value] of Object.entries(obj)) {
        const fkey = `${key}.${field}`;
        if (credentialFields.includes(field) || field.endsWith("_file")) {
            const base = field.replace(/_file$/, "");
            throw new ConfigError(fkey, `would put a credential into alertmanager.yml; store it with \`pulumi config set --secret --path 'monitoring:receiverSecrets.<name>'\` and write ${base}_secret: <name>`);
        }
        if (field.endsWith("_secret") && credentialFields.includes(field.slice(0, -"_secret".length))) {
            files[`${field.slice(0, -"_secret".length)}_file`] = receiverSecret(fkey, value, secrets);
            continue;
        }
        if (kind === "webhook" && field === "http_config") {
            Object.assign(files, readHttpConfig(fkey, value, secrets, fields));
            continue;
        }
        const type = spec.fields[field];
        if (!type) {
            const known = [...Object.keys(spec.fields), ...credentialFields.map((c) => `${c}_secret`), ...(kind === "webhook" ? ["http_config"] : [])];
            throw new ConfigError(fkey, `unknown ${kind} field; expected one of ${known.join(", ")}`);
        }
        fields[field] = readField(fkey, type, value);
    }
    for (const field of spec.required ?? []) {
        if (fields[field] === undefined) throw new ConfigError(`${key}.${field}`, `is missing; a ${kind} integration needs it`);
    }
    if (kind === "email") applyEmailDefaults(key, fields, email);
    for (const [field, { fallback, required }] of Object.entries(spec.credentials)) {
        if (files[`${field}_file`]) continue;
        const needed = required || (kind === "email" && fields.auth_username !== undefined);
        if (!needed) continue;
        if (fallback && secrets.stack.has(fallback)) files[`${field}_file`] = `stack:${fallback}`;
        else {
            const hint = fallback ? ` (or set monitoring:${fallback}, used when none is named)` : "";
            throw new ConfigError(`${key}.${field}_secret`, `is missing; name a secret of monitoring:receiverSecrets${hint}`);
        }
    }
    return { kind, fields, files };
}

function receiverSecret(key: string, value: unknown, secrets: SecretLookup): SecretId {
    const name = v.string(key, value);
    if (!SECRET_NAME.test(name)) throw new ConfigError(key, `${JSON.stringify(name)} is not a secret name; use letters, digits, _ and -`);
    if (secrets.receiver && !secrets.receiver.has(name)) {
        throw new ConfigError(key, `no secret ${JSON.stringify(name)} in monitoring:receiverSecrets; run: pulumi config set --secret --path 'monitoring:receiverSecrets.${name}' <value>`);
    }
    return `receiver:${name}`;
}

/** A webhook's bearer token or basic-auth password, each from a secret file. */
function readHttpConfig(key: string, raw: unknown, secrets: SecretLookup, fields: Record<string, unknown>): Record<string, SecretId> {
    const obj = v.fields(key, raw, ["authorization", "basic_auth", "follow_redirects", "enable_http2"]);
    const files: Record<string, SecretId> = {};
    const http: Record<string, unknown> = {};
    if (obj.authorization !== undefined && obj.basic_auth !== undefined) {
        throw new ConfigError(key, "give authorization or basic_auth, not both");
    }
    if (obj.authorization !== undefined) {
        const auth = v.fields(`${key}.authorization`, obj.authorization, ["type", "credentials_secret"]);
        if (auth.credentials_secret === undefined) throw new ConfigError(`${key}.authorization.credentials_secret`, "is missing; name the secret holding the token");
        http.authorization = { type: v.optional(auth.type, "Bearer", (x) => v.string(`${key}.authorization.type`, x)) };
        files["http_config.authorization.credentials_file"] = receiverSecret(`${key}.authorization.credentials_secret`, auth.credentials_secret, secrets);
    }
    if (obj.basic_auth !== undefined) {
        const auth = v.fields(`${key}.basic_auth`, obj.basic_auth, ["username", "password_secret"]);
        if (auth.password_secret === undefined) throw new ConfigError(`${key}.basic_auth.password_secret`, "is missing; name the secret holding the password");
        http.basic_auth = { username: v.string(`${key}.basic_auth.username`, auth.username) };
        files["http_config.basic_auth.password_file"] = receiverSecret(`${key}.basic_auth.password_secret`, auth.password_secret, secrets);
    }
    for (const flag of ["follow_redirects", "enable_http2"] as const) {
        if (obj[flag] !== undefined) http[flag] = v.boolean(`${key}.${flag}`, obj[flag]);
    }
    fields.http_config = http;
    return files;
}

function readField(key: string, type: FieldType, value: unknown): unknown {
    switch (type) {
        case "string": return v.string(key, value);
        case "boolean": return v.boolean(key, value);
        case "number": return v.number(key, value, { integer: true });
        // Alertmanager takes recipients as one comma-separated string; a list reads better.
        case "strings": return typeof value === "string" ? value : v.list(key, value, v.string, { nonEmpty: true }).join(", ");
        case "map": return v.object(key, value);
        case "list": return v.list(key, value, (k, x) => v.object(k, x));
    }
}

function applyEmailDefaults(key: string, fields: Record<string, unknown>, email?: EmailDefaults): void {
    for (const address of String(fields.to).split(",")) v.email(`${key}.to`, address.trim());
    for (const [field, fallback] of [["from", email?.from], ["smarthost", email?.smarthost]] as const) {
        if (fields[field] === undefined && fallback === undefined) {
            throw new ConfigError(`${key}.${field}`, "is missing; set it here or once for every receiver in monitoring:alerting.email");
        }
        fields[field] ??= fallback;
    }
    if (fields.smarthost !== email?.smarthost) v.hostPort(`${key}.smarthost`, fields.smarthost);
    if (fields.auth_username === undefined && email?.username && fields.smarthost === email.smarthost) fields.auth_username = email.username;
    fields.require_tls ??= email?.requireTls ?? true;
}
