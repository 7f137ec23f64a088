// npm run smoke against the live stack (test/live): the generated configuration on real
// Prometheus, Alertmanager and node_exporter, with a stand-in Grafana, broken step by step.
import * as assert from "assert";
import { CheckResult, exitCode, formatReport, isStackJob, runChecks, runSmoke } from "../../scripts/smoke";
import { StackEndpoints } from "../../scripts/lib/stack-endpoints";
import { requireTool } from "../support/tools";
import { suiteFailed } from "../live/expect";
import { waitFor } from "../live/processes";
import { Scenario } from "../live/scenario";
import { liveEndpoints, parseReport, runScript, StandIns } from "./fixture";

function byCheck(results: CheckResult[]): Map<string, CheckResult> {
    return new Map(results.map((r) => [r.check, r]));
}

describe("ops: npm run smoke", function () {
    this.timeout(60000);
    let sc: Scenario;
    let standIns: StandIns;
    let endpoints: StackEndpoints;
    const grafana = () => standIns.grafana;

    before(async function () {
        this.timeout(120000);
        for (const tool of ["prometheus", "alertmanager", "node_exporter"]) requireTool(this, tool);
        sc = await Scenario.start({ name: "ops-smoke", fastResend: true });
        standIns = new StandIns(sc.stack, "grafana-admin-pw");
        await standIns.start();
        const live = liveEndpoints(sc.stack, { url: grafana().url, password: grafana().password });
        const loki = standIns.url("loki");
        endpoints = { services: { ...live.services, ...(loki ? { loki: { url: loki } } : {}) } };
    });

    after(async function () {
        await standIns?.stop();
        await sc?.dispose(suiteFailed(this));
    });

    /** Flags and password variables for the CLI, as a user without the pulumi CLI would pass them. */
    function cliArgs(): { args: string[]; env: Record<string, string> } {
        const { prometheus, alertmanager, loki } = endpoints.services;
        return {
            args: [
                "--prometheus-url",
                prometheus!.url,
                "--alertmanager-url",
                alertmanager!.url,
                "--grafana-url",
                grafana().url,
                ...(loki ? ["--loki-url", loki.url] : []),
            ],
            env: { PROMETHEUS_PASSWORD: prometheus!.password!, ALERTMANAGER_PASSWORD: alertmanager!.password!, GRAFANA_PASSWORD: grafana().password },
        };
    }

    it("passes every check on a healthy stack, the Watchdog included", async function () {
        // Prometheus drops the first Watchdog (no Alertmanager discovered yet) and resends it after
        // --rules.alert.resend-delay (1m in production, 5s in the scenario).
        this.timeout(120000);
        const results = await runSmoke(endpoints, 90);
        const checks = byCheck(results);
        const failures = results.filter((r) => r.status !== "PASS");
        assert.deepStrictEqual(failures, [], formatReport(results, []) + "\n" + sc.context());
        for (const name of [
            "port prometheus",
            "port alertmanager",
            "port grafana",
            "prometheus /-/healthy",
            "prometheus /-/ready",
            "prometheus auth",
            "alertmanager /-/healthy",
            "alertmanager /-/ready",
            "alertmanager auth",
            "grafana /api/health",
            "grafana login",
            "target prometheus",
            "target alertmanager",
            "target node-exporter",
            "target app",
            "watchdog in prometheus",
            "watchdog in alertmanager",
            ...(endpoints.services.loki ? ["port loki", "loki /ready"] : []),
        ]) {
            assert.ok(checks.has(name), `no check ${name}:\n${formatReport(results, [])}`);
        }
        assert.match(checks.get("watchdog in alertmanager")!.detail, /routed to watchdog/);
        assert.strictEqual(exitCode(results), 0);
    });

    it("prints one PASS line per check and a summary from the command line, exit 0, no password", async () => {
        const { args, env } = cliArgs();
        const run = await runScript("smoke.ts", args, env);
        assert.strictEqual(run.code, 0, run.stdout + run.stderr);
        const report = parseReport(run.stdout);
        assert.strictEqual(report.get("target node-exporter")?.status, "PASS", run.stdout);
        assert.match(run.stdout.trimEnd().split("\n").pop()!, /^smoke test: PASS \(\d+ checks\)$/);
        for (const secret of Object.values(env)) assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), "a password was printed");
    });

    it("fails the checks that need a password when it is wrong", async () => {
        const wrong: StackEndpoints = {
            services: { ...endpoints.services, prometheus: { ...endpoints.services.prometheus!, password: "wrong" } },
        };
        const checks = byCheck(await runChecks(wrong));
        assert.strictEqual(checks.get("prometheus /-/ready")?.status, "FAIL");
        assert.match(checks.get("prometheus /-/ready")!.detail, /401/);
    });

    it("only WARNs when the user's application target is down: the stack itself is healthy", async () => {
        await sc.app.stop();
        const results = await waitFor(
            "the app target to be reported down",
            async () => {
                const r = await runChecks(endpoints);
                return byCheck(r).get("target app")?.status === "WARN" ? r : undefined;
            },
            { timeoutMs: 20000, context: () => sc.context() },
        );
        assert.deepStrictEqual(
            results.filter((r) => r.status === "FAIL"),
            [],
            formatReport(results, []),
        );
        assert.match(byCheck(results).get("target app")!.detail, /0\/1 up .*your application/);
        assert.strictEqual(exitCode(results), 0);

        const { args, env } = cliArgs();
        const run = await runScript("smoke.ts", args, env);
        assert.strictEqual(run.code, 0, run.stdout + run.stderr);
        assert.strictEqual(parseReport(run.stdout).get("target app")?.status, "WARN", run.stdout);
        assert.match(run.stdout, /smoke test: WARN \(1 warning, \d+ passed; the stack itself is healthy\)/);
    });

    it("FAILs when an exporter of the stack is down", async () => {
        await sc.stack.service("node-exporter").stop();
        const refused = /0\/1 up \(127\.0\.0\.1:\d+: .*refused/;
        let last = "";
        // A scrape taken while the exporter was shutting down says "connection reset": wait for one after.
        const results = await waitFor(
            "node-exporter to be reported down, its connection refused",
            async () => {
                const r = await runChecks(endpoints);
                const check = byCheck(r).get("target node-exporter");
                last = `${check?.status}: ${check?.detail}`;
                return check?.status === "FAIL" && refused.test(check.detail) ? r : undefined;
            },
            { timeoutMs: 20000, context: () => `last check: ${last}\n${sc.context()}` },
        );
        assert.match(byCheck(results).get("target node-exporter")!.detail, refused);
        assert.strictEqual(exitCode(results), 1);
    });

    it("FAILs when Alertmanager is stopped, and the command exits 1", async () => {
        await sc.stack.service("alertmanager").stop();
        const checks = byCheck(await runChecks(endpoints));
        for (const name of ["port alertmanager", "alertmanager /-/healthy", "alertmanager /-/ready", "watchdog in alertmanager"]) {
            assert.strictEqual(checks.get(name)?.status, "FAIL", `${name}: ${JSON.stringify(checks.get(name))}`);
        }
        assert.match(checks.get("port alertmanager")!.detail, /closed \(ECONNREFUSED\)/);

        const { args, env } = cliArgs();
        const run = await runScript("smoke.ts", args, env);
        assert.strictEqual(run.code, 1, run.stdout + run.stderr);
        assert.match(run.stdout, /^smoke test: FAIL \(\d+ failed, \d+ warnings?, \d+ passed\)$/m);
        for (const secret of Object.values(env)) assert.ok(!run.stdout.includes(secret), "a password was printed");
    });

    it("tells stack jobs from the user's applications by job name", () => {
        for (const job of [
            "prometheus",
            "alertmanager",
            "grafana",
            "node-exporter",
            "cadvisor",
            "loki",
            "alloy",
            "promtail",
            "postgres-exporter",
            "blackbox-http",
        ]) {
            assert.ok(isStackJob(job), job);
        }
        for (const job of ["app", "payflux", "api-exporter-client", "checkout"]) assert.ok(!isStackJob(job), job);
    });

    it("exits 2 with the usage when it cannot tell where the stack is", async () => {
        const run = await runScript("smoke.ts", []);
        assert.strictEqual(run.code, 2);
        assert.match(run.stderr, /--stack NAME/);
    });
});
