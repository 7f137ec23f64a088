import * as v from "./validate";

/** Alert thresholds by name; the rules issue fills in the catalogue of names and defaults. */
export type ThresholdsConfig = Readonly<Record<string, number>>;

export const THRESHOLD_DEFAULTS: ThresholdsConfig = {
    httpErrorRatePercent: 5,
    httpLatencyP95Seconds: 1,
};

export function readThresholds(raw: unknown): ThresholdsConfig {
    const key = "thresholds";
    const obj = v.fields(key, raw ?? {}, Object.keys(THRESHOLD_DEFAULTS));
    const out: Record<string, number> = { ...THRESHOLD_DEFAULTS };
    for (const [name, value] of Object.entries(obj)) out[name] = v.number(`${key}.${name}`, value, { min: 0 });
    return out;
}
