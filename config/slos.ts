import { ConfigError } from "./errors";
import * as v from "./validate";

/** A latency objective: the share of requests faster than a histogram bucket boundary. */
export interface LatencyObjective {
    /** An `le` bucket boundary of http_request_duration_seconds, e.g. 0.5. */
    readonly thresholdSeconds: number;
    /** Share of requests that must be at most thresholdSeconds, e.g. 0.99. */
    readonly objective: number;
}

/** A service level objective for one job, measured on http_requests_total over 30 days. */
export interface SloConfig {
    readonly job: string;
    /** Availability objective as a ratio of non-5xx requests, e.g. 0.999. */
    readonly availability: number;
    readonly latency?: LatencyObjective;
}

const OBJECTIVE = { min: 0.5, max: 0.99999 };

export function readSlos(raw: unknown): SloConfig[] {
    const slos = v.optional(raw, [] as SloConfig[], (x) => v.list("slos", x, readSlo));
    v.unique(
        "slos",
        slos.map((s) => s.job),
        "job",
    );
    return slos;
}

function readSlo(key: string, raw: unknown): SloConfig {
    const obj = v.fields(key, raw, ["job", "availability", "latency"]);
    if (obj.job === undefined) throw new ConfigError(`${key}.job`, "is missing; name the scrape job the SLO is for");
    if (obj.availability === undefined) {
        throw new ConfigError(`${key}.availability`, "is missing; use a ratio such as 0.999 (99.9% of requests succeed)");
    }
    return {
        job: v.jobName(`${key}.job`, obj.job),
        availability: v.number(`${key}.availability`, obj.availability, OBJECTIVE),
        latency: v.optional(obj.latency, undefined, (x) => readLatency(`${key}.latency`, x)),
    };
}

function readLatency(key: string, raw: unknown): LatencyObjective {
    const obj = v.fields(key, raw, ["thresholdSeconds", "objective"]);
    if (obj.thresholdSeconds === undefined) {
        throw new ConfigError(`${key}.thresholdSeconds`, "is missing; use a bucket boundary of http_request_duration_seconds, e.g. 0.5");
    }
    if (obj.objective === undefined) throw new ConfigError(`${key}.objective`, "is missing; use a ratio such as 0.99");
    const thresholdSeconds = v.number(`${key}.thresholdSeconds`, obj.thresholdSeconds, { max: 3600 });
    if (thresholdSeconds <= 0) throw new ConfigError(`${key}.thresholdSeconds`, `${thresholdSeconds} must be above 0`);
    return { thresholdSeconds, objective: v.number(`${key}.objective`, obj.objective, OBJECTIVE) };
}
