import { ConfigError } from "./errors";
import { PromqlRenames } from "./promql";
import * as v from "./validate";

export type DurationUnit = "seconds" | "milliseconds";

/**
 * How the user's services name their HTTP metrics and labels. The one place the HTTP rules,
 * the RED dashboard and the SLOs take the mapping from: the files on disk use the defaults
 * (client_golang's names), and everything rendered is rewritten through the PromQL parser.
 */
export interface HttpConfig {
    /** Counter of requests (`http_requests_total`). */
    readonly requestsMetric: string;
    /** Base name of the request duration histogram, without `_bucket` (`http_request_duration_seconds`). */
    readonly durationMetric: string;
    /** Unit of the histogram's observations and `le` bounds. */
    readonly durationUnit: DurationUnit;
    /** The label holding the status code (`code` in client_golang, `status` in some libraries). */
    readonly statusLabel: string;
    /** The label holding the route template (`route`, `handler`, `path`, ...). */
    readonly routeLabel: string;
}

/** The names rules/http.yml, rules/slo.yml and dashboards/services/http-red.json are written with. */
export const DEFAULT_HTTP: HttpConfig = {
    requestsMetric: "http_requests_total",
    durationMetric: "http_request_duration_seconds",
    durationUnit: "seconds",
    statusLabel: "code",
    routeLabel: "route",
};

const UNIT_SECONDS: Record<DurationUnit, number> = { seconds: 1, milliseconds: 1000 };
const HISTOGRAM_SERIES = ["_bucket", "_count", "_sum"] as const;

function metricName(key: string, raw: unknown): string {
    if (typeof raw !== "string" || !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(raw)) {
        throw new ConfigError(key, `${JSON.stringify(raw)} is not a metric name; use letters, digits, _ and :`);
    }
    return raw;
}

export function readHttp(raw: unknown): HttpConfig {
    const key = "http";
    const obj = v.fields(key, raw ?? {}, ["requestsMetric", "durationMetric", "durationUnit", "statusLabel", "routeLabel"]);
    const http: HttpConfig = {
        requestsMetric: v.optional(obj.requestsMetric, DEFAULT_HTTP.requestsMetric, (x) => metricName(`${key}.requestsMetric`, x)),
        durationMetric: v.optional(obj.durationMetric, DEFAULT_HTTP.durationMetric, (x) => metricName(`${key}.durationMetric`, x)),
        durationUnit: v.optional(obj.durationUnit, DEFAULT_HTTP.durationUnit, (x) =>
            v.oneOf(`${key}.durationUnit`, x, Object.keys(UNIT_SECONDS) as DurationUnit[])),
        statusLabel: v.optional(obj.statusLabel, DEFAULT_HTTP.statusLabel, (x) => v.labelName(`${key}.statusLabel`, x)),
        routeLabel: v.optional(obj.routeLabel, DEFAULT_HTTP.routeLabel, (x) => v.labelName(`${key}.routeLabel`, x)),
    };
    const suffix = HISTOGRAM_SERIES.find((s) => http.durationMetric.endsWith(s));
    if (suffix) {
        throw new ConfigError(`${key}.durationMetric`, `"${http.durationMetric}" is one series of the histogram; give its base name, without ${suffix}`);
    }
    for (const field of ["statusLabel", "routeLabel"] as const) {
        const label = http[field];
        if (["job", "instance", "le", "__name__"].includes(label)) {
            throw new ConfigError(`${key}.${field}`, `"${label}" is a label the rules already use for something else`);
        }
    }
    if (http.statusLabel === http.routeLabel) {
        throw new ConfigError(`${key}.routeLabel`, `"${http.routeLabel}" is also the status label; they must differ`);
    }
    return http;
}

/** The series names of the mapped metrics, for queries written from scratch (SLO rules). */
export function httpSeries(http: HttpConfig): { requests: string; bucket: string; count: string; sum: string } {
    return { requests: http.requestsMetric, bucket: `${http.durationMetric}_bucket`, count: `${http.durationMetric}_count`, sum: `${http.durationMetric}_sum` };
}

/** A duration in seconds as the histogram counts it: the value of an `le` bound. */
export function inHistogramUnit(http: HttpConfig, seconds: number): number {
    return Number((seconds * UNIT_SECONDS[http.durationUnit]).toPrecision(12));
}

/**
 * Renames that turn an expression written with the default names into this stack's: metrics,
 * the status and route labels, and quantiles of a millisecond histogram divided back to seconds.
 */
export function httpRenames(http: HttpConfig): PromqlRenames {
    const metrics: Record<string, string> = {};
    const labels: Record<string, string> = {};
    if (http.requestsMetric !== DEFAULT_HTTP.requestsMetric) metrics[DEFAULT_HTTP.requestsMetric] = http.requestsMetric;
    if (http.durationMetric !== DEFAULT_HTTP.durationMetric) {
        for (const s of HISTOGRAM_SERIES) metrics[`${DEFAULT_HTTP.durationMetric}${s}`] = `${http.durationMetric}${s}`;
    }
    if (http.statusLabel !== DEFAULT_HTTP.statusLabel) labels[DEFAULT_HTTP.statusLabel] = http.statusLabel;
    if (http.routeLabel !== DEFAULT_HTTP.routeLabel) labels[DEFAULT_HTTP.routeLabel] = http.routeLabel;
    return {
        metrics,
        labels,
        scaleQuantiles: { metrics: [DEFAULT_HTTP.durationMetric], by: UNIT_SECONDS[http.durationUnit] },
    };
}

/** Whether `http` differs from the names the files on disk are written with. */
export function isDefaultHttp(http: HttpConfig): boolean {
    return (Object.keys(DEFAULT_HTTP) as (keyof HttpConfig)[]).every((k) => http[k] === DEFAULT_HTTP[k]);
}

export const DEFAULT_RUNBOOK_BASE_URL = "https://github.com/your-org/monitoring/blob/main/";

/** Where RUNBOOK.md is browsable; alerts link to `<base>RUNBOOK.md#<alert>`. */
export function readRunbookBaseUrl(raw: unknown): string {
    const key = "runbookBaseUrl";
    const base = v.optional(raw, DEFAULT_RUNBOOK_BASE_URL, (x) => v.url(key, x));
    if (!base.endsWith("/")) {
        throw new ConfigError(key, `${JSON.stringify(base)} must end with /; use e.g. https://github.com/acme/monitoring/blob/main/`);
    }
    return base;
}
