// The generated dev configuration run with real Prometheus, Alertmanager, exporters, PostgreSQL
// and Redis on 127.0.0.1, broken on purpose. See docs/live-tests.md.
import * as assert from "assert";
import * as fs from "fs";
import * as yaml from "js-yaml";
import { requireTool } from "../support/tools";
import { activeTargets, alertmanagerAlerts, statusWith, vector } from "./api";
import { checkDashboards } from "./dashboards";
import { channelOf, suiteFailed, waitForNotification } from "./expect";
import { basicAuth } from "./harness";
import { sleep, waitFor } from "./processes";
import { CHANNELS, Scenario, TEAM_TOKEN } from "./scenario";

const TOOLS = ["prometheus", "alertmanager", "node_exporter", "postgres_exporter", "redis_exporter", "initdb", "postgres", "redis-server"];

describe("live: the generated dev stack on loopback", function () {
    this.timeout(60000);
    let sc: Scenario;

    before(async function () {
        this.timeout(120000);
        for (const tool of TOOLS) requireTool(this, tool);
        sc = await Scenario.start({ name: "main", databases: true });
    });

    after(async function () {
        await sc?.dispose(suiteFailed(this));
    });

    const prometheus = () => sc.stack.service("prometheus");
    const alertmanager = () => sc.stack.service("alertmanager");

    it("refuses Prometheus and Alertmanager requests without the password", async () => {
        for (const [service, path] of [
            [prometheus(), "/api/v1/query?query=up"],
            [alertmanager(), "/api/v2/status"],
        ] as const) {
            const url = `${service.url}${path}`;
            assert.strictEqual(await statusWith(url, {}), 401, `${service.id} answered without credentials`);
            assert.strictEqual(await statusWith(url, basicAuth("not-the-password")), 401, `${service.id} took a wrong password`);
            assert.strictEqual(await statusWith(url, basicAuth(service.password!)), 200, `${service.id} refused its own password`);
        }
    });

    it("brings every configured target to up == 1", async () => {
        const config = yaml.load(prometheus().file("/etc/prometheus/prometheus.yml")) as {
            scrape_configs: { job_name: string; static_configs?: { targets: string[] }[] }[];
        };
        // Grafana, Loki and Promtail have no binary here: their targets are reported, not required.
        const skipped = new Set(sc.stack.notRunnable.map((s) => s.spec.name));
        const expected = config.scrape_configs
            .flatMap((job) => (job.static_configs ?? []).flatMap((c) => c.targets.map((t) => ({ job: job.job_name, instance: t }))))
            .filter((t) => !skipped.has(sc.stack.platform.ownerOf(t.instance)?.service ?? ""));
        assert.ok(
            expected.some((t) => t.job === "postgres-exporter") && expected.some((t) => t.job === "redis-exporter"),
            `prometheus.yml scrapes no PostgreSQL or Redis exporter: ${expected.map((t) => t.job).join(", ")}`,
        );

        await waitFor(
            "every configured target to be up",
            async () => {
                const up = await vector(prometheus(), "up");
                const value = (t: { job: string; instance: string }) => up.find((s) => s.metric.job === t.job && s.metric.instance === t.instance)?.value[1];
                return expected.every((t) => value(t) === "1") ? true : undefined;
            },
            {
                timeoutMs: 30000,
                context: () => sc.context(),
            },
        ).catch(async (err) => {
            const targets = await activeTargets(prometheus()).catch(() => []);
            throw new Error(`${err.message}\ntargets: ${JSON.stringify(targets.map((t) => [t.scrapeUrl, t.health, t.lastError]))}`);
        });
    });

    it("reads PostgreSQL, MariaDB and Redis through their exporters: pg_up, mysql_up and redis_up are 1", async () => {
        for (const expr of ['pg_up{job="postgres-exporter"}', 'mysql_up{job="mysql-exporter"}', 'redis_up{job="redis-exporter"}']) {
            await waitFor(
                `${expr} == 1`,
                async () => {
                    const samples = await vector(prometheus(), expr);
                    return samples.length > 0 && samples.every((s) => s.value[1] === "1") ? true : undefined;
                },
                { timeoutMs: 20000, context: () => sc.context() },
            );
        }
    });

    it('sends alerts labelled notify_sms="true" to the SMS webhook, and no others', async () => {
        sc.app.set("sms", true);
        await waitForNotification(sc, "LiveSmsPage", { integration: "sms", state: "firing" });
        await waitForNotification(sc, "LiveSmsPage", { integration: "slack", state: "firing", channel: CHANNELS.critical });
        await waitForNotification(sc, "LiveSlackOnly", { integration: "slack", state: "firing", channel: CHANNELS.warning });
        sc.app.set("sms", false);
        const sms = sc.receiver.received.filter((n) => n.integration === "sms");
        for (const n of sms) {
            const alerts = (n.body.alerts ?? []) as { labels: Record<string, string> }[];
            for (const a of alerts) assert.strictEqual(a.labels.notify_sms, "true", `SMS got ${a.labels.alertname}\n${sc.receiver.describe()}`);
        }
    });

    it("sends a user-defined alert through a user route to its own webhook, bearer token from a file, and nowhere else", async () => {
        const config = alertmanager().file("/etc/alertmanager/alertmanager.yml");
        assert.ok(!config.includes(TEAM_TOKEN), "the bearer token is in alertmanager.yml");
        const tokenFile = (
            yaml.load(config) as { receivers: { name: string; webhook_configs?: { http_config: { authorization: { credentials_file: string } } }[] }[] }
        ).receivers.find((r) => r.name === "live-team")!.webhook_configs![0].http_config.authorization.credentials_file;
        // The live harness points container paths at the service's folder: this is the mounted file.
        assert.strictEqual(fs.readFileSync(tokenFile, "utf8"), TEAM_TOKEN);
        sc.app.set("team", true);
        const delivered = await waitForNotification(sc, "LiveTeamPage", { integration: "team", state: "firing" });
        const raw = sc.receiver.received.find((n) => n.integration === "team" && n.at === delivered.at)!;
        assert.strictEqual(raw.authorization, `Bearer ${TEAM_TOKEN}`);
        await sleep(3000); // several group intervals: any other receiver would have been sent to by now
        const elsewhere = sc.receiver.summaries().filter((n) => n.alertnames.includes("LiveTeamPage") && n.integration !== "team");
        assert.deepStrictEqual(elsewhere, [], `LiveTeamPage reached another integration\n${sc.receiver.describe()}`);
        sc.app.set("team", false);
    });

    it("does not send a warning that a critical of the same alertname and instance inhibits", async () => {
        sc.app.set("inhibit", true);
        await waitForNotification(sc, "LiveInhibition", { integration: "slack", state: "firing", channel: CHANNELS.critical });
        const suppressed = await waitFor(
            "Alertmanager to mark the warning inhibited",
            async () => {
                const alerts = await alertmanagerAlerts(alertmanager());
                return alerts.find((a) => a.labels.alertname === "LiveInhibition" && a.labels.severity === "warning" && a.status.inhibitedBy.length > 0);
            },
            { timeoutMs: 10000, context: () => sc.context() },
        );
        assert.strictEqual(suppressed.status.state, "suppressed");
        await sleep(4000); // several group intervals: a warning, had it not been inhibited, would be out by now
        const warnings = sc.receiver.about("LiveInhibition").filter((n) => n.channel === CHANNELS.warning);
        assert.deepStrictEqual(warnings, [], `the inhibited warning was sent\n${sc.receiver.describe()}`);
        sc.app.set("inhibit", false);
    });

    it("still delivers a notification when the receiver answers 500 for a while, then 200", async () => {
        const failMs = 8000;
        sc.receiver.failFor(failMs, ["slack"]);
        const start = Date.now();
        sc.app.set("retry", true);
        const delivered = await waitForNotification(sc, "LiveRetry", { integration: "slack", state: "firing", channel: channelOf(sc, "LiveRetry") }, 45000);
        const failed = sc.receiver.summaries().filter((n) => n.status === 500 && n.alertnames.includes("LiveRetry"));
        assert.ok(failed.length > 0, `the receiver never answered 500\n${sc.receiver.describe()}`);
        assert.ok(delivered.at >= start + failMs, "delivered while the receiver was still failing");
        sc.app.set("retry", false);
    });

    it("sends TargetDown to the Slack channel of its severity when node exporter stops, and the resolution when it is back", async () => {
        const nodeExporter = sc.stack.service("node-exporter");
        const channel = channelOf(sc, "TargetDown");
        const after = Date.now();
        await nodeExporter.stop();
        const firing = await waitForNotification(sc, "TargetDown", { integration: "slack", state: "firing", channel, mentions: "node-exporter", after });
        nodeExporter.start();
        await nodeExporter.ready();
        await waitForNotification(sc, "TargetDown", { integration: "slack", state: "resolved", channel, mentions: "node-exporter", after: firing.at });
    });

    it("fires PostgresDown when PostgreSQL stops, and resolves it when PostgreSQL is back", async () => {
        const channel = channelOf(sc, "PostgresDown");
        await sc.postgres!.stop();
        const firing = await waitForNotification(sc, "PostgresDown", { integration: "slack", state: "firing", channel });
        const pgUp = await vector(prometheus(), 'pg_up{job="postgres-exporter"}');
        assert.ok(pgUp.length > 0 && pgUp.every((s) => s.value[1] === "0"), JSON.stringify(pgUp));
        await sc.postgres!.start();
        await waitForNotification(sc, "PostgresDown", { integration: "slack", state: "resolved", channel, after: firing.at });
    });

    it("keeps samples written before Prometheus restarts", async () => {
        const expr = 'count_over_time(up{job="node-exporter"}[20s])';
        const at = Date.now() / 1000 - 1;
        const before = await vector(prometheus(), expr, at);
        assert.ok(before.length === 1 && Number(before[0].value[1]) > 0, `no samples before the restart: ${JSON.stringify(before)}`);
        await prometheus().stop();
        await assert.rejects(fetch(`${prometheus().url}/-/healthy`), "Prometheus still answers after stopping");
        prometheus().start();
        await prometheus().ready();
        // /-/healthy answers before the TSDB has replayed its WAL; queries wait for that.
        const after = await waitFor("Prometheus to answer queries again", () => vector(prometheus(), expr, at), {
            timeoutMs: 20000,
            context: () => sc.context(),
        });
        assert.deepStrictEqual(
            after.map((s) => s.value[1]),
            before.map((s) => s.value[1]),
            "samples from before the restart are gone",
        );
    });

    // Last: the stack has run a while, sent notifications and restarted, as a dashboard user would see it.
    it("runs every dashboard query without error, with data for the running components", async function () {
        // Earlier tests stop and restart exporters: on a loaded machine their series may take a few
        // scrapes to come back, so poll for a while before calling a panel empty.
        let { problems, required } = await checkDashboards(prometheus(), sc.stack);
        for (const deadline = Date.now() + 20000; problems.length > 0 && Date.now() < deadline;) {
            await sleep(1000);
            ({ problems, required } = await checkDashboards(prometheus(), sc.stack));
        }
        assert.deepStrictEqual(problems, [], problems.join("\n"));
        // The dashboards of what runs here must have been held to showing data, not skipped.
        for (const dashboard of [
            "infrastructure/host.json",
            "datastores/postgresql.json",
            "datastores/redis.json",
            "stack/prometheus.json",
            "stack/alertmanager.json",
        ]) {
            assert.ok((required[dashboard] ?? 0) > 0, `no panel of ${dashboard} was required to show data: ${JSON.stringify(required)}`);
        }
    });
});
