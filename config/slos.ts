// monitoring:slos: objectives over 30 days, on the job's HTTP metrics (monitoring:http) or on
// any counter and histogram the user names. Expressions are checked with the PromQL parser here;
// whether the metrics exist, are counters, or have the `le` bound named is only known at run time.
import { ConfigError } from "./errors";
import { promqlRuleError, selectorMetric, sliShape } from "./promql";
import * as v from "./validate";

/** Events an SLO counts, as PromQL over counters; absent: the job's HTTP requests, 5xx as errors. */
export interface RatioSli {
    /** Every event: a bare selector (`gateway_requests_total{job="gateway"}`) or an expression with ranges (`sum(rate(x[5m]))`). */
    readonly total: string;
    /** Failed events; exactly one of `errors` and `good` is set. */
    readonly errors?: string;
    /** Successful events. */
    readonly good?: string;
}

/** A latency objective: the share of events at most `threshold`, read from a histogram's buckets. */
export interface LatencyObjective {
    /** A selector of the histogram's base name (`gateway_request_duration_ms{job="gateway"}`); absent: monitoring:http's histogram of the job. */
    readonly histogram?: string;
    /** The `le` bound, in the histogram's own unit (ms for a _ms histogram); for the HTTP histogram, seconds. */
    readonly threshold: number;
    /** Share of events that must be at most the threshold, e.g. 0.99. */
    readonly objective: number;
}

/** A service level objective; its series are labelled with `job`, which the SLO dashboard lists. */
export interface SloConfig {
    readonly job: string;
    /** Availability objective as a ratio of good events, e.g. 0.999. */
    readonly availability: number;
    readonly sli?: RatioSli;
    readonly latency?: LatencyObjective;
}

const OBJECTIVE = { min: 0.5, max: 0.99999 };

export function readSlos(raw: unknown): SloConfig[] {
    const slos = v.optional(raw, [] as SloConfig[], (x) => v.list("slos", x, readSlo));
    v.unique("slos", slos.map((s) => s.job), "job");
    return slos;
}

function readSlo(key: string, raw: unknown): SloConfig {
    const obj = v.fields(key, raw, ["job", "availability", "sli", "latency"]);
    if (obj.job === undefined) throw new ConfigError(`${key}.job`, "is missing; name the job (or service) the SLO is for");
    if (obj.availability === undefined) {
        throw new ConfigError(`${key}.availability`, "is missing; use a ratio such as 0.999 (99.9% of events succeed)");
    }
    return {
        job: v.jobName(`${key}.job`, obj.job),
        availability: v.number(`${key}.availability`, obj.availability, OBJECTIVE),
        sli: v.optional(obj.sli, undefined, (x) => readSli(`${key}.sli`, x)),
        latency: v.optional(obj.latency, undefined, (x) => readLatency(`${key}.latency`, x)),
    };
}

/** A counter expression of an SLI: it parses, and is a selector or reads ranges the windows can replace. */
function sliExpression(key: string, raw: unknown): string {
    const expr = v.string(key, raw).trim();
    const error = promqlRuleError(expr);
    if (error) throw new ConfigError(key, `${JSON.stringify(expr)} is not valid PromQL: ${error}`);
    const shape = sliShape(expr);
    if (!shape) {
        throw new ConfigError(key, `${JSON.stringify(expr)} reads no counter: give a selector such as gateway_requests_total{job="gateway"} or an expression with a range such as sum(rate(gateway_requests_total[5m]))`);
    }
    if (shape === "selector" && !selectorMetric(expr)) throw new ConfigError(key, `${JSON.stringify(expr)} names no metric`);
    return expr;
}

function readSli(key: string, raw: unknown): RatioSli {
    const obj = v.fields(key, raw, ["total", "errors", "good"]);
    if (obj.total === undefined) throw new ConfigError(`${key}.total`, "is missing; give the counter of every event, e.g. gateway_requests_total{job=\"gateway\"}");
    if ((obj.errors === undefined) === (obj.good === undefined)) {
        throw new ConfigError(key, "give exactly one of errors (failed events) or good (successful events), beside total");
    }
    return {
        total: sliExpression(`${key}.total`, obj.total),
        ...(obj.errors !== undefined ? { errors: sliExpression(`${key}.errors`, obj.errors) } : {}),
        ...(obj.good !== undefined ? { good: sliExpression(`${key}.good`, obj.good) } : {}),
    };
}

function readLatency(key: string, raw: unknown): LatencyObjective {
    const obj = v.fields(key, raw, ["histogram", "threshold", "thresholdSeconds", "objective"]);
    const histogram = v.optional(obj.histogram, undefined, (x) => readHistogram(`${key}.histogram`, x));
    if (histogram !== undefined && obj.thresholdSeconds !== undefined) {
        throw new ConfigError(`${key}.thresholdSeconds`, "is for the HTTP histogram; with histogram, give threshold in the histogram's own unit");
    }
    if (obj.threshold !== undefined && obj.thresholdSeconds !== undefined) throw new ConfigError(`${key}.threshold`, "give threshold or thresholdSeconds, not both");
    const field = obj.threshold !== undefined ? "threshold" : "thresholdSeconds";
    if (obj[field] === undefined) {
        throw new ConfigError(`${key}.threshold`, histogram
            ? "is missing; give an `le` bound of the histogram, in its own unit (e.g. 50 for a _ms histogram)"
            : "is missing; give thresholdSeconds, an `le` bound of the HTTP histogram in seconds, e.g. 0.5");
    }
    if (obj.objective === undefined) throw new ConfigError(`${key}.objective`, "is missing; use a ratio such as 0.99");
    const threshold = v.number(`${key}.${field}`, obj[field]);
    if (threshold <= 0) throw new ConfigError(`${key}.${field}`, `${threshold} must be above 0`);
    return { histogram, threshold, objective: v.number(`${key}.objective`, obj.objective, OBJECTIVE) };
}

function readHistogram(key: string, raw: unknown): string {
    const selector = v.string(key, raw).trim();
    const error = promqlRuleError(selector);
    const metric = error ? undefined : selectorMetric(selector);
    if (sliShape(selector) !== "selector" || !metric || !/^[a-zA-Z_:]/.test(selector)) {
        throw new ConfigError(key, `${JSON.stringify(selector)} is not a histogram selector; use e.g. gateway_request_duration_ms{job="gateway"}`);
    }
    const suffix = ["_bucket", "_count", "_sum"].find((s) => metric.endsWith(s));
    if (suffix) throw new ConfigError(key, `"${metric}" is one series of the histogram; give its base name, without ${suffix}`);
    return selector;
}
