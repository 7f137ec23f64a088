// A local HTTPS server standing in for Slack, the SMS webhook and PagerDuty: it records every
// notification Alertmanager posts. HTTPS because monitoring:slackWebhookUrl must be https://;
// Alertmanager trusts its self-signed certificate through SSL_CERT_FILE, not through any config.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as https from "https";
import * as net from "net";
import * as path from "path";

/** The integrations Alertmanager can post to, by the path of the receiver they use; `team` is a user receiver's webhook. */
export type Integration = "slack" | "sms" | "pagerduty" | "team";
/** Paths that receive Alertmanager's webhook payload. */
const WEBHOOKS: readonly Integration[] = ["sms", "team"];

/** One POST Alertmanager made, parsed. */
export interface Notification {
    readonly integration: Integration;
    /** ms since epoch, when it arrived. */
    readonly at: number;
    /** HTTP status the receiver answered. */
    readonly status: number;
    readonly body: Record<string, unknown>;
    /** The Authorization header Alertmanager sent, if any. */
    readonly authorization?: string;
}

/** What tests read off a Slack message or a webhook call. */
export interface NotificationSummary {
    readonly integration: Integration;
    readonly at: number;
    readonly status: number;
    /** `firing` or `resolved`. */
    readonly state: string;
    /** The Slack channel (Slack only). */
    readonly channel?: string;
    /** Alert names the message is about. */
    readonly alertnames: string[];
    readonly text: string;
}

/** A self-signed certificate for 127.0.0.1, made with openssl. */
export function makeLoopbackCertificate(dir: string): { certFile: string; keyFile: string } {
    const certFile = path.join(dir, "receiver.crt");
    const keyFile = path.join(dir, "receiver.key");
    execFileSync("openssl", [
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", keyFile, "-out", certFile, "-days", "2", "-subj", "/CN=127.0.0.1",
        "-addext", "subjectAltName=IP:127.0.0.1", "-addext", "basicConstraints=critical,CA:TRUE",
    ], { stdio: "ignore" });
    return { certFile, keyFile };
}

export class NotificationReceiver {
    public readonly received: Notification[] = [];
    private server?: https.Server;
    private port = 0;
    /** Until this time, answers 500 to the integrations listed in `failing`. */
    private failUntil = 0;
    private failing = new Set<Integration>();

    constructor(private readonly tls: { certFile: string; keyFile: string }) {}

    async start(): Promise<void> {
        this.server = https.createServer(
            { cert: fs.readFileSync(this.tls.certFile), key: fs.readFileSync(this.tls.keyFile) },
            (req, res) => {
                const chunks: Buffer[] = [];
                req.on("data", (c: Buffer) => chunks.push(c));
                req.on("end", () => {
                    const integration = (req.url ?? "").split("/")[1] as Integration;
                    const status = this.failing.has(integration) && Date.now() < this.failUntil ? 500 : 200;
                    let body: Record<string, unknown> = {};
                    try {
                        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
                    } catch {
                        body = { raw: Buffer.concat(chunks).toString("utf8") };
                    }
                    this.received.push({ integration, at: Date.now(), status, body, authorization: req.headers.authorization });
                    res.writeHead(status, { "content-type": "text/plain" });
                    res.end(status === 200 ? "ok" : "failing on purpose");
                });
            },
        );
        await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", () => resolve()));
        this.port = (this.server.address() as net.AddressInfo).port;
    }

    async stop(): Promise<void> {
        if (!this.server) return;
        this.server.closeAllConnections();
        await new Promise((resolve) => this.server!.close(resolve));
        this.server = undefined;
    }

    /** The URL to give the stack for an integration. */
    url(integration: Integration): string {
        return `https://127.0.0.1:${this.port}/${integration}`;
    }

    /** Answer 500 to `integrations` for `ms` milliseconds, 200 afterwards. */
    failFor(ms: number, integrations: Integration[]): void {
        this.failing = new Set(integrations);
        this.failUntil = Date.now() + ms;
    }

    /** Every notification accepted (status 200) or attempted, summarised. */
    summaries(options: { acceptedOnly?: boolean } = {}): NotificationSummary[] {
        return this.received
            .filter((n) => !options.acceptedOnly || n.status === 200)
            .map(summarise);
    }

    /** Accepted notifications about `alertname`, optionally only one integration / state. */
    about(alertname: string, filter: { integration?: Integration; state?: string } = {}): NotificationSummary[] {
        return this.summaries({ acceptedOnly: true }).filter(
            (n) =>
                n.alertnames.includes(alertname) &&
                (!filter.integration || n.integration === filter.integration) &&
                (!filter.state || n.state === filter.state),
        );
    }

    /** A short listing of everything received, for failure messages. */
    describe(): string {
        const lines = this.summaries().map(
            (n) => `${new Date(n.at).toISOString()} ${n.status} ${n.integration} ${n.channel ?? ""} ${n.state} ${n.alertnames.join(",")}`,
        );
        return `--- notifications received (${lines.length}):\n${lines.slice(-40).join("\n")}`;
    }
}

function summarise(n: Notification): NotificationSummary {
    const body = n.body as Record<string, any>;
    if (WEBHOOKS.includes(n.integration)) {
        // Alertmanager's webhook payload: status, alerts[].labels.
        const alerts = (body.alerts ?? []) as { labels: Record<string, string> }[];
        return {
            integration: n.integration, at: n.at, status: n.status, state: String(body.status ?? ""),
            alertnames: unique(alerts.map((a) => a.labels.alertname)), text: JSON.stringify(body.commonLabels ?? {}),
        };
    }
    if (n.integration === "pagerduty") {
        const labels = (body.payload?.custom_details?.firing ?? "") as string;
        return {
            integration: n.integration, at: n.at, status: n.status,
            state: body.event_action === "resolve" ? "resolved" : "firing",
            alertnames: unique([...labels.matchAll(/alertname = (\S+)/g)].map((m) => m[1])), text: String(body.payload?.summary ?? ""),
        };
    }
    // Slack: the title our template renders is `[FIRING:1] AlertName (job)` / `[RESOLVED] AlertName (job)`.
    const attachment = ((body.attachments ?? []) as Record<string, string>[])[0] ?? {};
    const title = attachment.title ?? "";
    const match = /^\[(FIRING|RESOLVED)(?::\d+)?\]\s+(\S+)/.exec(title);
    return {
        integration: n.integration, at: n.at, status: n.status,
        state: match ? match[1].toLowerCase() : "",
        channel: body.channel as string | undefined,
        alertnames: match ? [match[2]] : [],
        text: `${title}\n${attachment.text ?? ""}`,
    };
}

function unique(values: string[]): string[] {
    return [...new Set(values)];
}
