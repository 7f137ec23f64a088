import * as assert from "assert";
import * as yaml from "js-yaml";
import { loadConfig, objectConfigSource } from "../../config";
import { renderAlertmanagerConfig } from "../../components/render/alertmanager";
import { AlertmanagerDocument, describeReceiver, durationMs, matchRoutes, parseMatchers, RouteNode } from "../../config/alert-routing";


/** The route tree the stack deploys, with Slack, email for criticals, PagerDuty and the SMS webhook on. */
function stackConfig(): AlertmanagerDocument {
    const { alerting } = loadConfig(objectConfigSource({
        alerting: {
            slack: { channels: { critical: "#alerts-critical", warning: "#alerts-warnings", info: "#alerts-general" } },
            email: { to: "oncall@example.com", from: "alerts@example.com", smarthost: "smtp.example.com:587", severities: ["critical"] },
            pagerduty: { severities: ["critical"] },
            webhook: { matchers: ['notify_sms="true"'] },
            route: { groupBy: ["alertname"] },
        },
        slackWebhookUrl: "https://hooks.slack.com/services/T/B/X",
        pagerdutyRoutingKey: "0123456789abcdef0123456789abcdef",
        webhookUrl: "https://sms.example.com/hook",
    }), "test");
    return yaml.load(renderAlertmanagerConfig(alerting, (secret) => `/s/${secret}`)) as AlertmanagerDocument;
}

function receivers(labels: Record<string, string>): string[] {
    return matchRoutes(stackConfig().route!, labels).map((r) => r.receiver);
}

describe("ops: which receivers an alert reaches (Alertmanager's routing, offline)", () => {
    it("sends an SMS-flagged critical to the SMS webhook and, through continue, to the critical receiver", () => {
        assert.deepStrictEqual(receivers({ alertname: "TestAlert", severity: "critical", notify_sms: "true" }), ["sms", "critical"]);
    });

    it("sends a warning without the SMS flag to the warning receiver only", () => {
        assert.deepStrictEqual(receivers({ alertname: "TestAlert", severity: "warning" }), ["warning"]);
    });

    it("stops at the Watchdog route: it does not page the info receiver", () => {
        assert.deepStrictEqual(receivers({ alertname: "Watchdog", severity: "info" }), ["watchdog"]);
    });

    it("falls back to the root receiver when no route matches", () => {
        assert.deepStrictEqual(receivers({ alertname: "X", severity: "debug" }), ["default"]);
    });

    it("inherits group_wait from the parent unless a route sets its own", () => {
        const root: RouteNode = {
            receiver: "root",
            group_wait: "10s",
            routes: [
                { receiver: "a", matchers: ['team=~"pay|ops"'], group_wait: "1m", continue: true },
                { receiver: "b", match: { severity: "critical" } },
                { receiver: "c" },
            ],
        };
        const matched = matchRoutes(root, { team: "ops", severity: "critical" });
        assert.deepStrictEqual(
            matched.map((r) => [r.receiver, r.groupWaitMs]),
            [["a", 60_000], ["b", 10_000]],
        );
        assert.deepStrictEqual(matchRoutes({ receiver: "root" }, {}).map((r) => r.groupWait), ["30s"]);
    });

    it("reads Alertmanager's matcher syntaxes", () => {
        assert.deepStrictEqual(parseMatchers('{severity="critical", team!~"a|b"}'), [
            { name: "severity", op: "=", value: "critical" },
            { name: "team", op: "!~", value: "a|b" },
        ]);
        assert.deepStrictEqual(parseMatchers("notify_sms=true"), [{ name: "notify_sms", op: "=", value: "true" }]);
        assert.deepStrictEqual(parseMatchers('msg!="a, \\"b\\""'), [{ name: "msg", op: "!=", value: 'a, "b"' }]);
        assert.throws(() => parseMatchers("not a matcher"), /not a matcher/);
    });

    it("reads durations and describes receivers without any URL or key", () => {
        assert.strictEqual(durationMs("1m30s"), 90_000);
        assert.throws(() => durationMs("30 seconds"), /not a duration/);
        const config = stackConfig();
        const critical = config.receivers!.find((r) => r.name === "critical");
        assert.strictEqual(describeReceiver(critical), "slack #alerts-critical, email oncall@example.com, pagerduty");
        assert.strictEqual(describeReceiver(config.receivers!.find((r) => r.name === "sms")), "webhook");
        assert.match(describeReceiver({ name: "default" }), /only shows in the Alertmanager UI/);
    });
});
