import * as pulumi from "@pulumi/pulumi";
import { GrafanaConfig, Secrets } from "../config";
import { BuiltInDashboard, DashboardFolder } from "../config/dashboards";
import { HttpConfig } from "../config/http";
import { ALERTMANAGER_PORT } from "./alertmanager";
import { GRAFANA_DATABASE_NAME, GRAFANA_DATABASE_SERVICE, GrafanaDatabase } from "./grafana-database";
import { IMAGES } from "./images";
import { generatePassword } from "./passwords";
import { portOf } from "../config/endpoints";
import { FileSpec, OutboundSpec, Platform, ServiceSpec, ServiceTls } from "./platform/spec";
import { SCRAPED_BY_PROMETHEUS } from "./flows";
import { PROMETHEUS_PORT } from "./prometheus";
import { renderBuiltInDashboards, userDashboardDirs } from "./render/dashboards";
import { renderDashboardProviders, renderGrafanaDatasources } from "./render/grafana";
import { grafanaEnvironment, grafanaSettings, renderLdapToml } from "./render/grafana-settings";
import { GRAFANA_SECRET_KEYS } from "../config/grafana";

export const GRAFANA_PORT = 3000;
const SECRETS_DIR = "/etc/grafana/secrets";
const DASHBOARDS_DIR = "/etc/grafana/dashboards";
const USER_DASHBOARDS_DIR = "/etc/grafana/user-dashboards";
const TLS_DIR = "/etc/grafana/tls";
const SECRET_FILES = {
    adminPassword: `${SECRETS_DIR}/admin_password`,
    prometheusPassword: `${SECRETS_DIR}/prometheus_password`,
    alertmanagerPassword: `${SECRETS_DIR}/alertmanager_password`,
    databaseUrl: `${SECRETS_DIR}/database_url`,
    databasePassword: `${SECRETS_DIR}/database_password`,
    metricsPassword: `${SECRETS_DIR}/metrics_password`,
    smtpPassword: `${SECRETS_DIR}/smtp_password`,
    genericOauthClientSecret: `${SECRETS_DIR}/generic_oauth_client_secret`,
    githubClientSecret: `${SECRETS_DIR}/github_client_secret`,
    googleClientSecret: `${SECRETS_DIR}/google_client_secret`,
    azureadClientSecret: `${SECRETS_DIR}/azuread_client_secret`,
    ldapBindPassword: `${SECRETS_DIR}/ldap_bind_password`,
};
const LDAP_CONFIG = "/etc/grafana/ldap/ldap.toml";

export interface GrafanaArgs {
    readonly settings: GrafanaConfig;
    /** Host port the UI is published on (Docker). */
    readonly hostPort: number;
    /** Passwords of the datasources Grafana queries. */
    readonly prometheusPassword: pulumi.Output<string>;
    readonly alertmanagerPassword: pulumi.Output<string>;
    /** Basic-auth password Prometheus scrapes Grafana's /metrics with (user `prometheus`). */
    readonly metricsPassword: pulumi.Output<string>;
    /** Loki's `host:port` when logs are on; adds the Loki datasource. */
    readonly lokiAddress?: string;
    /** The built-in dashboards of what runs, and the user's folders (`monitoring:dashboards`). */
    readonly dashboards: { readonly builtIn: readonly BuiltInDashboard[]; readonly user: readonly DashboardFolder[] };
    /** The HTTP names the RED dashboard follows. */
    readonly http: HttpConfig;
    /** Prometheus' scrape interval, the datasource's `timeInterval`. */
    readonly scrapeInterval: string;
    /** `grafanaDatabaseUrl` for a shared PostgreSQL database (needed for replicas > 1). */
    readonly secrets: Secrets;
    /** The stack's own PostgreSQL for Grafana, when no `grafanaDatabaseUrl` is given (Kubernetes). */
    readonly ownDatabase?: GrafanaDatabase;
    readonly platform: Platform;
}

/** Grafana with provisioned datasources (fixed UIDs) and the dashboards under dashboards/. */
export class Grafana extends pulumi.ComponentResource {
    public readonly url: pulumi.Output<string>;
    public readonly adminPassword: pulumi.Output<string>;

    constructor(name: string, args: GrafanaArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monitoring:index:Grafana", name, {}, opts);
        const admin = generatePassword(`${name}-admin-password`, this);
        this.adminPassword = admin.password;
        const tls = args.platform.serviceTls?.("grafana", TLS_DIR, this);
        const svc = args.platform.deploy(grafanaSpec(args, admin.password, tls), { parent: this });
        this.url = svc.url ?? pulumi.output(`http://${args.platform.addressOf("grafana", GRAFANA_PORT)}`);
        this.registerOutputs({ url: this.url, adminPassword: this.adminPassword });
    }
}

/**
 * Provisioning files and dashboards: everything Grafana reads that is not a secret. `caFile`:
 * Prometheus, Alertmanager and Loki serve TLS signed by this CA.
 */
export function grafanaProvisioningFiles(
    args: Pick<GrafanaArgs, "platform" | "lokiAddress" | "dashboards" | "http" | "scrapeInterval">,
    caFile?: string,
): FileSpec[] {
    const { platform } = args;
    const scheme = caFile ? "https" : "http";
    // Dashboards are polled by Grafana's file provider: an edit needs no restart (hot reload).
    const builtIn = renderBuiltInDashboards(args.dashboards.builtIn, args.http).map((d) => ({
        path: `${DASHBOARDS_DIR}/${d.path}`,
        content: d.content,
        hotReload: true,
    }));
    const user = userDashboardDirs(args.dashboards.user);
    const userFiles = user.flatMap((u) =>
        u.files.map((d) => ({
            path: `${USER_DASHBOARDS_DIR}/${u.dir}/${d.path}`,
            content: d.content,
            hotReload: true,
        })),
    );
    const providers = [
        { name: "monitoring", path: DASHBOARDS_DIR },
        ...user.map((u) => ({ name: `user-${u.dir}`, folder: u.folder, path: `${USER_DASHBOARDS_DIR}/${u.dir}` })),
    ];
    return [
        {
            path: "/etc/grafana/provisioning/datasources/datasources.yml",
            content: renderGrafanaDatasources({
                prometheusUrl: `${scheme}://${platform.addressOf("prometheus", PROMETHEUS_PORT)}`,
                alertmanagerUrl: `${scheme}://${platform.addressOf("alertmanager", ALERTMANAGER_PORT)}`,
                lokiUrl: args.lokiAddress ? `${scheme}://${args.lokiAddress}` : undefined,
                scrapeInterval: args.scrapeInterval,
                prometheusPasswordFile: SECRET_FILES.prometheusPassword,
                alertmanagerPasswordFile: SECRET_FILES.alertmanagerPassword,
                caFile,
            }),
        },
        { path: "/etc/grafana/provisioning/dashboards/dashboards.yml", content: renderDashboardProviders(providers) },
        ...builtIn,
        ...userFiles,
    ];
}

/**
 * Grafana's own PostgreSQL: host, role and password file, over TLS verified with the CA (verify-full)
 * when the database serves it.
 */
function ownDatabaseEnv(db: GrafanaDatabase, tls?: ServiceTls): Record<string, string> {
    return {
        GF_DATABASE_TYPE: "postgres",
        GF_DATABASE_HOST: db.address,
        GF_DATABASE_NAME: GRAFANA_DATABASE_NAME,
        GF_DATABASE_USER: GRAFANA_DATABASE_NAME,
        GF_DATABASE_PASSWORD__FILE: SECRET_FILES.databasePassword,
        ...(tls && db.tlsServerName
            ? { GF_DATABASE_SSL_MODE: "verify-full", GF_DATABASE_CA_CERT_PATH: tls.caFile, GF_DATABASE_SERVER_CERT_NAME: db.tlsServerName }
            : { GF_DATABASE_SSL_MODE: "disable" }),
    };
}

/** Secret files Grafana reads (`__FILE` variables, `$__file{}` in ldap.toml): one per secret the settings need. */
function settingsSecretFiles(args: GrafanaArgs): { path: string; content: pulumi.Output<string>; secret: true }[] {
    const { smtp, auth } = args.settings;
    const wanted: [boolean, string, pulumi.Output<string> | undefined][] = [
        [Boolean(smtp?.user), SECRET_FILES.smtpPassword, args.secrets[GRAFANA_SECRET_KEYS.smtp]],
        [Boolean(auth.genericOauth), SECRET_FILES.genericOauthClientSecret, args.secrets[GRAFANA_SECRET_KEYS.genericOauth]],
        [Boolean(auth.github), SECRET_FILES.githubClientSecret, args.secrets[GRAFANA_SECRET_KEYS.github]],
        [Boolean(auth.google), SECRET_FILES.googleClientSecret, args.secrets[GRAFANA_SECRET_KEYS.google]],
        [Boolean(auth.azuread), SECRET_FILES.azureadClientSecret, args.secrets[GRAFANA_SECRET_KEYS.azuread]],
        [Boolean(auth.ldap), SECRET_FILES.ldapBindPassword, args.secrets[GRAFANA_SECRET_KEYS.ldap]],
    ];
    return wanted.flatMap(([on, path, content]) => (on && content ? [{ path, content, secret: true as const }] : []));
}

/** Where Grafana's mail and sign-in settings connect to: SMTP, the OAuth providers (HTTPS), LDAP. */
function settingsOutbound(settings: GrafanaArgs["settings"]): OutboundSpec[] {
    const { smtp, auth } = settings;
    const oauth = [auth.genericOauth, auth.github, auth.google, auth.azuread].some(Boolean);
    return [
        ...(smtp ? [{ port: portOf(smtp.host), external: true }] : []),
        ...(oauth ? [{ port: 443, external: true }] : []),
        ...(auth.ldap ? [{ port: auth.ldap.port }] : []),
    ];
}

/**
 * Behind a TLS edge (the prod Ingress): links and redirects use the public URL, the session cookie
 * is sent over HTTPS only, and browsers are told to use nothing else (HSTS). Set first in the
 * environment so Grafana settings given by the user override them.
 */
function edgeSettings(publicUrl: string | undefined): Record<string, string> {
    if (!publicUrl) return {};
    return {
        GF_SERVER_ROOT_URL: publicUrl,
        GF_SECURITY_COOKIE_SECURE: "true",
        GF_SECURITY_COOKIE_SAMESITE: "lax",
        GF_SECURITY_STRICT_TRANSPORT_SECURITY: "true",
        GF_SECURITY_STRICT_TRANSPORT_SECURITY_MAX_AGE_SECONDS: "31536000",
    };
}

function grafanaSpec(args: GrafanaArgs, adminPassword: pulumi.Output<string>, tls?: ServiceTls): ServiceSpec {
    const database = args.secrets.grafanaDatabaseUrl;
    const own = database ? undefined : args.ownDatabase;
    const { smtp, auth } = args.settings;
    const settings = grafanaSettings(
        args.settings,
        {
            adminPassword: SECRET_FILES.adminPassword,
            metricsPassword: SECRET_FILES.metricsPassword,
            databaseUrl: database ? SECRET_FILES.databaseUrl : undefined,
            smtpPassword: smtp?.user ? SECRET_FILES.smtpPassword : undefined,
            genericOauthClientSecret: auth.genericOauth ? SECRET_FILES.genericOauthClientSecret : undefined,
            githubClientSecret: auth.github ? SECRET_FILES.githubClientSecret : undefined,
            googleClientSecret: auth.google ? SECRET_FILES.googleClientSecret : undefined,
            azureadClientSecret: auth.azuread ? SECRET_FILES.azureadClientSecret : undefined,
            ldapConfig: auth.ldap ? LDAP_CONFIG : undefined,
        },
        { tls },
    );
    return {
        name: "grafana",
        image: IMAGES.grafana,
        kind: "deployment",
        replicas: args.settings.replicas,
        env: {
            ...edgeSettings(args.platform.publicUrl?.("grafana")),
            ...grafanaEnvironment(settings),
            ...(own ? ownDatabaseEnv(own, tls) : {}),
        },
        ports: [{ name: "http", port: GRAFANA_PORT, expose: { hostPort: args.hostPort }, tls: Boolean(tls) }],
        files: [
            ...grafanaProvisioningFiles(args, tls?.caFile),
            { path: SECRET_FILES.adminPassword, content: adminPassword, secret: true },
            { path: SECRET_FILES.prometheusPassword, content: args.prometheusPassword, secret: true },
            { path: SECRET_FILES.alertmanagerPassword, content: args.alertmanagerPassword, secret: true },
            ...(database ? [{ path: SECRET_FILES.databaseUrl, content: database, secret: true }] : []),
            ...(own ? [{ path: SECRET_FILES.databasePassword, content: own.password, secret: true }] : []),
            { path: SECRET_FILES.metricsPassword, content: args.metricsPassword, secret: true },
            ...settingsSecretFiles(args),
            ...(auth.ldap ? [{ path: LDAP_CONFIG, content: renderLdapToml(auth.ldap, SECRET_FILES.ldapBindPassword) }] : []),
            ...(tls?.files ?? []),
        ],
        inbound: [SCRAPED_BY_PROMETHEUS],
        outbound: [
            // Datasources; Loki's takes effect only when logs are on.
            { service: "prometheus", why: "datasource" },
            { service: "alertmanager", why: "datasource" },
            { service: "loki", why: "datasource" },
            ...(own ? [{ service: GRAFANA_DATABASE_SERVICE, why: "Grafana's own database" }] : []),
            ...(database && args.settings.databasePort ? [{ port: args.settings.databasePort }] : []),
            ...settingsOutbound(args.settings),
        ],
        data: { path: "/var/lib/grafana", size: args.settings.storageSize },
        health: { path: "/api/health", port: GRAFANA_PORT },
        user: "472:0",
        readOnlyRootFilesystem: false,
        resources: { cpuRequest: "100m", memoryRequest: "256Mi", cpuLimit: "1", memoryLimit: "1Gi" },
    };
}
