import { ConfigError } from "./errors";
import { Secrets, SingleSecretKey } from "./secrets";
import * as v from "./validate";

/** Grafana's own mail (invites, password resets, its alert emails); the password is `monitoring:grafanaSmtpPassword`. */
export interface GrafanaSmtp {
    /** `host:port` of the SMTP server. */
    readonly host: string;
    readonly user?: string;
    readonly fromAddress: string;
    readonly fromName: string;
    readonly startTlsPolicy: "OpportunisticStartTLS" | "MandatoryStartTLS" | "NoStartTLS";
}

/** Settings shared by Grafana's OAuth providers. */
interface OAuthCommon {
    readonly clientId: string;
    /** Create a Grafana user on first sign-in (else only existing users can sign in). */
    readonly allowSignUp: boolean;
    readonly allowedDomains: string[];
    /** JMESPath over the user info that yields Admin, Editor or Viewer. */
    readonly roleAttributePath?: string;
}

export interface GenericOAuth extends OAuthCommon {
    /** The button's label: "Sign in with <name>". */
    readonly name: string;
    readonly authUrl: string;
    readonly tokenUrl: string;
    readonly apiUrl?: string;
    readonly scopes: string[];
    readonly usePkce: boolean;
}

export interface GitHubOAuth extends OAuthCommon {
    readonly allowedOrganizations: string[];
    readonly teamIds: number[];
}

export interface GoogleOAuth extends OAuthCommon {
    /** Google Workspace domain users must belong to. */
    readonly hostedDomain?: string;
}

export interface AzureAdOAuth extends OAuthCommon {
    /** Directory (tenant) ID: sets Microsoft's authorize and token URLs. */
    readonly tenantId: string;
    /** Object IDs of the Entra ID groups allowed in. */
    readonly allowedGroups: string[];
}

/** One LDAP group and the role its members get. */
export interface LdapGroupMapping {
    readonly groupDn: string;
    readonly orgRole: "Admin" | "Editor" | "Viewer";
    readonly grafanaAdmin: boolean;
}

/** An LDAP directory (Grafana's ldap.toml); the bind password is `monitoring:grafanaLdapBindPassword`. */
export interface LdapAuth {
    readonly host: string;
    readonly port: number;
    readonly useSsl: boolean;
    readonly startTls: boolean;
    readonly bindDn: string;
    readonly searchFilter: string;
    readonly searchBaseDns: string[];
    readonly groupMappings: LdapGroupMapping[];
    readonly allowSignUp: boolean;
}

/** Single sign-on through Grafana's own providers; every client secret is a secret key, mounted as a file. */
export interface GrafanaAuth {
    /** Hide the user/password form (only SSO remains; the admin can still use the API). */
    readonly disableLoginForm: boolean;
    /** Skip the login page and go straight to the one OAuth provider. */
    readonly oauthAutoLogin: boolean;
    readonly genericOauth?: GenericOAuth;
    readonly github?: GitHubOAuth;
    readonly google?: GoogleOAuth;
    readonly azuread?: AzureAdOAuth;
    readonly ldap?: LdapAuth;
}

/** `monitoring:grafana` settings beyond the workload: admin, root URL, mail and single sign-on. */
export interface GrafanaSettings {
    /** Login of the admin user created on first start (its password is generated). */
    readonly adminUser: string;
    /** The URL people open Grafana at (links in emails, OAuth redirects); ends with /. */
    readonly rootUrl?: string;
    readonly smtp?: GrafanaSmtp;
    readonly auth: GrafanaAuth;
}

/** Keys of `monitoring:grafana` that `readGrafanaSettings` reads. */
export const GRAFANA_SETTINGS_KEYS = ["adminUser", "rootUrl", "smtp", "auth"] as const;

/** The secret each provider's client secret or password comes from. */
export const GRAFANA_SECRET_KEYS = {
    smtp: "grafanaSmtpPassword",
    genericOauth: "grafanaOauthClientSecret",
    github: "grafanaGithubClientSecret",
    google: "grafanaGoogleClientSecret",
    azuread: "grafanaAzureAdClientSecret",
    ldap: "grafanaLdapBindPassword",
} as const satisfies Record<string, SingleSecretKey>;

const strings = (key: string, raw: unknown): string[] => v.optional(raw, [] as string[], (x) => v.list(key, x, v.string));

function needSecret(secrets: Secrets, secret: SingleSecretKey, key: string, what: string): void {
    if (!secrets[secret]) {
        throw new ConfigError(secret, `is required when monitoring:${key} is set; run: pulumi config set --secret monitoring:${secret} <${what}>`);
    }
}

function readCommon(key: string, obj: Record<string, unknown>): OAuthCommon {
    if (obj.clientId === undefined) throw new ConfigError(`${key}.clientId`, "is missing; give the OAuth client ID of the app registered for Grafana");
    return {
        clientId: v.string(`${key}.clientId`, obj.clientId),
        allowSignUp: v.optional(obj.allowSignUp, true, (x) => v.boolean(`${key}.allowSignUp`, x)),
        allowedDomains: strings(`${key}.allowedDomains`, obj.allowedDomains),
        roleAttributePath: v.optional(obj.roleAttributePath, undefined, (x) => v.string(`${key}.roleAttributePath`, x)),
    };
}

const COMMON = ["clientId", "allowSignUp", "allowedDomains", "roleAttributePath"];

function readGenericOauth(key: string, raw: unknown): GenericOAuth {
    const obj = v.fields(key, raw, [...COMMON, "name", "authUrl", "tokenUrl", "apiUrl", "scopes", "usePkce"]);
    for (const field of ["authUrl", "tokenUrl"]) {
        if (obj[field] === undefined) throw new ConfigError(`${key}.${field}`, "is missing; take it from your identity provider's OpenID configuration");
    }
    return {
        ...readCommon(key, obj),
        name: v.optional(obj.name, "OAuth", (x) => v.string(`${key}.name`, x)),
        authUrl: v.url(`${key}.authUrl`, obj.authUrl, ["https"]),
        tokenUrl: v.url(`${key}.tokenUrl`, obj.tokenUrl, ["https"]),
        apiUrl: v.optional(obj.apiUrl, undefined, (x) => v.url(`${key}.apiUrl`, x, ["https"])),
        scopes: v.optional(obj.scopes, ["openid", "email", "profile"], (x) => v.list(`${key}.scopes`, x, v.string)),
        usePkce: v.optional(obj.usePkce, true, (x) => v.boolean(`${key}.usePkce`, x)),
    };
}

function readGithub(key: string, raw: unknown): GitHubOAuth {
    const obj = v.fields(key, raw, [...COMMON, "allowedOrganizations", "teamIds"]);
    return {
        ...readCommon(key, obj),
        allowedOrganizations: strings(`${key}.allowedOrganizations`, obj.allowedOrganizations),
        teamIds: v.optional(obj.teamIds, [] as number[], (x) => v.list(`${key}.teamIds`, x, (k, id) => v.number(k, id, { min: 1, integer: true }))),
    };
}

function readGoogle(key: string, raw: unknown): GoogleOAuth {
    const obj = v.fields(key, raw, [...COMMON, "hostedDomain"]);
    return { ...readCommon(key, obj), hostedDomain: v.optional(obj.hostedDomain, undefined, (x) => v.string(`${key}.hostedDomain`, x)) };
}

function readAzuread(key: string, raw: unknown): AzureAdOAuth {
    const obj = v.fields(key, raw, [...COMMON, "tenantId", "allowedGroups"]);
    if (obj.tenantId === undefined) throw new ConfigError(`${key}.tenantId`, "is missing; give the directory (tenant) ID of your Entra ID");
    const tenantId = v.string(`${key}.tenantId`, obj.tenantId);
    if (!/^[A-Za-z0-9.-]+$/.test(tenantId)) throw new ConfigError(`${key}.tenantId`, `${JSON.stringify(tenantId)} is not a tenant ID or domain`);
    return { ...readCommon(key, obj), tenantId, allowedGroups: strings(`${key}.allowedGroups`, obj.allowedGroups) };
}

const ROLES = ["Admin", "Editor", "Viewer"] as const;

function readLdap(key: string, raw: unknown): LdapAuth {
    const obj = v.fields(key, raw, ["host", "port", "useSsl", "startTls", "bindDn", "searchFilter", "searchBaseDns", "groupMappings", "allowSignUp"]);
    for (const field of ["host", "bindDn", "searchBaseDns"]) {
        if (obj[field] === undefined) throw new ConfigError(`${key}.${field}`, "is missing; see the LDAP section of docs/dashboards.md");
    }
    const useSsl = v.optional(obj.useSsl, true, (x) => v.boolean(`${key}.useSsl`, x));
    const startTls = v.optional(obj.startTls, false, (x) => v.boolean(`${key}.startTls`, x));
    if (useSsl && startTls) throw new ConfigError(`${key}.startTls`, "and useSsl are exclusive: LDAPS (636) or STARTTLS (389), not both");
    return {
        host: v.string(`${key}.host`, obj.host),
        port: v.optional(obj.port, useSsl ? 636 : 389, (x) => v.port(`${key}.port`, x)),
        useSsl,
        startTls,
        bindDn: v.string(`${key}.bindDn`, obj.bindDn),
        searchFilter: v.optional(obj.searchFilter, "(uid=%s)", (x) => v.string(`${key}.searchFilter`, x)),
        searchBaseDns: v.list(`${key}.searchBaseDns`, obj.searchBaseDns, v.string, { nonEmpty: true }),
        groupMappings: v.optional(obj.groupMappings, [] as LdapGroupMapping[], (x) =>
            v.list(`${key}.groupMappings`, x, (k, m) => {
                const g = v.fields(k, m, ["groupDn", "orgRole", "grafanaAdmin"]);
                return {
                    groupDn: v.string(`${k}.groupDn`, g.groupDn),
                    orgRole: v.oneOf(`${k}.orgRole`, g.orgRole, ROLES),
                    grafanaAdmin: v.optional(g.grafanaAdmin, false, (x) => v.boolean(`${k}.grafanaAdmin`, x)),
                };
            }),
        ),
        allowSignUp: v.optional(obj.allowSignUp, true, (x) => v.boolean(`${key}.allowSignUp`, x)),
    };
}

function readSmtp(key: string, raw: unknown, secrets: Secrets): GrafanaSmtp {
    const obj = v.fields(key, raw, ["host", "user", "fromAddress", "fromName", "startTlsPolicy"]);
    if (obj.host === undefined) throw new ConfigError(`${key}.host`, "is missing; give the SMTP server as host:port, e.g. smtp.example.com:587");
    if (obj.fromAddress === undefined) throw new ConfigError(`${key}.fromAddress`, "is missing; give the sender address, e.g. grafana@example.com");
    const user = v.optional(obj.user, undefined, (x) => v.string(`${key}.user`, x));
    if (user) needSecret(secrets, GRAFANA_SECRET_KEYS.smtp, `${key}.user`, "SMTP password");
    return {
        host: v.hostPort(`${key}.host`, obj.host),
        user,
        fromAddress: v.email(`${key}.fromAddress`, obj.fromAddress),
        fromName: v.optional(obj.fromName, "Grafana", (x) => v.string(`${key}.fromName`, x)),
        startTlsPolicy: v.optional(obj.startTlsPolicy, "MandatoryStartTLS" as const, (x) =>
            v.oneOf(`${key}.startTlsPolicy`, x, ["OpportunisticStartTLS", "MandatoryStartTLS", "NoStartTLS"] as const),
        ),
    };
}

function readAuth(key: string, raw: unknown, secrets: Secrets): GrafanaAuth {
    const obj = v.fields(key, raw ?? {}, ["disableLoginForm", "oauthAutoLogin", "genericOauth", "github", "google", "azuread", "ldap"]);
    const provider = <T>(name: keyof typeof GRAFANA_SECRET_KEYS & keyof GrafanaAuth, read: (k: string, r: unknown) => T): T | undefined => {
        if (obj[name] === undefined || obj[name] === null) return undefined;
        const value = read(`${key}.${name}`, obj[name]);
        needSecret(secrets, GRAFANA_SECRET_KEYS[name], `${key}.${name}`, name === "ldap" ? "bind password" : "client secret");
        return value;
    };
    const auth = {
        disableLoginForm: v.optional(obj.disableLoginForm, false, (x) => v.boolean(`${key}.disableLoginForm`, x)),
        oauthAutoLogin: v.optional(obj.oauthAutoLogin, false, (x) => v.boolean(`${key}.oauthAutoLogin`, x)),
        genericOauth: provider("genericOauth", readGenericOauth),
        github: provider("github", readGithub),
        google: provider("google", readGoogle),
        azuread: provider("azuread", readAzuread),
        ldap: provider("ldap", readLdap),
    };
    const oauth = [auth.genericOauth, auth.github, auth.google, auth.azuread].filter(Boolean).length;
    if (auth.oauthAutoLogin && oauth !== 1) {
        throw new ConfigError(`${key}.oauthAutoLogin`, `needs exactly one OAuth provider; ${oauth} are set`);
    }
    if (auth.disableLoginForm && oauth === 0) {
        throw new ConfigError(`${key}.disableLoginForm`, "would leave no way to sign in: set an OAuth provider first (LDAP signs in through the form)");
    }
    return auth;
}

/** `monitoring:grafana.{adminUser, rootUrl, smtp, auth}`, from the already key-checked object. */
export function readGrafanaSettings(obj: Record<string, unknown>, secrets: Secrets, platform: "docker" | "kubernetes"): GrafanaSettings {
    const key = "grafana";
    const adminUser = v.optional(obj.adminUser, "admin", (x) => v.string(`${key}.adminUser`, x));
    if (!/^[A-Za-z0-9._@-]{1,64}$/.test(adminUser))
        throw new ConfigError(`${key}.adminUser`, `${JSON.stringify(adminUser)} is not a login; use letters, digits, . _ @ -`);
    const rootUrl = v.optional(obj.rootUrl, undefined, (x) => v.url(`${key}.rootUrl`, x));
    if (rootUrl && !rootUrl.endsWith("/"))
        throw new ConfigError(`${key}.rootUrl`, `${JSON.stringify(rootUrl)} must end with /; use e.g. https://grafana.example.com/`);
    const auth = readAuth(`${key}.auth`, obj.auth, secrets);
    // On Kubernetes the Ingress's https://<grafana host>/ is the root URL unless one is given.
    if (!rootUrl && platform === "docker" && [auth.genericOauth, auth.github, auth.google, auth.azuread].some(Boolean)) {
        throw new ConfigError(
            `${key}.rootUrl`,
            "is required with an OAuth provider: it builds the redirect URL registered at the provider (<rootUrl>login/<provider>)",
        );
    }
    return { adminUser, rootUrl, smtp: v.optional(obj.smtp, undefined, (x) => readSmtp(`${key}.smtp`, x, secrets)), auth };
}
