import * as assert from "assert";
import { ConfigError, loadConfig, objectConfigSource } from "../config";

function load(values: Record<string, unknown>) {
    return loadConfig(objectConfigSource(values), "test");
}

/** [what is wrong, config values, the key the error must name] */
const BAD_INPUTS: [string, Record<string, unknown>, string][] = [
    ["unknown platform", { platform: "nomad" }, "monitoring:platform"],
    ["bind address not an IP", { bindAddress: "localhost" }, "monitoring:bindAddress"],
    ["bind address out of range", { bindAddress: "127.0.0.300" }, "monitoring:bindAddress"],
    ["port not a number", { ports: { grafana: "three thousand" } }, "monitoring:ports.grafana"],
    ["port out of range", { ports: { prometheus: 70000 } }, "monitoring:ports.prometheus"],
    ["two services on one port", { ports: { prometheus: 3000, grafana: 3000 } }, "monitoring:ports"],
    ["unknown port key", { ports: { prometheous: 9090 } }, "monitoring:ports.prometheous"],
    ["scrape interval without unit", { scrapeInterval: "15" }, "monitoring:scrapeInterval"],
    ["evaluation interval zero", { evaluationInterval: "0s" }, "monitoring:evaluationInterval"],
    ["retention size with a space", { retention: { size: "50 GB" } }, "monitoring:retention.size"],
    ["retention time not a duration", { retention: { time: "a month" } }, "monitoring:retention.time"],
    ["targets not a list", { targets: { job: "app" } }, "monitoring:targets"],
    ["target without job", { targets: [{ targets: ["app:8080"] }] }, "monitoring:targets[0].job"],
    ["target without port", { targets: [{ job: "app", targets: ["app"] }] }, "monitoring:targets[0].targets[0]"],
    ["target with a URL", { targets: [{ job: "app", targets: ["http://app:8080"] }] }, "monitoring:targets[0].targets[0]"],
    ["target list empty", { targets: [{ job: "app", targets: [] }] }, "monitoring:targets[0].targets"],
    [
        "duplicate job",
        {
            targets: [
                { job: "app", targets: ["a:1"] },
                { job: "app", targets: ["b:1"] },
            ],
        },
        "monitoring:targets",
    ],
    ["per-job interval bad", { targets: [{ job: "app", targets: ["a:1"], interval: "10 s" }] }, "monitoring:targets[0].interval"],
    ["metrics path without slash", { targets: [{ job: "app", targets: ["a:1"], metricsPath: "metrics" }] }, "monitoring:targets[0].metricsPath"],
    ["job name with spaces", { targets: [{ job: "my app", targets: ["a:1"] }] }, "monitoring:targets[0].job"],
    ["slack block without webhook secret", { alerting: { slack: {} } }, "monitoring:slackWebhookUrl"],
    [
        "slack channel with spaces",
        { slackWebhookUrl: "https://hooks.example.com/x", alerting: { slack: { channels: { critical: "alerts critical" } } } },
        "monitoring:alerting.slack.channels.critical",
    ],
    ["email without recipient", { alerting: { email: { from: "a@example.com", smarthost: "smtp.example.com:587" } } }, "monitoring:alerting.email.to"],
    [
        "email smarthost without port",
        { alerting: { email: { to: "a@example.com", from: "b@example.com", smarthost: "smtp.example.com" } } },
        "monitoring:alerting.email.smarthost",
    ],
    [
        "email auth without password",
        { alerting: { email: { to: "a@example.com", from: "b@example.com", smarthost: "smtp.example.com:587", username: "alerts" } } },
        "monitoring:smtpPassword",
    ],
    [
        "webhook matcher malformed",
        { webhookUrl: "https://sms.example.com/hook", alerting: { webhook: { matchers: ["notify_sms=true"] } } },
        "monitoring:alerting.webhook.matchers[0]",
    ],
    [
        "pagerduty severity unknown",
        { pagerdutyRoutingKey: "0123456789abcdef0123456789abcdef", alerting: { pagerduty: { severities: ["page"] } } },
        "monitoring:alerting.pagerduty.severities[0]",
    ],
    ["group wait not a duration", { alerting: { route: { groupWait: "soon" } } }, "monitoring:alerting.route.groupWait"],
    ["unknown alerting key", { alerting: { teams: {} } }, "monitoring:alerting.teams"],
    ["slack webhook not https", { slackWebhookUrl: "hooks.slack.com/services/x" }, "monitoring:slackWebhookUrl"],
    ["postgres DSN not a DSN", { postgresDsn: "host=db user=x" }, "monitoring:postgresDsn"],
    ["replicas zero", { prometheus: { replicas: 0 } }, "monitoring:prometheus.replicas"],
    ["storage size not a quantity", { prometheus: { storageSize: "50 gigs" } }, "monitoring:prometheus.storageSize"],
    ["alertmanager retention bad", { alertmanager: { retention: "5 days" } }, "monitoring:alertmanager.retention"],
    ["threshold not a number", { thresholds: { httpErrorRatePercent: "five" } }, "monitoring:thresholds.httpErrorRatePercent"],
    ["threshold negative", { thresholds: { httpErrorRatePercent: -1 } }, "monitoring:thresholds.httpErrorRatePercent"],
    ["external label name invalid", { prometheus: { externalLabels: { "my-label": "x" } } }, "monitoring:prometheus.externalLabels.my-label"],
];

describe("config: validation", () => {
    it(`has at least 20 bad inputs in its table (${BAD_INPUTS.length})`, () => {
        assert.ok(BAD_INPUTS.length >= 20);
    });

    for (const [what, values, key] of BAD_INPUTS) {
        it(`rejects ${what}, naming ${key}`, () => {
            assert.throws(
                () => load(values),
                (err: unknown) => {
                    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
                    assert.ok(err.message.startsWith(`${key}:`), `"${err.message}" should start with "${key}:"`);
                    return true;
                },
            );
        });
    }

    it("never shows a secret value in its error", () => {
        const dsn = "not-a-dsn-Sup3rS3cretValue";
        assert.throws(
            () => load({ postgresDsn: dsn }),
            (err: Error) => !err.message.includes("Sup3rS3cretValue"),
        );
    });

    it("says how to write a size", () => {
        assert.throws(() => load({ retention: { size: "50 GB" } }), {
            message: 'monitoring:retention.size: "50 GB" is not a size; use e.g. 50GB',
        });
    });
});

describe("config: defaults", () => {
    const config = load({});

    it("runs on Docker, published on 127.0.0.1 only", () => {
        assert.strictEqual(config.platform, "docker");
        assert.strictEqual(config.bindAddress, "127.0.0.1");
    });

    it("uses ports that do not collide with the user's apps", () => {
        assert.deepStrictEqual(config.ports, { prometheus: 19090, alertmanager: 19093, grafana: 13000, loki: 13100 });
    });

    it("scrapes and evaluates every 15s and keeps 15 days or 10GB", () => {
        assert.strictEqual(config.scrapeInterval, "15s");
        assert.strictEqual(config.evaluationInterval, "15s");
        assert.deepStrictEqual(config.retention, { time: "15d", size: "10GB" });
    });

    it("has no integrations and no secrets until the user sets them", () => {
        assert.deepStrictEqual(
            config.alerting.receivers.flatMap((r) => r.integrations),
            [],
        );
        assert.deepStrictEqual(
            Object.entries(config.secrets).filter(([key, value]) => value !== undefined && key !== "exporters"),
            [],
        );
        assert.strictEqual(config.secrets.exporters.size, 0);
    });

    it("groups by alert, job and severity and keeps Alertmanager data 120h", () => {
        const { routes: _, ...root } = config.alerting.route;
        assert.deepStrictEqual(root, {
            receiver: "default",
            group_by: ["alertname", "job", "severity"],
            group_wait: "30s",
            group_interval: "5m",
            repeat_interval: "4h",
        });
        assert.strictEqual(config.alertmanager.retention, "120h");
    });

    it("runs one replica of each service, no admin API", () => {
        assert.strictEqual(config.prometheus.replicas, 1);
        assert.strictEqual(config.alertmanager.replicas, 1);
        assert.strictEqual(config.grafana.replicas, 1);
        assert.strictEqual(config.prometheus.adminApi, false);
        assert.deepStrictEqual(config.targets, []);
    });
});

describe("config: receivers", () => {
    it("turns Slack on with one channel per severity when the webhook secret is set", () => {
        const config = load({ slackWebhookUrl: "https://hooks.slack.com/services/T/B/X" });
        const channels = Object.fromEntries(
            config.alerting.receivers.flatMap((r) => r.integrations.filter((i) => i.kind === "slack").map((i) => [r.name, i.fields.channel])),
        );
        assert.deepStrictEqual(channels, {
            critical: "#alerts-critical",
            warning: "#alerts-warnings",
            info: "#alerts-general",
        });
    });

    it('selects the SMS webhook with notify_sms="true" by default', () => {
        const config = load({ webhookUrl: "https://sms.example.com/hook", slackWebhookUrl: "https://hooks.slack.com/services/T/B/X" });
        assert.deepStrictEqual(config.alerting.route.routes?.find((r) => r.receiver === "sms")?.matchers, ['notify_sms="true"']);
    });

    it("reads per-job intervals and paths of the user's targets", () => {
        const config = load({ targets: [{ job: "payflux", targets: ["host.docker.internal:8080"], interval: "10s", metricsPath: "/m" }] });
        assert.deepStrictEqual(config.targets[0], {
            job: "payflux",
            targets: ["host.docker.internal:8080"],
            interval: "10s",
            metricsPath: "/m",
            relabelConfigs: [],
            metricRelabelConfigs: [],
            scheme: "http",
            labels: {},
        });
    });
});

describe("config: unknown keys", () => {
    it("rejects a misspelt top-level key, naming it", () => {
        assert.throws(() => load({ retension: { time: "30d" } }), { message: /^monitoring:retension: unknown key/ });
    });
});
