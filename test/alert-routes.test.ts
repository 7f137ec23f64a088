// Issue 11, part 1: receivers and routes as data, every credential as a file, and the render
// refusing alerts that reach no integration. Checked against the real amtool.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { ConfigError, loadConfig, objectConfigSource } from "../config";
import { matchRoutes } from "../config/alert-routing";
import { raisableAlerts } from "../config/alert-delivery";
import { AlertmanagerFixture } from "./support/amtool";
import { renderToDir } from "./support/render";
import { requireTool } from "./support/tools";

const SLACK = "https://hooks.slack.com/services/T/B/X";
const PD_KEY = "0123456789abcdef0123456789abcdef";
const load = (values: Record<string, unknown>, stack = "test") => loadConfig(objectConfigSource(values), stack);

function configError(fn: () => unknown, key: string, ...parts: string[]): void {
    assert.throws(fn, (err: unknown) => {
        assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
        assert.ok(err.message.startsWith(`monitoring:${key}:`), err.message);
        for (const part of parts) assert.ok(err.message.includes(part), `"${err.message}" should say ${part}`);
        return true;
    });
}

/** One receiver with every integration Alertmanager reads a credential file for. */
const EVERY_INTEGRATION = {
    slackWebhookUrl: SLACK,
    pagerdutyRoutingKey: PD_KEY,
    smtpPassword: "smtp",
    webhookUrl: "https://sms.example.com/hook",
    receiverSecrets: {
        "team-slack": "https://hooks.slack.com/services/T2/B2/Y", token: "bearer-token", password: "basic-password",
        teams: "https://example.webhook.office.com/x", teams2: "https://prod.workflows.example.com/x", opsgenie: "og-key",
        telegram: "123:abc", discord: "https://discord.com/api/webhooks/1/x", pd: PD_KEY, smtp: "smtp2",
    },
    alerting: {
        slack: {},
        email: { to: ["oncall@example.com", "lead@example.com"], from: "alerts@example.com", smarthost: "smtp.example.com:587", username: "alerts" },
        pagerduty: { url: "https://events.eu.pagerduty.com/v2/enqueue" },
        webhook: {},
        receivers: {
            everything: {
                slack_configs: [{ channel: "#team" }, { channel: "#other-workspace", api_url_secret: "team-slack" }],
                email_configs: [{ to: "team@example.com" }, { to: ["a@example.com"], smarthost: "mail.example.com:25", from: "x@example.com", auth_username: "u", auth_password_secret: "smtp" }],
                pagerduty_configs: [{}, { routing_key_secret: "pd", url: "https://events.eu.pagerduty.com/v2/enqueue", severity: "error" }],
                webhook_configs: [
                    { url_secret: "teams", http_config: { authorization: { credentials_secret: "token" } } },
                    { http_config: { basic_auth: { username: "am", password_secret: "password" } }, max_alerts: 10 },
                ],
                msteams_configs: [{ webhook_url_secret: "teams" }],
                msteamsv2_configs: [{ webhook_url_secret: "teams2" }],
                opsgenie_configs: [{ api_key_secret: "opsgenie", priority: "P2" }],
                telegram_configs: [{ bot_token_secret: "telegram", chat_id: -1001234 }],
                discord_configs: [{ webhook_url_secret: "discord" }],
            },
            "null": {},
        },
        time_intervals: [{ name: "weekends", time_intervals: [{ weekdays: ["saturday", "sunday"] }] }],
        routes: [
            { matchers: ['team="everything"'], receiver: "everything", group_by: ["alertname"], group_wait: "0s", mute_time_intervals: ["weekends"] },
            { matchers: ['alertname="Noise"'], receiver: "null" },
        ],
    },
};

describe("alerting: receivers and routes as data", () => {
    it("renders every integration with its credential as a *_file, which amtool check-config accepts", function () {
        const amtool = requireTool(this, "amtool");
        const fixture = new AlertmanagerFixture(load(EVERY_INTEGRATION).alerting);
        try {
            assert.strictEqual(fixture.check(amtool), undefined);
            const doc = yaml.load(fixture.text) as { receivers: Record<string, any>[] };
            const everything = doc.receivers.find((r) => r.name === "everything")!;
            const fileFields = JSON.stringify(everything).match(/"[a-z_]+_file"/g) ?? [];
            assert.deepStrictEqual([...new Set(fileFields)].sort(), [
                '"api_key_file"', '"api_url_file"', '"auth_password_file"', '"bot_token_file"', '"credentials_file"',
                '"password_file"', '"routing_key_file"', '"url_file"', '"webhook_url_file"',
            ]);
            assert.strictEqual(everything.email_configs[0].to, "team@example.com");
            assert.strictEqual(everything.email_configs[0].smarthost, "smtp.example.com:587", "takes the stack's SMTP settings");
            assert.strictEqual(everything.webhook_configs[0].http_config.authorization.type, "Bearer");
            for (const value of Object.values(EVERY_INTEGRATION.receiverSecrets)) assert.ok(!fixture.text.includes(value), "a secret is in alertmanager.yml");
            const critical = doc.receivers.find((r) => r.name === "critical")!;
            assert.deepStrictEqual(critical.email_configs[0].to, "oncall@example.com, lead@example.com");
            assert.strictEqual(critical.pagerduty_configs[0].url, "https://events.eu.pagerduty.com/v2/enqueue");
        } finally {
            fixture.dispose();
        }
    });

    it("mounts each credential once as a secret file of Alertmanager", async () => {
        const out = await renderToDir("dev", EVERY_INTEGRATION);
        try {
            const am = out.rendered.resources.find((r: { type: string; inputs: unknown }) => r.type === "docker:index/container:Container" && (r.inputs as any).name?.endsWith("alertmanager"));
            const uploads = ((am?.inputs as any)?.uploads ?? []) as { file: string }[];
            const files = uploads.map((u) => u.file).filter((f) => f.includes("/secrets/receiver-")).sort();
            assert.deepStrictEqual(files, Object.keys(EVERY_INTEGRATION.receiverSecrets).sort().map((n) => `/etc/alertmanager/secrets/receiver-${n}`));
        } finally {
            fs.rmSync(path.dirname(out.dir), { recursive: true, force: true });
        }
    });

    it("refuses a credential written into the stack file, and a secret name that is not set", () => {
        const base = { alerting: { receivers: { r: { webhook_configs: [{ url: "https://x.example.com" }] } } } };
        configError(() => load(base), "alerting.receivers.r.webhook_configs[0].url", "would put a credential into alertmanager.yml", "url_secret");
        configError(() => load({ alerting: { receivers: { r: { slack_configs: [{ api_url_file: "/x" }] } } } }), "alerting.receivers.r.slack_configs[0].api_url_file");
        configError(() => load({ alerting: { receivers: { r: { opsgenie_configs: [{ api_key_secret: "og" }] } } } }),
            "alerting.receivers.r.opsgenie_configs[0].api_key_secret", "no secret \"og\" in monitoring:receiverSecrets");
        configError(() => load({ alerting: { receivers: { r: { discord_configs: [{}] } } } }), "alerting.receivers.r.discord_configs[0].webhook_url_secret", "is missing");
        configError(() => load({ alerting: { receivers: { r: { slack_configs: [{ channel: "#x" }] } } } }), "alerting.receivers.r.slack_configs[0].api_url_secret", "monitoring:slackWebhookUrl");
        configError(() => load({ alerting: { receivers: { r: { telegram_configs: [{ chat_id: 1, chatid: 2 }] } } } }), "alerting.receivers.r.telegram_configs[0].chatid", "unknown telegram field");
        configError(() => load({ alerting: { receivers: { critical: {} } } }), "alerting.receivers.critical", "the stack's own receiver");
        configError(() => load({ receiverSecrets: "just-a-string" }), "receiverSecrets", "not a map");
    });

    it("refuses routes that name no receiver, malformed matchers and durations, unknown time intervals", () => {
        const routes = (route: Record<string, unknown>) => load({ slackWebhookUrl: SLACK, alerting: { receivers: { x: {} }, routes: [route] } });
        configError(() => routes({ matchers: ['a="b"'], receiver: "nobody" }), "alerting.routes[0].receiver", "no receiver \"nobody\"");
        configError(() => routes({ matchers: ["severity business"], receiver: "x" }), "alerting.routes[0].matchers[0]", "is not a matcher");
        configError(() => routes({ matchers: ['team=~"(unclosed"'], receiver: "x" }), "alerting.routes[0].matchers[0]");
        configError(() => routes({ receiver: "x" }), "alerting.routes[0].matchers", "would take every alert");
        configError(() => routes({ matchers: ['a="b"'], receiver: "x", group_interval: "0s" }), "alerting.routes[0].group_interval", "above zero");
        configError(() => routes({ matchers: ['a="b"'], receiver: "x", repeat_interval: "1h30" }), "alerting.routes[0].repeat_interval");
        configError(() => routes({ matchers: ['a="b"'], receiver: "x", mute_time_intervals: ["nights"] }), "alerting.routes[0].mute_time_intervals[0]", "no time interval");
        configError(() => routes({ matchers: ['a="b"'], receiver: "x", routes: [{ matchers: ["x"] }] }), "alerting.routes[0].routes[0].matchers[0]");
    });

    it("inhibits TargetDown while JobDown fires for the same job, and only for that job", () => {
        const fixture = new AlertmanagerFixture(load({}).alerting);
        try {
            const doc = yaml.load(fixture.text) as { inhibit_rules: { source_matchers: string[]; target_matchers: string[]; equal: string[] }[] };
            assert.deepStrictEqual(doc.inhibit_rules.filter((r) => r.target_matchers.includes('alertname="TargetDown"')),
                [{ source_matchers: ['alertname="JobDown"'], target_matchers: ['alertname="TargetDown"'], equal: ["job"] }]);
        } finally {
            fixture.dispose();
        }
    });

    it("lets each severity default pick its integrations: Slack kept off criticals", () => {
        const { alerting } = load({ slackWebhookUrl: SLACK, pagerdutyRoutingKey: PD_KEY, alerting: { slack: { severities: ["warning", "info"] } } });
        const kinds = (name: string) => alerting.receivers.find((r) => r.name === name)!.integrations.map((i) => i.kind);
        assert.deepStrictEqual([kinds("critical"), kinds("warning"), kinds("info")], [["pagerduty"], ["slack"], ["slack"]]);
    });
});

describe("alerting: every alert the stack can raise reaches an integration", () => {
    let dir: string;
    const rules = (severity: string) => {
        const file = path.join(dir, "business.yml");
        fs.writeFileSync(file, yaml.dump({ groups: [{ name: "business", rules: [{ alert: "GiftCreationLow", expr: "vector(1)", labels: { severity, team: "growth" } }] }] }));
        return [file];
    };
    beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), "delivery-")); });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("refuses a business alert that only reaches the empty default receiver, naming the alert and its labels", () => {
        configError(() => load({ slackWebhookUrl: SLACK, ruleFiles: rules("business") }), "alerting.routes",
            'alert GiftCreationLow {alertname="GiftCreationLow", severity="business", team="growth", stack="test"}',
            "business.yml", 'receiver "default"', `matchers: ['severity="business"']`);
    });

    it("accepts it once a route sends it to a receiver with an integration, or on purpose to an empty one", () => {
        const receivers = { business: { slack_configs: [{ channel: "#business" }] } };
        load({ slackWebhookUrl: SLACK, ruleFiles: rules("business"), alerting: { receivers, routes: [{ matchers: ['severity="business"'], receiver: "business" }] } });
        load({ slackWebhookUrl: SLACK, ruleFiles: rules("business"), alerting: { receivers: { "ui-only": {} }, routes: [{ matchers: ['team="growth"'], receiver: "ui-only" }] } });
    });

    it("refuses a built-in severity left without integrations, and a severity an override gives", () => {
        configError(() => load({ pagerdutyRoutingKey: PD_KEY }), "alerting.routes", 'severity="warning"', 'receiver "warning"');
        configError(() => load({ slackWebhookUrl: SLACK, alerting: { slack: { severities: ["critical", "warning"] } } }), "alerting.routes", 'severity="info"');
    });

    it("leaves the default stack alone: with no integration at all, alerts are for the UI", () => {
        load({ ruleFiles: rules("business") });
    });

    it("does not count alerts turned off", () => {
        const offInfo = Object.fromEntries(
            raisableAlerts({ ...load({}), externalLabels: {} }).filter((a) => a.labels.severity === "info").map((a) => [a.labels.alertname, { enabled: false }]));
        load({ slackWebhookUrl: SLACK, alerting: { slack: { severities: ["critical", "warning"] } }, thresholds: { alerts: offInfo } });
    });
});

describe("alerting: the offline routing walk agrees with amtool config routes test", () => {
    it("sends every raisable alert, and hand-picked label sets, to the receivers amtool names", function () {
        const amtool = requireTool(this, "amtool");
        const config = load(EVERY_INTEGRATION);
        const fixture = new AlertmanagerFixture(config.alerting);
        try {
            const labelSets = [
                ...raisableAlerts({ ...config, externalLabels: { stack: "test" } }).map((a) => a.labels),
                { alertname: "X", severity: "critical", team: "everything" },
                { alertname: "Noise", severity: "critical" },
                { alertname: "Y", severity: "critical", notify_sms: "true" },
                { alertname: "Z", severity: "business" },
                { alertname: "Watchdog", severity: "info", team: "everything" },
            ];
            let compared = 0;
            for (const labels of labelSets) {
                const ours = matchRoutes(config.alerting.route, labels).map((r) => r.receiver);
                assert.deepStrictEqual(ours, fixture.routes(amtool, labels), JSON.stringify(labels));
                compared++;
            }
            assert.ok(compared > 80, `only ${compared} label sets compared`);
        } finally {
            fixture.dispose();
        }
    });
});
