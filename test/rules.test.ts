import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { ConfigError, loadConfig, objectConfigSource } from "../config";
import {
    locateRules,
    numberLiterals,
    RenderRulesOptions,
    renameLabels,
    renderRuleFiles,
    RuleFile,
    THRESHOLD_NAMES,
    THRESHOLDS,
} from "../components/render/rules";
import { shippedFiles } from "../config/shipped-files";
import { knownAlertNames, SLO_ALERTS } from "../config/thresholds";
import {
    adaptUnitTest,
    alertCases,
    promtool,
    stackRuleOptions,
    testsFor,
    UnitTestFile,
    unitTestSources,
    writeRuleFiles,
    writeUnitTests,
} from "./support/promtool";
import { requireTool } from "./support/tools";
import { readPromql } from "./support/dashboard-queries";
import { cataloguedMetrics } from "./support/metrics-catalogue";

interface Rule {
    alert?: string;
    record?: string;
    expr: string;
    for?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
}
const rulesOf = (content: string): Rule[] => (yaml.load(content) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
const withoutFor = ({ for: _, ...rest }: Rule): Rule => rest;
const config = (values: Record<string, unknown>, stack = "dev") => loadConfig(objectConfigSource(values), stack);
const tempDir = (label: string) => fs.mkdtempSync(path.join(os.tmpdir(), `rules-${label}-`));
const STACKS = ["dev", "prod"];

/** Alerts that fire whenever Prometheus evaluates rules: they have no silent case by design. */
const ALWAYS_FIRING = ["Watchdog"];

const CHECKOUT_SLO = { job: "checkout", availability: 0.999, latency: { threshold: 0.5, objective: 0.99 } };

/** A promtool test of the generated SLO rules: checkout fails 5% and is slow for half its requests, then recovers. */
function sloUnitTest(slos: RuleFile): UnitTestFile {
    const annotations = Object.fromEntries(
        rulesOf(slos.content)
            .filter((r) => r.alert)
            .map((r) => [r.alert, r.annotations!]),
    );
    const expected = (alert: string, slo: string, severity: string, value: string) => ({
        exp_labels: { job: "checkout", slo, severity },
        exp_annotations: Object.fromEntries(
            Object.entries(annotations[alert]).map(([k, v]) => [k, String(v).replace("{{ $value | humanizePercentage }}", value)]),
        ),
    });
    const series = (errors: number, fast: number) => [
        { series: 'http_requests_total{job="checkout", instance="checkout-1:8080", route="/pay", code="500"}', values: `0+${errors}x180` },
        { series: 'http_requests_total{job="checkout", instance="checkout-1:8080", route="/pay", code="200"}', values: `0+${60 - errors}x180` },
        { series: 'http_request_duration_seconds_bucket{job="checkout", instance="checkout-1:8080", route="/pay", le="0.5"}', values: `0+${fast}x180` },
        { series: 'http_request_duration_seconds_bucket{job="checkout", instance="checkout-1:8080", route="/pay", le="+Inf"}', values: "0+60x180" },
        { series: 'http_request_duration_seconds_count{job="checkout", instance="checkout-1:8080", route="/pay"}', values: "0+60x180" },
    ];
    return {
        rule_files: ["../slo.yml", "../slos.yml"],
        evaluation_interval: "1m",
        tests: [
            {
                name: "checkout burns both budgets",
                interval: "1m",
                input_series: series(3, 30),
                alert_rule_test: [
                    {
                        eval_time: "180m",
                        alertname: "SLOErrorBudgetBurnFast",
                        exp_alerts: [expected("SLOErrorBudgetBurnFast", "availability", "critical", "5%")],
                    },
                    {
                        eval_time: "180m",
                        alertname: "SLOErrorBudgetBurnSlow",
                        exp_alerts: [expected("SLOErrorBudgetBurnSlow", "availability", "warning", "5%")],
                    },
                    {
                        eval_time: "180m",
                        alertname: "SLOLatencyBudgetBurnFast",
                        exp_alerts: [expected("SLOLatencyBudgetBurnFast", "latency", "critical", "50%")],
                    },
                    {
                        eval_time: "180m",
                        alertname: "SLOLatencyBudgetBurnSlow",
                        exp_alerts: [expected("SLOLatencyBudgetBurnSlow", "latency", "warning", "50%")],
                    },
                ],
                promql_expr_test: [
                    { eval_time: "180m", expr: "job:slo_objective:ratio", exp_samples: [{ labels: 'job:slo_objective:ratio{job="checkout"}', value: 0.999 }] },
                    { eval_time: "180m", expr: "round(job:slo_error_budget_remaining:ratio)", exp_samples: [{ labels: '{job="checkout"}', value: -49 }] },
                ],
            },
            {
                name: "checkout within its objectives",
                interval: "1m",
                input_series: series(0, 60),
                alert_rule_test: SLO_ALERTS.map((alertname) => ({ eval_time: "180m", alertname, exp_alerts: [] })),
            },
        ],
    };
}

describe("alert and recording rules", function () {
    const sources = shippedFiles().rules;
    const onDisk = sources.flatMap((f) => rulesOf(f.content).map((rule) => ({ file: f.name, rule })));
    const alerts = onDisk.filter((r) => r.rule.alert);
    const defaults = config({});

    it("ships at least 60 alerts, each named once", function () {
        const names = alerts.map((a) => a.rule.alert!);
        assert.ok(names.length >= 60, `only ${names.length} alerts`);
        assert.deepStrictEqual(
            names.filter((n, i) => names.indexOf(n) !== i),
            [],
            "alert names appear twice",
        );
        console.log(`      ${names.length} alerts and ${onDisk.length - names.length} recording rules in ${sources.length} files`);
    });

    it("gives every alert a severity, summary, description and runbook link", function () {
        const slos = renderRuleFiles({ ...defaults, slos: [CHECKOUT_SLO] }).find((f) => f.name === "slos.yml")!;
        for (const { rule } of [
            ...alerts,
            ...rulesOf(slos.content)
                .filter((r) => r.alert)
                .map((rule) => ({ rule })),
        ]) {
            const name = rule.alert!;
            assert.ok(["critical", "warning", "info"].includes(rule.labels?.severity ?? ""), `${name}: severity ${rule.labels?.severity}`);
            assert.ok(rule.annotations?.summary, `${name}: no summary`);
            assert.match(rule.annotations?.description ?? "", /\$value/, `${name}: description does not show the value`);
            if (!ALWAYS_FIRING.includes(name)) assert.match(rule.annotations!.description, /\$labels\.|checkout/, `${name}: description names no label`);
            const link = rule.annotations?.runbook_url ?? "";
            assert.ok(
                [`RUNBOOK.md#${name.toLowerCase()}`, `${defaults.runbookBaseUrl}RUNBOOK.md#${name.toLowerCase()}`].includes(link),
                `${name}: runbook_url ${link}`,
            );
        }
    });

    it("reads only metrics in the metrics catalogue or recorded by a rule", function () {
        const catalogue = cataloguedMetrics();
        const recorded = new Set(onDisk.map((r) => r.rule.record).filter((r): r is string => Boolean(r)));
        const problems: string[] = [];
        for (const { file, rule } of onDisk) {
            for (const m of readPromql(rule.expr).metrics) {
                if (!catalogue.has(m) && !recorded.has(m)) problems.push(`${file}: ${rule.alert ?? rule.record} reads ${m}`);
            }
        }
        assert.deepStrictEqual(problems, [], "add the metric to test/support/metrics-catalogue.ts with its source, or fix the name");
    });

    it("locates every rule's expression in the text exactly as YAML reads it", function () {
        for (const file of sources) {
            const located = locateRules(file.content, file.name);
            const parsed = rulesOf(file.content);
            assert.deepStrictEqual(
                located.map((r) => r.name),
                parsed.map((r) => r.alert ?? r.record),
                file.name,
            );
            located.forEach((r, i) => {
                assert.strictEqual(r.expr.trimEnd(), parsed[i].expr.trimEnd(), `${file.name}: ${r.name}`);
                assert.strictEqual(r.exprOffsets.map((o) => file.content[o]).join(""), r.expr, `${file.name}: ${r.name} offsets`);
            });
        }
    });

    it("writes each threshold's default exactly once as a number in each alert it tunes", function () {
        const byName = new Map(alerts.map((a) => [a.rule.alert!, a.rule]));
        for (const name of THRESHOLD_NAMES) {
            for (const alert of THRESHOLDS[name].alerts) {
                const rule = byName.get(alert);
                assert.ok(rule, `${name} tunes ${alert}, which does not exist`);
                assert.strictEqual(
                    numberLiterals(rule.expr, THRESHOLDS[name].default).length,
                    1,
                    `${alert} must hold ${name} = ${THRESHOLDS[name].default} once`,
                );
            }
        }
    });

    it("changes only the tuned alert's expression when a threshold changes", function () {
        const base = renderRuleFiles(defaults);
        for (const name of THRESHOLD_NAMES) {
            const { default: value, unit, alerts: tuned } = THRESHOLDS[name];
            const changed = unit === "percent" && value * 2 > 100 ? value / 2 : value * 2;
            const render = renderRuleFiles(config({ thresholds: { [name]: changed } }));
            const diff: string[] = [];
            render.forEach((file, i) => {
                const before = base[i].content.split("\n");
                file.content.split("\n").forEach((line, n) => {
                    if (line !== before[n]) diff.push(`${file.name}: ${line.trim()}`);
                });
                const a = rulesOf(base[i].content);
                rulesOf(file.content).forEach((rule, k) => {
                    const same = tuned.includes(rule.alert ?? "") ? { ...rule, expr: a[k].expr } : rule;
                    assert.deepStrictEqual(same, a[k], `${name}: ${rule.alert ?? rule.record} changed`);
                    if (tuned.includes(rule.alert ?? "")) assert.notStrictEqual(rule.expr, a[k].expr, `${name}: ${rule.alert} unchanged`);
                });
            });
            assert.strictEqual(diff.length, tuned.length, `${name}: ${diff.join(" | ")}`);
            assert.ok(
                diff.every((d) => d.includes(String(changed))),
                `${name}: ${diff.join(" | ")}`,
            );
        }
    });

    it("applies per-alert for and severity, and nothing else", function () {
        const render = renderRuleFiles(config({ thresholds: { alerts: { HostCpuHigh: { for: "1h", severity: "critical" }, Watchdog: { for: "1m" } } } }));
        const base = renderRuleFiles(defaults);
        render.forEach((file, i) => {
            const a = rulesOf(base[i].content);
            rulesOf(file.content).forEach((rule, k) => {
                if (rule.alert === "HostCpuHigh") assert.deepStrictEqual([rule.for, rule.labels?.severity], ["1h", "critical"]);
                else if (rule.alert === "Watchdog") assert.deepStrictEqual(withoutFor(rule), a[k]);
                else assert.deepStrictEqual(rule, a[k]);
            });
        });
        const watchdog = rulesOf(render.find((f) => f.name === "targets.yml")!.content).find((r) => r.alert === "Watchdog")!;
        assert.strictEqual(watchdog.for, "1m");
    });

    it("renames the HTTP status and route labels in matchers and groupings, and keeps route on job_route series", function () {
        assert.strictEqual(
            renameLabels('sum by (job, route) (rate(http_requests_total{code=~"5..", route!="/health"}[5m])) / on (job, route) group_left x', {
                code: "status",
                route: "path",
            }),
            'sum by (job, path) (rate(http_requests_total{status=~"5..", path!="/health"}[5m])) / on (job, path) group_left x',
        );
        assert.strictEqual(
            renameLabels('label_replace(code_total{route="code"}, "a", "$1", "code", "(.*)")', { code: "status" }),
            'label_replace(code_total{route="code"}, "a", "$1", "code", "(.*)")',
            "metric names and strings stay",
        );
        const http = renderRuleFiles(config({ http: { statusLabel: "status", routeLabel: "path" } })).find((f) => f.name === "http.yml")!;
        const rules = rulesOf(http.content);
        assert.doesNotMatch(http.content, /\bcode=|\broute\)|\$labels\.route/);
        for (const r of rules.filter((x) => x.record?.startsWith("job_route:")))
            assert.match(r.expr.trimEnd(), /^label_replace\(.*, "route", "\$1", "path", "\(\.\*\)"\)$/s);
    });

    it("names the key in configuration errors", function () {
        const cases: [Record<string, unknown>, RegExp][] = [
            [{ thresholds: { httpErrorRate: 5 } }, /^monitoring:thresholds\.httpErrorRate: unknown threshold/],
            [{ thresholds: { diskFullPercent: -1 } }, /^monitoring:thresholds\.diskFullPercent: -1 is below the minimum 0/],
            [{ thresholds: { diskFullPercent: 120 } }, /^monitoring:thresholds\.diskFullPercent: 120 is above the maximum 100/],
            [{ thresholds: { probeSlowSeconds: "fast" } }, /^monitoring:thresholds\.probeSlowSeconds: "fast" is not a number/],
            [
                { thresholds: { alerts: { HostCPUHigh: { for: "5m" } } } },
                /^monitoring:thresholds\.alerts\.HostCPUHigh: no such alert; did you mean HostCpuHigh\?/,
            ],
            [{ thresholds: { alerts: { HostCpuHigh: { severity: "page" } } } }, /^monitoring:thresholds\.alerts\.HostCpuHigh\.severity: "page" is not one of/],
            [{ thresholds: { alerts: { HostCpuHigh: { for: "ten" } } } }, /^monitoring:thresholds\.alerts\.HostCpuHigh\.for: "ten" is not a duration/],
            [{ slos: [{ availability: 0.999 }] }, /^monitoring:slos\[0\]\.job: is missing/],
            [
                {
                    slos: [
                        { job: "api", availability: 0.999 },
                        { job: "web", availability: 1.5 },
                    ],
                },
                /^monitoring:slos\[1\]\.availability: 1\.5 is above the maximum 0\.99999/,
            ],
            [{ slos: [{ job: "api", availability: 0.99, latency: { thresholdSeconds: 0.3 } }] }, /^monitoring:slos\[0\]\.latency\.objective: is missing/],
            [
                { slos: [{ job: "api", availability: 0.99, latency: { thresholdSeconds: 0, objective: 0.9 } }] },
                /^monitoring:slos\[0\]\.latency\.thresholdSeconds: 0 must be above 0/,
            ],
            [
                {
                    slos: [
                        { job: "api", availability: 0.99 },
                        { job: "api", availability: 0.9 },
                    ],
                },
                /^monitoring:slos: job "api" appears twice/,
            ],
            [{ http: { statusLabel: "status-code" } }, /^monitoring:http\.statusLabel: "status-code" is not a label name/],
            [{ http: { routeLabel: "code" } }, /^monitoring:http\.routeLabel: "code" is also the status label/],
            [{ runbookBaseUrl: "https://github.com/acme/monitoring/blob/main" }, /^monitoring:runbookBaseUrl: .* must end with \//],
        ];
        for (const [values, message] of cases) {
            assert.throws(
                () => config(values),
                (e: Error) => e instanceof ConfigError && message.test(e.message),
                JSON.stringify(values),
            );
        }
    });

    it("gives every alert a runbook section, a firing unit test and a silent one", function () {
        const runbook = fs.readFileSync(path.resolve(__dirname, "..", "RUNBOOK.md"), "utf8");
        const sections = [...runbook.matchAll(/^## (\S+)\s*$/gm)].map((m) => m[1]);
        const slos = renderRuleFiles({ ...defaults, slos: [CHECKOUT_SLO] }).find((f) => f.name === "slos.yml")!;
        const cases = [...unitTestSources().map((s) => s.test), sloUnitTest(slos)].flatMap(alertCases);
        const problems: string[] = [];
        for (const name of knownAlertNames(sources)) {
            if (!sections.includes(name)) problems.push(`${name}: no "## ${name}" section in RUNBOOK.md`);
            if (!cases.some((c) => c.alertname === name && (c.exp_alerts ?? []).length > 0)) problems.push(`${name}: no unit test where it fires`);
            if (!ALWAYS_FIRING.includes(name) && !cases.some((c) => c.alertname === name && (c.exp_alerts ?? []).length === 0)) {
                problems.push(`${name}: no unit test where it stays silent`);
            }
        }
        for (const s of sections) if (!knownAlertNames(sources).includes(s)) problems.push(`RUNBOOK.md: "## ${s}" is not an alert`);
        assert.deepStrictEqual(problems, []);
    });

    for (const stack of STACKS) {
        describe(`rendered for stack ${stack}`, function () {
            let options: RenderRulesOptions;
            let dir: string;
            before(function () {
                const found = stackRuleOptions(stack);
                if (found.note) console.log(`      note: ${found.note}`);
                options = found.options;
                dir = tempDir(stack);
            });
            after(() => fs.rmSync(dir, { recursive: true, force: true }));

            it("passes promtool check rules", function () {
                const bin = requireTool(this, "promtool");
                const files = writeRuleFiles(dir, renderRuleFiles(options));
                const run = promtool(bin, ["check", "rules", "--lint=all", "--lint-fatal", ...files]);
                assert.ok(run.ok, run.output);
            });

            it("passes the promtool unit tests in rules/tests", function () {
                const bin = requireTool(this, "promtool");
                const rendered = renderRuleFiles(options);
                writeRuleFiles(dir, rendered);
                const tests = testsFor(unitTestSources(), rendered).map(({ name, test }) => ({ name, test: adaptUnitTest(test, options) }));
                assert.strictEqual(
                    tests.some((t) => t.name.startsWith("kubernetes-")),
                    Boolean(options.kubernetesRules),
                    "Kubernetes rule tests run where the rules load",
                );
                const files = writeUnitTests(dir, tests);
                const run = promtool(bin, ["test", "rules", ...files]);
                assert.ok(run.ok, run.output);
                const all = tests.flatMap((t) => alertCases(t.test));
                const firing = all.filter((c) => (c.exp_alerts ?? []).length > 0).length;
                console.log(`      ${all.length} alert unit-test cases (${firing} firing, ${all.length - firing} silent) in ${files.length} files passed`);
            });
        });
    }

    describe("with other HTTP names (monitoring:http)", function () {
        const mappings: [string, Record<string, unknown>, RegExp][] = [
            ["label names", { statusLabel: "status", routeLabel: "path" }, /status="500"/],
            [
                "metric names and a millisecond histogram",
                {
                    statusLabel: "status",
                    requestsMetric: "http_server_requests_total",
                    durationMetric: "http_server_request_duration_milliseconds",
                    durationUnit: "milliseconds",
                },
                /http_server_request_duration_milliseconds_bucket\{[^}]*le="500"/,
            ],
        ];
        for (const [what, http, inputs] of mappings) {
            it(`still passes the HTTP and SLO unit tests with other ${what}`, function () {
                const bin = requireTool(this, "promtool");
                const options = config({ http });
                const dir = tempDir("labels");
                try {
                    writeRuleFiles(dir, renderRuleFiles(options));
                    const tests = unitTestSources().filter((t) => ["http.yml", "slo.yml"].includes(t.name));
                    const files = writeUnitTests(
                        dir,
                        tests.map(({ name, test }) => ({ name, test: adaptUnitTest(test, options) })),
                    );
                    assert.match(fs.readFileSync(files[0], "utf8"), inputs);
                    const run = promtool(bin, ["test", "rules", ...files]);
                    assert.ok(run.ok, run.output);
                } finally {
                    fs.rmSync(dir, { recursive: true, force: true });
                }
            });
        }

        it("divides quantiles of a millisecond histogram back to seconds and moves SLO bounds into milliseconds", function () {
            const http = { durationMetric: "latency_ms", durationUnit: "milliseconds" };
            const files = renderRuleFiles({ ...config({ http }), slos: [CHECKOUT_SLO] });
            const rules = rulesOf(files.find((f) => f.name === "http.yml")!.content);
            const p95 = rules.find((r) => r.record === "job:http_request_duration_seconds:p95_5m")!;
            assert.strictEqual(p95.expr.trim(), "(histogram_quantile(0.95, sum by (job, le) (rate(latency_ms_bucket[5m]))) / 1000)");
            const slos = files.find((f) => f.name === "slos.yml")!.content;
            assert.match(slos, new RegExp(`latency_ms_bucket\\{job="checkout", le=~?"${CHECKOUT_SLO.latency!.threshold * 1000}[|"]`));
            assert.doesNotMatch(slos, /http_request_duration_seconds_bucket/);
        });
    });

    describe("SLOs from config", function () {
        it("renders only when SLOs are configured", function () {
            assert.ok(!renderRuleFiles(defaults).some((f) => f.name === "slos.yml"));
            const slos = renderRuleFiles({ ...defaults, slos: [CHECKOUT_SLO, { job: "search", availability: 0.99 }] }).find((f) => f.name === "slos.yml")!;
            const rules = rulesOf(slos.content);
            assert.deepStrictEqual(
                rules.filter((r) => r.alert).map((r) => r.alert),
                [...SLO_ALERTS, "SLOErrorBudgetBurnFast", "SLOErrorBudgetBurnSlow"],
            );
            const objective = rules.find((r) => r.record === "job:slo_objective:ratio" && r.labels?.job === "search")!;
            assert.strictEqual(objective.expr, "vector(0.99)");
        });

        it("pass promtool check rules and fire on a fast burn, and not when healthy", function () {
            const bin = requireTool(this, "promtool");
            const options = config({ slos: [CHECKOUT_SLO], thresholds: { alerts: { SLOErrorBudgetBurnSlow: { severity: "info" } } } });
            const dir = tempDir("slo");
            try {
                const files = renderRuleFiles(options);
                const written = writeRuleFiles(dir, files);
                const check = promtool(bin, ["check", "rules", "--lint=all", "--lint-fatal", ...written.filter((f) => /slos?\.yml$/.test(f))]);
                assert.ok(check.ok, check.output);
                const test = adaptUnitTest(sloUnitTest(files.find((f) => f.name === "slos.yml")!), options);
                const run = promtool(bin, ["test", "rules", ...writeUnitTests(dir, [{ name: "slos.yml", test }])]);
                assert.ok(run.ok, run.output);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    });
});
