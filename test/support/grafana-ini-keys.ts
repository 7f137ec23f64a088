// The grafana.ini keys of the sections the stack sets, copied from Grafana's own list of every
// setting with its default: conf/defaults.ini of github.com/grafana/grafana (stored snapshot,
// commit 002060fdada8ac00eda5e1cd8f24a780e2463b97, read through the project's code search; the
// full repository is too large to fetch at the v13.2.3 tag we pin in components/images.ts).
// Every key below is still documented for Grafana 12/13 ("Configure Grafana", and the SMTP,
// generic OAuth, GitHub, Google, Azure AD and LDAP pages). A GF_<SECTION>_<KEY> variable whose
// key is not listed here is a setting Grafana does not have: test/grafana-settings.test.ts fails.
export const GRAFANA_INI_SOURCE = "grafana/grafana conf/defaults.ini @ 002060fdada8ac00eda5e1cd8f24a780e2463b97";

export const GRAFANA_INI_KEYS: Readonly<Record<string, readonly string[]>> = {
    paths: ["data", "temp_data_lifetime", "logs", "plugins", "provisioning"],
    server: [
        "protocol", "http_addr", "http_port", "domain", "enforce_domain", "root_url", "serve_from_sub_path", "router_logging",
        "static_root_path", "enable_gzip", "cert_file", "cert_key", "socket", "cdn_url", "read_timeout",
    ],
    database: [
        "type", "host", "name", "user", "password", "url", "max_idle_conn", "max_open_conn", "conn_max_lifetime", "log_queries",
        "ssl_mode", "isolation_level", "ca_cert_path", "client_key_path", "client_cert_path", "server_cert_name", "path", "cache_mode",
        "locking_attempt_timeout_sec",
    ],
    analytics: ["reporting_enabled", "reporting_distributor", "check_for_updates", "check_for_plugin_updates", "feedback_links_enabled"],
    security: [
        "disable_initial_admin_creation", "admin_user", "admin_password", "admin_email", "secret_key", "encryption_provider",
        "available_encryption_providers", "disable_gravatar", "data_source_proxy_whitelist", "disable_brute_force_login_protection",
        "cookie_secure", "cookie_samesite", "allow_embedding", "strict_transport_security", "strict_transport_security_max_age_seconds",
        "strict_transport_security_preload", "strict_transport_security_subdomains", "x_content_type_options", "x_xss_protection",
        "content_security_policy", "content_security_policy_template",
    ],
    users: [
        "allow_sign_up", "allow_org_create", "auto_assign_org", "auto_assign_org_id", "auto_assign_org_role", "verify_email_enabled",
        "login_hint", "password_hint", "default_theme", "default_locale", "home_page", "viewers_can_edit", "editors_can_admin",
        "user_invite_max_lifetime_duration", "hidden_users",
    ],
    auth: [
        "login_cookie_name", "login_maximum_inactive_lifetime_duration", "login_maximum_lifetime_duration", "token_rotation_interval_minutes",
        "disable_login_form", "disable_signout_menu", "signout_redirect_url", "oauth_auto_login", "oauth_state_cookie_max_age",
        "oauth_skip_org_role_update_sync", "api_key_max_seconds_to_live", "sigv4_auth_enabled", "sigv4_verbose_logging", "azure_auth_enabled",
    ],
    "auth.anonymous": ["enabled", "org_name", "org_role", "hide_version"],
    "auth.github": [
        "enabled", "allow_sign_up", "client_id", "client_secret", "scopes", "auth_url", "token_url", "api_url", "allowed_domains",
        "team_ids", "allowed_organizations", "role_attribute_path", "role_attribute_strict", "allow_assign_grafana_admin",
    ],
    "auth.google": ["enabled", "allow_sign_up", "client_id", "client_secret", "scopes", "auth_url", "token_url", "api_url", "allowed_domains", "hosted_domain"],
    "auth.azuread": [
        "name", "enabled", "allow_sign_up", "client_id", "client_secret", "scopes", "auth_url", "token_url", "allowed_domains",
        "allowed_groups", "role_attribute_strict", "allow_assign_grafana_admin",
    ],
    "auth.generic_oauth": [
        "name", "icon", "enabled", "allow_sign_up", "client_id", "client_secret", "scopes", "empty_scopes", "email_attribute_name",
        "email_attribute_path", "login_attribute_path", "name_attribute_path", "role_attribute_path", "role_attribute_strict",
        "groups_attribute_path", "id_token_attribute_name", "team_ids_attribute_path", "auth_url", "token_url", "api_url", "teams_url",
        "allowed_domains", "team_ids", "allowed_organizations", "tls_skip_verify_insecure", "tls_client_cert", "tls_client_key",
        "tls_client_ca", "use_pkce", "auth_style", "allow_assign_grafana_admin",
    ],
    "auth.basic": ["enabled"],
    "auth.ldap": ["enabled", "config_file", "allow_sign_up", "sync_cron", "active_sync_enabled"],
    smtp: ["enabled", "host", "user", "password", "cert_file", "key_file", "skip_verify", "from_address", "from_name", "ehlo_identity", "startTLS_policy"],
    metrics: ["enabled", "interval_seconds", "disable_total_stats", "basic_auth_username", "basic_auth_password"],
};

/** The setting a GF_* variable overrides (Grafana upper-cases section and key, `.`/`-` become `_`), or undefined. */
export function iniKeyOf(variable: string): { section: string; key: string } | undefined {
    const name = variable.replace(/__FILE$/, "");
    for (const [section, keys] of Object.entries(GRAFANA_INI_KEYS)) {
        for (const key of keys) {
            if (name === `GF_${section.toUpperCase().replace(/[.-]/g, "_")}_${key.toUpperCase()}`) return { section, key };
        }
    }
    return undefined;
}
