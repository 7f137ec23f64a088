import { GrafanaSettings } from "../../config/grafana";

/** grafana.ini as sections of keys: what the stack sets, in Grafana's own names. */
export type GrafanaIni = Record<string, Record<string, string>>;

/** Where Grafana reads each secret from; a setting backed by a file becomes GF_<SECTION>_<KEY>__FILE. */
export interface GrafanaSecretFiles {
    readonly adminPassword: string;
    readonly metricsPassword: string;
    readonly databaseUrl?: string;
    readonly smtpPassword?: string;
    readonly genericOauthClientSecret?: string;
    readonly githubClientSecret?: string;
    readonly googleClientSecret?: string;
    readonly azureadClientSecret?: string;
    /** The ldap.toml the LDAP provider reads (it holds only a `$__file{}` reference to the bind password). */
    readonly ldapConfig?: string;
}

/** User Prometheus scrapes /metrics with. */
export const GRAFANA_METRICS_USER = "prometheus";

const list = (values: readonly (string | number)[], separator = ","): string => values.join(separator);
const flag = (value: boolean): string => String(value);

/**
 * The settings and the files they read. Plain values are `GrafanaIni`; secrets are files the
 * container mounts, named by the `__FILE` variables (`files`), so no secret is in the environment.
 */
export function grafanaSettings(
    settings: GrafanaSettings,
    files: GrafanaSecretFiles,
    server: { tls?: { certFile: string; keyFile: string } },
): {
    ini: GrafanaIni;
    files: GrafanaIni;
} {
    const ini: GrafanaIni = {
        security: { admin_user: settings.adminUser, disable_gravatar: "true" },
        "auth.anonymous": { enabled: "false" },
        users: { allow_sign_up: "false" },
        analytics: { reporting_enabled: "false", check_for_updates: "false" },
        paths: { provisioning: "/etc/grafana/provisioning" },
        metrics: { enabled: "true", basic_auth_username: GRAFANA_METRICS_USER },
        server: {
            ...(settings.rootUrl ? { root_url: settings.rootUrl, ...(new URL(settings.rootUrl).pathname !== "/" ? { serve_from_sub_path: "true" } : {}) } : {}),
            ...(server.tls ? { protocol: "https", cert_file: server.tls.certFile, cert_key: server.tls.keyFile } : {}),
        },
    };
    const secretFiles: GrafanaIni = {
        security: { admin_password: files.adminPassword },
        metrics: { basic_auth_password: files.metricsPassword },
        ...(files.databaseUrl ? { database: { url: files.databaseUrl } } : {}),
    };
    const { smtp, auth } = settings;
    if (smtp) {
        ini.smtp = {
            enabled: "true",
            host: smtp.host,
            from_address: smtp.fromAddress,
            from_name: smtp.fromName,
            startTLS_policy: smtp.startTlsPolicy,
            ...(smtp.user ? { user: smtp.user } : {}),
        };
        if (smtp.user && files.smtpPassword) secretFiles.smtp = { password: files.smtpPassword };
    }
    if (auth.disableLoginForm || auth.oauthAutoLogin) {
        ini.auth = { disable_login_form: flag(auth.disableLoginForm), oauth_auto_login: flag(auth.oauthAutoLogin) };
    }
    const common = (p: { clientId: string; allowSignUp: boolean; allowedDomains: string[]; roleAttributePath?: string }) => ({
        enabled: "true",
        client_id: p.clientId,
        allow_sign_up: flag(p.allowSignUp),
        ...(p.allowedDomains.length ? { allowed_domains: list(p.allowedDomains, " ") } : {}),
        ...(p.roleAttributePath ? { role_attribute_path: p.roleAttributePath } : {}),
    });
    if (auth.genericOauth && files.genericOauthClientSecret) {
        const o = auth.genericOauth;
        ini["auth.generic_oauth"] = {
            ...common(o),
            name: o.name,
            auth_url: o.authUrl,
            token_url: o.tokenUrl,
            scopes: list(o.scopes, " "),
            use_pkce: flag(o.usePkce),
            ...(o.apiUrl ? { api_url: o.apiUrl } : {}),
        };
        secretFiles["auth.generic_oauth"] = { client_secret: files.genericOauthClientSecret };
    }
    if (auth.github && files.githubClientSecret) {
        const o = auth.github;
        ini["auth.github"] = {
            ...common(o),
            ...(o.allowedOrganizations.length ? { allowed_organizations: list(o.allowedOrganizations, " ") } : {}),
            ...(o.teamIds.length ? { team_ids: list(o.teamIds) } : {}),
        };
        secretFiles["auth.github"] = { client_secret: files.githubClientSecret };
    }
    if (auth.google && files.googleClientSecret) {
        ini["auth.google"] = { ...common(auth.google), ...(auth.google.hostedDomain ? { hosted_domain: auth.google.hostedDomain } : {}) };
        secretFiles["auth.google"] = { client_secret: files.googleClientSecret };
    }
    if (auth.azuread && files.azureadClientSecret) {
        const o = auth.azuread;
        const base = `https://login.microsoftonline.com/${o.tenantId}/oauth2/v2.0`;
        ini["auth.azuread"] = {
            ...common(o),
            auth_url: `${base}/authorize`,
            token_url: `${base}/token`,
            ...(o.allowedGroups.length ? { allowed_groups: list(o.allowedGroups, " ") } : {}),
        };
        secretFiles["auth.azuread"] = { client_secret: files.azureadClientSecret };
    }
    if (auth.ldap && files.ldapConfig) {
        ini["auth.ldap"] = { enabled: "true", config_file: files.ldapConfig, allow_sign_up: flag(auth.ldap.allowSignUp) };
    }
    return { ini, files: secretFiles };
}

/** `GF_<SECTION>_<KEY>` as Grafana reads overrides from the environment. */
export function grafanaVariable(section: string, key: string, file = false): string {
    return `GF_${section.toUpperCase().replace(/[.-]/g, "_")}_${key.toUpperCase()}${file ? "__FILE" : ""}`;
}

/** The environment of the Grafana container: plain settings, and `__FILE` variables for the secrets. */
export function grafanaEnvironment(settings: { ini: GrafanaIni; files: GrafanaIni }): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [section, keys] of Object.entries(settings.ini)) for (const [k, value] of Object.entries(keys)) env[grafanaVariable(section, k)] = value;
    for (const [section, keys] of Object.entries(settings.files)) for (const [k, path] of Object.entries(keys)) env[grafanaVariable(section, k, true)] = path;
    return env;
}

/** A TOML basic string: JSON's escapes are valid TOML. */
const tomlString = (s: string): string => JSON.stringify(s);

/**
 * ldap.toml. The bind password stays in its file: Grafana expands `$__file{}` in ldap.toml when
 * it reads it (setting.ExpandVar), so the rendered text holds only the path.
 */
export function renderLdapToml(ldap: NonNullable<GrafanaSettings["auth"]["ldap"]>, bindPasswordFile: string): string {
    const lines = [
        "# Generated by the monitoring Pulumi program; edit monitoring:grafana.auth.ldap, not this file.",
        "[[servers]]",
        `host = ${tomlString(ldap.host)}`,
        `port = ${ldap.port}`,
        `use_ssl = ${ldap.useSsl}`,
        `start_tls = ${ldap.startTls}`,
        "ssl_skip_verify = false",
        `bind_dn = ${tomlString(ldap.bindDn)}`,
        `bind_password = ${tomlString(`$__file{${bindPasswordFile}}`)}`,
        `search_filter = ${tomlString(ldap.searchFilter)}`,
        `search_base_dns = [${ldap.searchBaseDns.map(tomlString).join(", ")}]`,
        "",
        "[servers.attributes]",
        'name = "givenName"',
        'surname = "sn"',
        'username = "uid"',
        'member_of = "memberOf"',
        'email = "mail"',
    ];
    for (const m of ldap.groupMappings) {
        lines.push(
            "",
            "[[servers.group_mappings]]",
            `group_dn = ${tomlString(m.groupDn)}`,
            `org_role = ${tomlString(m.orgRole)}`,
            `grafana_admin = ${m.grafanaAdmin}`,
        );
    }
    return `${lines.join("\n")}\n`;
}
