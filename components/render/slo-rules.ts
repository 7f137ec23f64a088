// slos.yml, generated from monitoring:slos: objectives, error budgets and the SRE workbook's
// multi-window, multi-burn-rate alerts. Every SLO's series are labelled with its `job`, so the
// alerts and the "SLOs and error budget" dashboard read HTTP and custom SLIs alike. An HTTP SLO
// reads the error ratios rules/slo.yml records for every job; a custom SLI records its own,
// and rules/slo.yml leaves its job out (see `customSliJobs`).
import { HttpConfig, httpSeries, inHistogramUnit } from "../../config/http";
import { addMatcherToSelectors, applyEdits, promqlString, renameSelectorMetric, selectorMetric, sliShape, withRange } from "../../config/promql";
import { LatencyObjective, RatioSli, SloConfig } from "../../config/slos";
import { alertEnabled, SLO_ALERTS, SLO_GROUP, ThresholdsConfig } from "../../config/thresholds";
import { runbookLink } from "./runbook";
import { toYaml } from "./yaml";

/** Windows the multi-window, multi-burn-rate alerts read (for HTTP SLOs, recorded in rules/slo.yml). */
export const SLO_WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"] as const;
const SLO_PERIOD = "30d";

export interface SloRulesOptions {
    readonly slos: readonly SloConfig[];
    readonly thresholds: ThresholdsConfig;
    readonly http: HttpConfig;
    /** Prefix of the runbook links; ends with /. */
    readonly runbookBaseUrl: string;
}

interface BurnWindow {
    readonly factor: number;
    readonly long: string;
    readonly short: string;
}

/** The SRE workbook's multi-window, multi-burn-rate pairs for a 30-day budget. */
const FAST_BURN: BurnWindow[] = [{ factor: 14.4, long: "1h", short: "5m" }, { factor: 6, long: "6h", short: "30m" }];
const SLOW_BURN: BurnWindow[] = [{ factor: 3, long: "1d", short: "2h" }, { factor: 1, long: "3d", short: "6h" }];

type Rule = { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> };

const formatNumber = (n: number): string => String(n);
const jobSelector = (job: string) => `{job=${promqlString(job)}}`;

/** Jobs whose SLO brings its own SLI: rules/slo.yml must not record HTTP error ratios for them too. */
export function customSliJobs(slos: readonly SloConfig[]): string[] {
    return slos.filter((s) => s.sli).map((s) => s.job);
}

function burnExpr(metric: string, job: string, objective: number, windows: BurnWindow[]): string {
    const budget = `(1 - ${formatNumber(objective)})`;
    const sel = (w: string) => `${metric}:ratio_rate${w}${jobSelector(job)}`;
    return windows
        .map((w) => `(\n  ${sel(w.long)} > ${w.factor} * ${budget}\n  and ${sel(w.short)} > ${w.factor} * ${budget}\n)`)
        .join("\nor\n");
}

/** Per-second rate of a counter over `window`: a bare selector is rated and summed, an expression gets its ranges set. */
function counterRate(expr: string, window: string): string {
    return sliShape(expr) === "selector" ? `sum(rate(${expr}[${window}]))` : `(${withRange(expr, window)})`;
}

/** The share of failed events over `window`; 0, not nothing, while there are events and no errors. */
function errorRatio(sli: RatioSli, window: string): string {
    const total = counterRate(sli.total, window);
    return sli.errors !== undefined
        ? `(${counterRate(sli.errors, window)} or ${total} * 0) / ${total}`
        : `1 - ${counterRate(sli.good!, window)} / ${total}`;
}

/** `le` as client libraries write it: Go says "1", Java says "1.0". */
function leMatcher(bound: number): string {
    const text = formatNumber(bound);
    return Number.isInteger(bound) ? `le=~"${text}|${text}.0"` : `le=${promqlString(text)}`;
}

/** The share of events slower than the objective's bound over `window`. */
function slowRatio(job: string, latency: LatencyObjective, http: HttpConfig, window: string): string {
    if (latency.histogram) {
        const le = leMatcher(latency.threshold);
        const selector = latency.histogram;
        const base = selectorMetric(selector)!;
        const bucketSelector = renameSelectorMetric(selector, `${base}_bucket`);
        const bucket = applyEdits(bucketSelector, addMatcherToSelectors(bucketSelector, le));
        const count = renameSelectorMetric(selector, `${base}_count`);
        return `1 - sum(rate(${bucket}[${window}])) / sum(rate(${count}[${window}]))`;
    }
    // The HTTP histogram's names and unit follow monitoring:http; thresholdSeconds is in seconds.
    const series = httpSeries(http);
    const le = leMatcher(inHistogramUnit(http, latency.threshold));
    const sel = `{job=${promqlString(job)}`;
    return `1 - sum by (job) (rate(${series.bucket}${sel}, ${le}}[${window}])) / sum by (job) (rate(${series.count}${sel}}[${window}]))`;
}

function sloAlert(
    opts: SloRulesOptions, name: (typeof SLO_ALERTS)[number], severity: string, expr: string, slo: string, summary: string, description: string,
): Rule[] {
    if (!alertEnabled(opts.thresholds, name, SLO_GROUP)) return [];
    const override = opts.thresholds.alerts[name] ?? {};
    return [{
        alert: name,
        expr,
        ...(override.for ? { for: override.for } : {}),
        labels: { severity: override.severity ?? severity, slo },
        annotations: { summary, description, runbook_url: runbookLink(opts.runbookBaseUrl, `RUNBOOK.md#${name.toLowerCase()}`) },
    }];
}

function sloRules(slo: SloConfig, opts: SloRulesOptions): Rule[] {
    const { job } = slo;
    const what = slo.sli ? "events" : "requests";
    const rules: Rule[] = [{ record: "job:slo_objective:ratio", expr: `vector(${formatNumber(slo.availability)})`, labels: { job } }];
    if (slo.sli) {
        for (const w of SLO_WINDOWS) rules.push({ record: `job:slo_errors_per_request:ratio_rate${w}`, expr: errorRatio(slo.sli, w), labels: { job } });
    }
    rules.push(
        {
            record: "job:slo_error_budget_remaining:ratio",
            expr: `1 - avg_over_time(job:slo_errors_per_request:ratio_rate5m${jobSelector(job)}[${SLO_PERIOD}]) / (1 - ${formatNumber(slo.availability)})`,
            labels: { job },
        },
        ...sloAlert(opts, "SLOErrorBudgetBurnFast", "critical", burnExpr("job:slo_errors_per_request", job, slo.availability, FAST_BURN), "availability",
            `${job} burns its error budget fast`,
            `${job} fails {{ $value | humanizePercentage }} of ${what}: at this rate the ${SLO_PERIOD} error budget of its ${slo.availability} availability objective is gone within days.`),
        ...sloAlert(opts, "SLOErrorBudgetBurnSlow", "warning", burnExpr("job:slo_errors_per_request", job, slo.availability, SLOW_BURN), "availability",
            `${job} burns its error budget faster than it earns it`,
            `${job} fails {{ $value | humanizePercentage }} of ${what}: it will miss its ${slo.availability} availability objective over ${SLO_PERIOD} if this goes on.`),
    );
    if (slo.latency) {
        const { objective } = slo.latency;
        const bound = slo.latency.histogram ? `${slo.latency.threshold} (in the histogram's unit)` : `${slo.latency.threshold}s`;
        rules.push({ record: "job:slo_latency_objective:ratio", expr: `vector(${formatNumber(objective)})`, labels: { job } });
        for (const w of SLO_WINDOWS) {
            rules.push({ record: `job:slo_slow_requests:ratio_rate${w}`, expr: slowRatio(job, slo.latency, opts.http, w), labels: { job } });
        }
        rules.push(
            {
                record: "job:slo_latency_budget_remaining:ratio",
                expr: `1 - avg_over_time(job:slo_slow_requests:ratio_rate5m${jobSelector(job)}[${SLO_PERIOD}]) / (1 - ${formatNumber(objective)})`,
                labels: { job },
            },
            ...sloAlert(opts, "SLOLatencyBudgetBurnFast", "critical", burnExpr("job:slo_slow_requests", job, objective, FAST_BURN), "latency",
                `${job} is too often slower than ${bound}`,
                `{{ $value | humanizePercentage }} of ${what} of ${job} take over ${bound}: the latency budget of its ${objective} objective is gone within days.`),
            ...sloAlert(opts, "SLOLatencyBudgetBurnSlow", "warning", burnExpr("job:slo_slow_requests", job, objective, SLOW_BURN), "latency",
                `${job} is slower than ${bound} more often than its objective allows`,
                `{{ $value | humanizePercentage }} of ${what} of ${job} take over ${bound}: it will miss its ${objective} latency objective over ${SLO_PERIOD} if this goes on.`),
        );
    }
    return rules;
}

/** slos.yml: one group per SLO, written by a YAML serializer (user PromQL never lands in hand-made YAML). */
export function renderSloRules(opts: SloRulesOptions): string {
    const groups = opts.slos.map((slo) => ({ name: `slo-${slo.job}`, rules: sloRules(slo, opts) }));
    return toYaml({ groups }, "Generated from monitoring:slos: objectives, error budgets and multi-window, multi-burn-rate alerts (SRE workbook, chapter 5).");
}
