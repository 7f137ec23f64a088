import { ConfigError } from "./errors";
import { Secrets } from "./secrets";
import { AlertingConfig, Severity, SEVERITIES } from "./types";
import * as v from "./validate";

const DEFAULT_CHANNELS: Record<Severity, string> = {
    critical: "#alerts-critical",
    warning: "#alerts-warnings",
    info: "#alerts-general",
};

function severities(key: string, raw: unknown, fallback: Severity[]): Severity[] {
    return v.optional(raw, fallback, (x) => v.list(key, x, (k, s) => v.oneOf(k, s, SEVERITIES), { nonEmpty: true }));
}

function channel(key: string, raw: unknown): string {
    const name = v.string(key, raw);
    if (!/^[#@]?[a-z0-9][a-z0-9._-]{0,79}$/.test(name)) {
        throw new ConfigError(key, `${JSON.stringify(name)} is not a Slack channel; use e.g. #alerts-critical`);
    }
    return name;
}

/** An integration is on when its secret is set; its block only tunes it, and is an error without the secret. */
function requireSecret(secrets: Secrets, block: string, secret: keyof Secrets, present: boolean): void {
    if (present && !secrets[secret]) {
        throw new ConfigError(
            secret,
            `is required when monitoring:alerting.${block} is set; run: pulumi config set --secret monitoring:${secret} <value>`,
        );
    }
}

export function readAlerting(raw: unknown, secrets: Secrets): AlertingConfig {
    const key = "alerting";
    const obj = v.fields(key, raw ?? {}, ["slack", "email", "pagerduty", "webhook", "route"]);

    requireSecret(secrets, "slack", "slackWebhookUrl", obj.slack !== undefined);
    requireSecret(secrets, "pagerduty", "pagerdutyRoutingKey", obj.pagerduty !== undefined);
    requireSecret(secrets, "webhook", "webhookUrl", obj.webhook !== undefined);

    const slackRaw = v.fields(`${key}.slack`, obj.slack ?? {}, ["channels"]);
    const channelsRaw = v.fields(`${key}.slack.channels`, slackRaw.channels ?? {}, SEVERITIES);
    const channels = Object.fromEntries(
        SEVERITIES.map((s) => [s, v.optional(channelsRaw[s], DEFAULT_CHANNELS[s], (x) => channel(`${key}.slack.channels.${s}`, x))]),
    ) as Record<Severity, string>;

    const email = obj.email === undefined ? undefined : readEmail(`${key}.email`, obj.email, secrets);

    const pdRaw = v.fields(`${key}.pagerduty`, obj.pagerduty ?? {}, ["severities"]);
    const webhookRaw = v.fields(`${key}.webhook`, obj.webhook ?? {}, ["matchers"]);

    const routeRaw = v.fields(`${key}.route`, obj.route ?? {}, ["groupBy", "groupWait", "groupInterval", "repeatInterval"]);
    const route = {
        groupBy: v.optional(routeRaw.groupBy, ["alertname", "job", "severity"], (x) =>
            v.list(`${key}.route.groupBy`, x, v.labelName, { nonEmpty: true }),
        ),
        groupWait: v.optional(routeRaw.groupWait, "30s", (x) => v.duration(`${key}.route.groupWait`, x)),
        groupInterval: v.optional(routeRaw.groupInterval, "5m", (x) => v.duration(`${key}.route.groupInterval`, x)),
        repeatInterval: v.optional(routeRaw.repeatInterval, "4h", (x) => v.duration(`${key}.route.repeatInterval`, x)),
    };

    return {
        slack: secrets.slackWebhookUrl ? { channels } : undefined,
        email,
        pagerduty: secrets.pagerdutyRoutingKey
            ? { severities: severities(`${key}.pagerduty.severities`, pdRaw.severities, ["critical"]) }
            : undefined,
        webhook: secrets.webhookUrl
            ? {
                  matchers: v.optional(webhookRaw.matchers, ['notify_sms="true"'], (x) =>
                      v.list(`${key}.webhook.matchers`, x, v.matcher, { nonEmpty: true }),
                  ),
              }
            : undefined,
        route,
    };
}

function readEmail(key: string, raw: unknown, secrets: Secrets): AlertingConfig["email"] {
    const obj = v.fields(key, raw, ["to", "from", "smarthost", "username", "requireTls", "severities"]);
    const username = v.optional(obj.username, undefined, (x) => v.string(`${key}.username`, x));
    if (username !== undefined && !secrets.smtpPassword) {
        throw new ConfigError(
            "smtpPassword",
            `is required when monitoring:${key}.username is set; run: pulumi config set --secret monitoring:smtpPassword <value>`,
        );
    }
    return {
        to: v.emailList(`${key}.to`, obj.to),
        from: v.email(`${key}.from`, obj.from),
        smarthost: v.hostPort(`${key}.smarthost`, obj.smarthost),
        username,
        requireTls: v.optional(obj.requireTls, true, (x) => v.boolean(`${key}.requireTls`, x)),
        severities: severities(`${key}.severities`, obj.severities, ["critical", "warning"]),
    };
}
