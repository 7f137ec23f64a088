// Issue 11, part 4: SLOs on any metric, a counter SLI and a millisecond histogram, proven with
// promtool: the burn-rate alerts fire on the custom metrics, and the HTTP windows skip their job.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { ConfigError, loadConfig, objectConfigSource } from "../config";
import { renderRuleFiles } from "../components/render/rules";
import { promtool, UnitTestFile, writeRuleFiles, writeUnitTests } from "./support/promtool";
import { requireTool } from "./support/tools";

const load = (values: Record<string, unknown>) => loadConfig(objectConfigSource(values), "test");

function configError(fn: () => unknown, key: string, part: string): void {
    assert.throws(fn, (err: unknown) => {
        assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
        assert.ok(err.message.startsWith(`monitoring:${key}:`), err.message);
        assert.ok(err.message.includes(part), `"${err.message}" should say ${part}`);
        return true;
    });
}

/** The seeds' gateway: counters without a code label, latency in milliseconds. */
const GATEWAY = {
    job: "gateway",
    availability: 0.99,
    sli: { total: 'gateway_requests_total{job="gateway"}', errors: 'gateway_requests_total{job="gateway", status=~"5.."}' },
    latency: { histogram: 'gateway_request_duration_ms{job="gateway"}', threshold: 50, objective: 0.95 },
};
/** The same SLI written the way dashboards already query it. */
const PAYMENTS = {
    job: "payments",
    availability: 0.999,
    sli: { total: "sum(rate(payments_attempts_total[5m]))", good: 'sum(rate(payments_attempts_total{result="ok"}[5m]))' },
};

interface Rule { alert?: string; record?: string; expr: string; labels?: Record<string, string> }
const rulesOf = (content: string) => (yaml.load(content) as { groups: { name: string; rules: Rule[] }[] }).groups.flatMap((g) => g.rules);

describe("SLOs on any metric", () => {
    it("refuses SLIs the parser cannot read or that read no counter, naming the key", () => {
        const slo = (patch: Record<string, unknown>) => () => load({ slos: [{ ...GATEWAY, ...patch }] });
        configError(slo({ sli: { total: "gateway_requests_total{", errors: "x" } }), "slos[0].sli.total", "is not valid PromQL");
        configError(slo({ sli: { total: "sum(gateway_requests_total)", errors: "x" } }), "slos[0].sli.total", "reads no counter");
        configError(slo({ sli: { total: "x", errors: "y", good: "z" } }), "slos[0].sli", "exactly one of errors");
        configError(slo({ sli: { total: "x{job=$job}", good: "z" } }), "slos[0].sli.total", "is not valid PromQL");
        load({ slos: [{ ...GATEWAY, sli: { total: 'x{path=~"/api/.*$"}', good: 'x{path=~"/api/.*$", code!~"5.."}' } }] });
        configError(slo({ latency: { histogram: "gateway_request_duration_ms_bucket", threshold: 50, objective: 0.9 } }), "slos[0].latency.histogram", "without _bucket");
        configError(slo({ latency: { histogram: "rate(x[5m])", threshold: 50, objective: 0.9 } }), "slos[0].latency.histogram", "not a histogram selector");
        configError(slo({ latency: { histogram: "x", thresholdSeconds: 0.05, objective: 0.9 } }), "slos[0].latency.thresholdSeconds", "own unit");
        configError(slo({ latency: { histogram: "x", objective: 0.9 } }), "slos[0].latency.threshold", "in its own unit");
    });

    it("records the custom error and slow ratios under the job, and leaves the job out of the HTTP windows", () => {
        const files = renderRuleFiles(load({ slos: [GATEWAY, PAYMENTS, { job: "api", availability: 0.999 }] }));
        const slos = rulesOf(files.find((f) => f.name === "slos.yml")!.content);
        const record = (name: string, job: string) => slos.find((r) => r.record === name && r.labels?.job === job)?.expr;
        assert.strictEqual(record("job:slo_errors_per_request:ratio_rate1h", "gateway"),
            '(sum(rate(gateway_requests_total{job="gateway", status=~"5.."}[1h])) or sum(rate(gateway_requests_total{job="gateway"}[1h])) * 0) / sum(rate(gateway_requests_total{job="gateway"}[1h]))');
        assert.strictEqual(record("job:slo_errors_per_request:ratio_rate6h", "payments"),
            '1 - (sum(rate(payments_attempts_total{result="ok"}[6h]))) / (sum(rate(payments_attempts_total[6h])))');
        assert.strictEqual(record("job:slo_slow_requests:ratio_rate5m", "gateway"),
            '1 - sum(rate(gateway_request_duration_ms_bucket{job="gateway", le=~"50|50.0"}[5m])) / sum(rate(gateway_request_duration_ms_count{job="gateway"}[5m]))');
        assert.strictEqual(record("job:slo_errors_per_request:ratio_rate5m", "api"), undefined, "an HTTP SLO reads rules/slo.yml");
        const windows = rulesOf(files.find((f) => f.name === "slo.yml")!.content);
        for (const rule of windows) assert.match(rule.expr, /http_requests_total\{job!~"gateway\|payments"/, rule.record);
    });

    it("records, for a custom SLI alone, every job:slo_* series the SLO dashboard reads", () => {
        const dashboard = fs.readFileSync(path.resolve(__dirname, "..", "dashboards/services/slo.json"), "utf8");
        const read = [...new Set([...dashboard.matchAll(/job:slo_[a-z_]+:[a-z_0-9]+/g)].map((m) => m[0]))];
        const slos = rulesOf(renderRuleFiles(load({ slos: [GATEWAY] })).find((f) => f.name === "slos.yml")!.content);
        const recorded = new Set(slos.filter((r) => r.labels?.job === "gateway").map((r) => r.record));
        assert.ok(read.length >= 8, read.join(", "));
        assert.deepStrictEqual(read.filter((m) => !recorded.has(m)), []);
    });

    it("fires the burn-rate alerts on the custom metrics, and stays silent when they are good (promtool)", function () {
        const bin = requireTool(this, "promtool");
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "custom-slo-"));
        try {
            const files = renderRuleFiles(load({ slos: [GATEWAY] }));
            const written = writeRuleFiles(dir, files.filter((f) => ["slos.yml", "slo.yml"].includes(f.name)));
            const check = promtool(bin, ["check", "rules", ...written]);
            assert.ok(check.ok, check.output);
            const series = (errors: number, fast: number) => [
                { series: 'gateway_requests_total{job="gateway", instance="gw-1:9000", status="500"}', values: `0+${errors}x180` },
                { series: 'gateway_requests_total{job="gateway", instance="gw-1:9000", status="200"}', values: `0+${60 - errors}x180` },
                // Also HTTP-named series of the same job: the HTTP windows must not record a second ratio for it.
                { series: 'http_requests_total{job="gateway", instance="gw-1:9000", code="200"}', values: "0+60x180" },
                { series: 'gateway_request_duration_ms_bucket{job="gateway", instance="gw-1:9000", le="50"}', values: `0+${fast}x180` },
                { series: 'gateway_request_duration_ms_bucket{job="gateway", instance="gw-1:9000", le="+Inf"}', values: "0+60x180" },
                { series: 'gateway_request_duration_ms_count{job="gateway", instance="gw-1:9000"}', values: "0+60x180" },
            ];
            const alerts = ["SLOErrorBudgetBurnFast", "SLOErrorBudgetBurnSlow", "SLOLatencyBudgetBurnFast", "SLOLatencyBudgetBurnSlow"];
            const test: UnitTestFile = {
                rule_files: ["../slo.yml", "../slos.yml"],
                evaluation_interval: "1m",
                tests: [
                    {
                        name: "gateway fails 10% and half its requests take over 50ms",
                        interval: "1m",
                        input_series: series(6, 30),
                        alert_rule_test: alerts.map((alertname) => ({
                            eval_time: "180m", alertname,
                            exp_alerts: [{ exp_labels: { job: "gateway", severity: alertname.endsWith("Fast") ? "critical" : "warning", slo: alertname.includes("Latency") ? "latency" : "availability" } }],
                        })),
                        promql_expr_test: [{ eval_time: "180m", expr: 'count(job:slo_errors_per_request:ratio_rate5m{job="gateway"})', exp_samples: [{ labels: "{}", value: 1 }] }],
                    },
                    { name: "gateway within its objectives", interval: "1m", input_series: series(0, 60), alert_rule_test: alerts.map((alertname) => ({ eval_time: "180m", alertname, exp_alerts: [] })) },
                ],
            };
            // promtool compares annotations too: expect the rendered ones with the value filled in.
            const withAnnotations = JSON.parse(JSON.stringify(test)) as UnitTestFile;
            const rendered = rulesOf(files.find((f) => f.name === "slos.yml")!.content);
            for (const c of withAnnotations.tests[0].alert_rule_test!) {
                const annotations = rendered.find((r) => r.alert === c.alertname) as { annotations?: Record<string, string> };
                const value = c.alertname.includes("Latency") ? "50%" : "10%";
                c.exp_alerts![0].exp_annotations = Object.fromEntries(Object.entries(annotations.annotations ?? {})
                    .map(([k, v]) => [k, v.replace("{{ $value | humanizePercentage }}", value)]));
            }
            const run = promtool(bin, ["test", "rules", ...writeUnitTests(dir, [{ name: "gateway.yml", test: withAnnotations }])]);
            assert.ok(run.ok, run.output);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
