// monitoring:alerting: the severity defaults (slack, email, pagerduty, webhook blocks), the user's
// receivers and routes, built into the one route tree and receiver list alertmanager.yml gets.
import { RouteNode } from "./alert-routing";
import { ConfigError } from "./errors";
import { EmailDefaults, Integration, readReceivers, ReceiverModel, SecretLookup } from "./receivers";
import { readRoutes, readTimeIntervals } from "./routes";
import { Secrets, SingleSecretKey } from "./secrets";
import { AlertingConfig, Severity, SEVERITIES } from "./types";
import * as v from "./validate";

const DEFAULT_CHANNELS: Record<Severity, string> = {
    critical: "#alerts-critical",
    warning: "#alerts-warnings",
    info: "#alerts-general",
};

/** The receiver every alert of this severity reaches when no user route takes it first. */
export const severityReceiver = (severity: Severity): string => severity;
export const SMS_RECEIVER = "sms";
/** Watchdog fires forever by design; it must reach Alertmanager (the smoke test checks) but page nobody. */
export const WATCHDOG_RECEIVER = "watchdog";
export const DEFAULT_RECEIVER = "default";

function severities(key: string, raw: unknown, fallback: Severity[]): Severity[] {
    return v.optional(raw, fallback, (x) => v.list(key, x, (k, s) => v.oneOf(k, s, SEVERITIES)));
}

function channel(key: string, raw: unknown): string {
    const name = v.string(key, raw);
    if (!/^[#@]?[a-z0-9][a-z0-9._-]{0,79}$/.test(name)) {
        throw new ConfigError(key, `${JSON.stringify(name)} is not a Slack channel; use e.g. #alerts-critical`);
    }
    return name;
}

/** An integration block is on when its secret is set; the block only tunes it, and is an error without the secret. */
function requireSecret(secrets: Secrets, block: string, secret: SingleSecretKey, present: boolean): void {
    if (present && !secrets[secret]) {
        throw new ConfigError(
            secret,
            `is required when monitoring:alerting.${block} is set; run: pulumi config set --secret monitoring:${secret} <value>`,
        );
    }
}

const FIELDS = ["slack", "email", "pagerduty", "webhook", "route", "receivers", "routes", "time_intervals"];

export function readAlerting(raw: unknown, secrets: Secrets): AlertingConfig {
    const key = "alerting";
    const obj = v.fields(key, raw ?? {}, FIELDS);

    requireSecret(secrets, "slack", "slackWebhookUrl", obj.slack !== undefined);
    requireSecret(secrets, "pagerduty", "pagerdutyRoutingKey", obj.pagerduty !== undefined);
    requireSecret(secrets, "webhook", "webhookUrl", obj.webhook !== undefined);

    const email = obj.email === undefined ? undefined : readEmail(`${key}.email`, obj.email, secrets);
    const lookup: SecretLookup = {
        stack: new Set(Object.entries(secrets).filter(([k, value]) => k !== "receivers" && value).map(([k]) => k)),
        receiver: secrets.receivers === "opaque" ? undefined : new Set(secrets.receivers?.keys() ?? []),
    };
    const defaults = severityDefaults(key, obj, secrets, email);
    const user = readReceivers(`${key}.receivers`, obj.receivers, lookup, email);
    const timeIntervals = readTimeIntervals(`${key}.time_intervals`, obj.time_intervals);
    const builtIn: ReceiverModel[] = [
        { name: DEFAULT_RECEIVER, integrations: [] },
        ...(user.some((r) => r.name === WATCHDOG_RECEIVER) ? [] : [{ name: WATCHDOG_RECEIVER, integrations: [] }]),
        ...(defaults.sms ? [defaults.sms] : []),
        ...defaults.bySeverity,
    ];
    const receivers = [...builtIn, ...user];
    const userRoutes = readRoutes(`${key}.routes`, obj.routes, receivers.map((r) => r.name), timeIntervals.map((t) => t.name));
    const settings = readRouteSettings(`${key}.route`, obj.route);

    const route: RouteNode = {
        receiver: DEFAULT_RECEIVER,
        group_by: settings.groupBy,
        group_wait: settings.groupWait,
        group_interval: settings.groupInterval,
        repeat_interval: settings.repeatInterval,
        routes: [
            { receiver: WATCHDOG_RECEIVER, matchers: ['alertname="Watchdog"'], repeat_interval: "1h" },
            // `continue` so an SMS-flagged alert also reaches its severity's receiver.
            ...(defaults.sms ? [{ receiver: SMS_RECEIVER, matchers: defaults.smsMatchers, continue: true }] : []),
            ...userRoutes,
            ...SEVERITIES.map((s) => ({ receiver: severityReceiver(s), matchers: [`severity="${s}"`] })),
        ],
    };
    return {
        receivers,
        route,
        timeIntervals,
        // Deliberately silent: the Watchdog's own receiver, and receivers the user declared without integrations.
        silentReceivers: [WATCHDOG_RECEIVER, ...user.filter((r) => r.integrations.length === 0).map((r) => r.name)],
    };
}

function readRouteSettings(key: string, raw: unknown) {
    const obj = v.fields(key, raw ?? {}, ["groupBy", "groupWait", "groupInterval", "repeatInterval"]);
    return {
        groupBy: v.optional(obj.groupBy, ["alertname", "job", "severity"], (x) => v.list(`${key}.groupBy`, x, v.labelName, { nonEmpty: true })),
        groupWait: v.optional(obj.groupWait, "30s", (x) => v.duration(`${key}.groupWait`, x)),
        groupInterval: v.optional(obj.groupInterval, "5m", (x) => v.duration(`${key}.groupInterval`, x)),
        repeatInterval: v.optional(obj.repeatInterval, "4h", (x) => v.duration(`${key}.repeatInterval`, x)),
    };
}

/** The receivers `critical`, `warning`, `info` (and `sms`) from the slack, email, pagerduty and webhook blocks. */
function severityDefaults(key: string, obj: Record<string, unknown>, secrets: Secrets, email?: EmailSettings) {
    const slackRaw = v.fields(`${key}.slack`, obj.slack ?? {}, ["channels", "severities"]);
    const channelsRaw = v.fields(`${key}.slack.channels`, slackRaw.channels ?? {}, SEVERITIES);
    const slackSeverities = severities(`${key}.slack.severities`, slackRaw.severities, [...SEVERITIES]);
    const pdRaw = v.fields(`${key}.pagerduty`, obj.pagerduty ?? {}, ["severities", "url"]);
    const pdSeverities = severities(`${key}.pagerduty.severities`, pdRaw.severities, ["critical"]);
    const pdUrl = v.optional(pdRaw.url, undefined, (x) => v.url(`${key}.pagerduty.url`, x, ["https", "http"]));
    const webhookRaw = v.fields(`${key}.webhook`, obj.webhook ?? {}, ["matchers"]);

    const bySeverity = SEVERITIES.map((severity): ReceiverModel => {
        const integrations: Integration[] = [];
        if (secrets.slackWebhookUrl && slackSeverities.includes(severity)) {
            const channelKey = `${key}.slack.channels.${severity}`;
            integrations.push({
                kind: "slack",
                fields: { channel: v.optional(channelsRaw[severity], DEFAULT_CHANNELS[severity], (x) => channel(channelKey, x)) },
                files: { api_url_file: "stack:slackWebhookUrl" },
            });
        }
        if (email?.severities.includes(severity)) {
            integrations.push({
                kind: "email",
                fields: {
                    to: email.to.join(", "), from: email.from, smarthost: email.smarthost, require_tls: email.requireTls,
                    ...(email.username ? { auth_username: email.username } : {}),
                },
                files: email.username ? { auth_password_file: "stack:smtpPassword" } : {},
            });
        }
        if (secrets.pagerdutyRoutingKey && pdSeverities.includes(severity)) {
            integrations.push({
                kind: "pagerduty",
                fields: { severity, ...(pdUrl ? { url: pdUrl } : {}) },
                files: { routing_key_file: "stack:pagerdutyRoutingKey" },
            });
        }
        return { name: severityReceiver(severity), integrations };
    });
    const smsMatchers = v.optional(webhookRaw.matchers, ['notify_sms="true"'], (x) =>
        v.list(`${key}.webhook.matchers`, x, v.matcher, { nonEmpty: true }));
    const sms: ReceiverModel | undefined = secrets.webhookUrl
        ? { name: SMS_RECEIVER, integrations: [{ kind: "webhook", fields: {}, files: { url_file: "stack:webhookUrl" } }] }
        : undefined;
    return { bySeverity, sms, smsMatchers };
}

interface EmailSettings extends EmailDefaults {
    readonly to: string[];
    readonly severities: Severity[];
}

function readEmail(key: string, raw: unknown, secrets: Secrets): EmailSettings {
    const obj = v.fields(key, raw, ["to", "from", "smarthost", "username", "requireTls", "severities"]);
    const username = v.optional(obj.username, undefined, (x) => v.string(`${key}.username`, x));
    if (username !== undefined && !secrets.smtpPassword) {
        throw new ConfigError(
            "smtpPassword",
            `is required when monitoring:${key}.username is set; run: pulumi config set --secret monitoring:smtpPassword <value>`,
        );
    }
    if (obj.to === undefined) throw new ConfigError(`${key}.to`, "is missing; give the address (or list of addresses) alerts go to");
    return {
        // One address, a comma-separated list, or a YAML list of addresses.
        to: typeof obj.to === "string" ? v.emailList(`${key}.to`, obj.to).split(", ") : v.list(`${key}.to`, obj.to, v.email, { nonEmpty: true }),
        from: v.email(`${key}.from`, obj.from),
        smarthost: v.hostPort(`${key}.smarthost`, obj.smarthost),
        username,
        requireTls: v.optional(obj.requireTls, true, (x) => v.boolean(`${key}.requireTls`, x)),
        severities: severities(`${key}.severities`, obj.severities, ["critical", "warning"]),
    };
}
