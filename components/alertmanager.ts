import * as pulumi from "@pulumi/pulumi";
import { AlertmanagerConfig, AlertingConfig, Secrets } from "../config";
import { goDuration } from "../config/units";
import { portOf } from "../config/endpoints";
import { IMAGES } from "./images";
import { BASIC_AUTH_USER, GeneratedPassword, generatePassword } from "./passwords";
import { FileSpec, OutboundSpec, Platform, ServiceSpec, ServiceTls } from "./platform/spec";
import { SCRAPED_BY_PROMETHEUS } from "./flows";
import { SecretId } from "../config/receivers";
import { renderAlertmanagerConfig, renderNotificationTemplates, TEMPLATES_DIR } from "./render/alertmanager";
import { renderProbeClientConfig, renderWebConfig } from "./render/prometheus";
import { renderClusterTlsConfig } from "./render/tls";

export const ALERTMANAGER_PORT = 9093;
export const ALERTMANAGER_CLUSTER_PORT = 9094;
const SECRETS_DIR = "/etc/alertmanager/secrets";
const TLS_DIR = "/etc/alertmanager/tls";
const ADMIN_PASSWORD_FILE = `${SECRETS_DIR}/admin_password`;
/** Client config of the health checks (names the password file, holds no secret). */
const PROBE_CLIENT_FILE = "/etc/alertmanager/probe.yml";
const CLUSTER_TLS_FILE = `${TLS_DIR}/cluster.yml`;
/** The stack-wide receiver secrets, under the file names they have always had. */
const STACK_SECRET_FILES: Record<string, string> = {
    slackWebhookUrl: "slack_webhook_url",
    smtpPassword: "smtp_password",
    pagerdutyRoutingKey: "pagerduty_routing_key",
    webhookUrl: "webhook_url",
};

/** Where a receiver credential is mounted: `stack:slackWebhookUrl` or `receiver:<name in monitoring:receiverSecrets>`. */
export function alertmanagerSecretFile(secret: SecretId): string {
    const [scope, name] = secret.split(/:(.*)/s);
    return `${SECRETS_DIR}/${scope === "stack" ? (STACK_SECRET_FILES[name] ?? name) : `receiver-${name}`}`;
}

export interface AlertmanagerArgs {
    /** Receivers and routes, already validated. */
    readonly alerting: AlertingConfig;
    /** Replicas, storage and retention. */
    readonly settings: AlertmanagerConfig;
    /** Receiver credentials (Slack, SMTP, PagerDuty, webhook), mounted as files. */
    readonly secrets: Secrets;
    /** Host port the UI is published on (Docker). */
    readonly hostPort: number;
    /** Where the workload runs. */
    readonly platform: Platform;
}

/** Alertmanager: routes alerts by severity to Slack, email, PagerDuty and an SMS webhook. */
export class Alertmanager extends pulumi.ComponentResource {
    public readonly url: pulumi.Output<string>;
    /** Basic-auth password for the UI and API (user `admin`). */
    public readonly password: pulumi.Output<string>;
    /** `host:port` of every replica, for Prometheus' alerting endpoints. */
    public readonly endpoints: string[];

    constructor(name: string, args: AlertmanagerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monitoring:index:Alertmanager", name, {}, opts);
        const { platform, settings } = args;
        const auth = generatePassword(`${name}-password`, this);
        this.password = auth.password;
        this.endpoints = platform.replicaAddresses("alertmanager", settings.replicas, ALERTMANAGER_PORT);

        const tls = platform.serviceTls?.("alertmanager", TLS_DIR, this);
        const svc = platform.deploy(alertmanagerSpec(args, auth, tls), { parent: this });
        this.url = svc.url ?? pulumi.output(`http://${platform.addressOf("alertmanager", ALERTMANAGER_PORT)}`);
        this.registerOutputs({ url: this.url, password: this.password });
    }
}

/** Every credential a receiver reads, once each, as a secret file. */
function secretFiles(alerting: AlertingConfig, secrets: Secrets): FileSpec[] {
    const used = new Set(alerting.receivers.flatMap((r) => r.integrations.flatMap((i) => Object.values(i.files))));
    return [...used].map((secret) => ({ path: alertmanagerSecretFile(secret), content: secretValue(secret, secrets), secret: true }));
}

function secretValue(secret: SecretId, secrets: Secrets): pulumi.Output<string> {
    const [scope, name] = secret.split(/:(.*)/s);
    const value =
        scope === "stack"
            ? secrets[name as keyof Omit<Secrets, "receivers" | "targets" | "exporters">]
            : secrets.receivers === "opaque"
              ? pulumi.secret("encrypted")
              : secrets.receivers?.get(name);
    // Config loading checked every reference; a miss here is a bug, not a user mistake.
    if (!value) throw new Error(`receiver secret ${secret} is referenced but not set`);
    return value;
}

/** Receivers on the internet: HTTPS (Slack, PagerDuty, webhooks) and SMTP (submission, plain and each smarthost's own port). */
function receiverPorts(alerting: AlertingConfig): OutboundSpec[] {
    const smarthosts = alerting.receivers
        .flatMap((r) => r.integrations)
        .filter((i) => i.kind === "email")
        .map((i) => portOf(String(i.fields.smarthost)));
    const ports = [...new Set([443, 587, 25, ...smarthosts])];
    return ports.map((port) => ({ port, external: true }));
}

function alertmanagerSpec(args: AlertmanagerArgs, auth: GeneratedPassword, tls?: ServiceTls): ServiceSpec {
    const { platform, settings } = args;
    const clustered = settings.replicas > 1;
    const peers = clustered ? platform.replicaAddresses("alertmanager", settings.replicas, ALERTMANAGER_CLUSTER_PORT) : [];
    // Gossip over mutual TLS (TCP only) whenever the platform certifies the replicas.
    const clusterTls = clustered && tls ? tls : undefined;
    return {
        name: "alertmanager",
        image: IMAGES.alertmanager,
        kind: "statefulset",
        replicas: settings.replicas,
        args: [
            "--config.file=/etc/alertmanager/alertmanager.yml",
            "--web.config.file=/etc/alertmanager/web.yml",
            "--storage.path=/alertmanager",
            // A Go duration flag: no d, w or y.
            `--data.retention=${goDuration(settings.retention)}`,
            `--web.listen-address=:${ALERTMANAGER_PORT}`,
            // An empty listen address turns gossip off for a single replica.
            `--cluster.listen-address=${clustered ? `0.0.0.0:${ALERTMANAGER_CLUSTER_PORT}` : ""}`,
            ...peers.map((peer) => `--cluster.peer=${peer}`),
            ...(clusterTls ? [`--cluster.tls-config=${CLUSTER_TLS_FILE}`] : []),
        ],
        ports: [
            { name: "http", port: ALERTMANAGER_PORT, expose: { hostPort: args.hostPort }, tls: Boolean(tls) },
            ...(clustered ? [{ name: "cluster", port: ALERTMANAGER_CLUSTER_PORT, tls: Boolean(clusterTls) }] : []),
        ],
        files: [
            { path: "/etc/alertmanager/alertmanager.yml", content: renderAlertmanagerConfig(args.alerting, alertmanagerSecretFile), hotReload: true },
            { path: `${TEMPLATES_DIR}/monitoring.tmpl`, content: renderNotificationTemplates(), hotReload: true },
            {
                path: "/etc/alertmanager/web.yml",
                content: auth.bcryptHash.apply((hash) => renderWebConfig({ [BASIC_AUTH_USER]: hash }, tls)),
                secret: true,
            },
            // The plain password, for the health checks' client config.
            { path: ADMIN_PASSWORD_FILE, content: auth.password, secret: true },
            ...secretFiles(args.alerting, args.secrets),
            ...(tls?.files ?? []),
            ...(clusterTls ? [{ path: CLUSTER_TLS_FILE, content: renderClusterTlsConfig(clusterTls) }] : []),
            { path: PROBE_CLIENT_FILE, content: renderProbeClientConfig(BASIC_AUTH_USER, ADMIN_PASSWORD_FILE, tls?.caFile) },
        ],
        inbound: [SCRAPED_BY_PROMETHEUS],
        outbound: receiverPorts(args.alerting),
        data: { path: "/alertmanager", size: settings.storageSize },
        health: {
            path: "/-/healthy",
            port: ALERTMANAGER_PORT,
            basicAuthPasswordFile: ADMIN_PASSWORD_FILE,
            // amtool reads the password from the file its client config names: nothing secret in its arguments.
            execProbe: {
                live: [
                    "amtool",
                    `--alertmanager.url=${tls ? "https" : "http"}://127.0.0.1:${ALERTMANAGER_PORT}`,
                    `--http.config.file=${PROBE_CLIENT_FILE}`,
                    "cluster",
                    "show",
                ],
            },
        },
        // Alertmanager re-reads alertmanager.yml and its templates on SIGHUP.
        reload: { process: "alertmanager" },
        peerPort: clustered ? ALERTMANAGER_CLUSTER_PORT : undefined,
        user: "65534:65534",
        readOnlyRootFilesystem: true,
        resources: { cpuRequest: "50m", memoryRequest: "64Mi", cpuLimit: "500m", memoryLimit: "256Mi" },
    };
}
