import * as pulumi from "@pulumi/pulumi";
import { AlertmanagerConfig, AlertingConfig, Secrets } from "../config";
import { IMAGES } from "./images";
import { BASIC_AUTH_USER, GeneratedPassword, generatePassword } from "./passwords";
import { FileSpec, OutboundSpec, Platform, ServiceSpec, ServiceTls } from "./platform/spec";
import { AlertmanagerSecretFiles, renderAlertmanagerConfig, renderNotificationTemplates, TEMPLATES_DIR } from "./render/alertmanager";
import { renderWebConfig } from "./render/prometheus";

export const ALERTMANAGER_PORT = 9093;
export const ALERTMANAGER_CLUSTER_PORT = 9094;
const SECRETS_DIR = "/etc/alertmanager/secrets";
const TLS_DIR = "/etc/alertmanager/tls";
const ADMIN_PASSWORD_FILE = `${SECRETS_DIR}/admin_password`;
const SECRET_FILES: AlertmanagerSecretFiles = {
    slackWebhookUrl: `${SECRETS_DIR}/slack_webhook_url`,
    smtpPassword: `${SECRETS_DIR}/smtp_password`,
    pagerdutyRoutingKey: `${SECRETS_DIR}/pagerduty_routing_key`,
    webhookUrl: `${SECRETS_DIR}/webhook_url`,
};

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

function secretFiles(secrets: Secrets): FileSpec[] {
    const pairs: [pulumi.Output<string> | undefined, string][] = [
        [secrets.slackWebhookUrl, SECRET_FILES.slackWebhookUrl],
        [secrets.smtpPassword, SECRET_FILES.smtpPassword],
        [secrets.pagerdutyRoutingKey, SECRET_FILES.pagerdutyRoutingKey],
        [secrets.webhookUrl, SECRET_FILES.webhookUrl],
    ];
    return pairs.filter(([value]) => value !== undefined).map(([value, path]) => ({ path, content: value!, secret: true }));
}

/** Receivers on the internet: HTTPS (Slack, PagerDuty, webhooks) and SMTP (submission, plain and the smarthost's own port). */
function receiverPorts(alerting: AlertingConfig): OutboundSpec[] {
    const smarthost = alerting.email ? Number(alerting.email.smarthost.slice(alerting.email.smarthost.lastIndexOf(":") + 1)) : undefined;
    const ports = [...new Set([443, 587, 25, ...(smarthost ? [smarthost] : [])])];
    return ports.map((port) => ({ port, external: true }));
}

function alertmanagerSpec(args: AlertmanagerArgs, auth: GeneratedPassword, tls?: ServiceTls): ServiceSpec {
    const { platform, settings } = args;
    const clustered = settings.replicas > 1;
    const peers = clustered ? platform.replicaAddresses("alertmanager", settings.replicas, ALERTMANAGER_CLUSTER_PORT) : [];
    return {
        name: "alertmanager",
        image: IMAGES.alertmanager,
        kind: "statefulset",
        replicas: settings.replicas,
        args: [
            "--config.file=/etc/alertmanager/alertmanager.yml",
            "--web.config.file=/etc/alertmanager/web.yml",
            "--storage.path=/alertmanager",
            `--data.retention=${settings.retention}`,
            `--web.listen-address=:${ALERTMANAGER_PORT}`,
            // An empty listen address turns gossip off for a single replica.
            `--cluster.listen-address=${clustered ? `0.0.0.0:${ALERTMANAGER_CLUSTER_PORT}` : ""}`,
            ...peers.map((peer) => `--cluster.peer=${peer}`),
        ],
        ports: [
            { name: "http", port: ALERTMANAGER_PORT, expose: { hostPort: args.hostPort }, tls: Boolean(tls) },
            ...(clustered ? [{ name: "cluster", port: ALERTMANAGER_CLUSTER_PORT }] : []),
        ],
        files: [
            { path: "/etc/alertmanager/alertmanager.yml", content: renderAlertmanagerConfig(args.alerting, SECRET_FILES), hotReload: true },
            { path: `${TEMPLATES_DIR}/monitoring.tmpl`, content: renderNotificationTemplates(), hotReload: true },
            {
                path: "/etc/alertmanager/web.yml",
                content: auth.bcryptHash.apply((hash) => renderWebConfig({ [BASIC_AUTH_USER]: hash }, tls)),
                secret: true,
            },
            // The plain password, for the platform's health checks and reloader.
            { path: ADMIN_PASSWORD_FILE, content: auth.password, secret: true },
            ...secretFiles(args.secrets),
            ...(tls?.files ?? []),
        ],
        outbound: receiverPorts(args.alerting),
        data: { path: "/alertmanager", size: settings.storageSize },
        health: { path: "/-/healthy", readyPath: "/-/ready", port: ALERTMANAGER_PORT, basicAuthPasswordFile: ADMIN_PASSWORD_FILE },
        reload: { port: ALERTMANAGER_PORT, path: "/-/reload", basicAuthPasswordFile: ADMIN_PASSWORD_FILE },
        peerPort: clustered ? ALERTMANAGER_CLUSTER_PORT : undefined,
        user: "65534:65534",
        readOnlyRootFilesystem: true,
        resources: { cpuRequest: "50m", memoryRequest: "64Mi", cpuLimit: "500m", memoryLimit: "256Mi" },
    };
}
