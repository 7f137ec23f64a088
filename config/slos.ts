import * as v from "./validate";

/** A service level objective for one job (filled in by the rules work). */
export interface SloConfig {
    readonly job: string;
    /** Availability objective as a ratio, e.g. 0.999. */
    readonly availability: number;
}

export function readSlos(raw: unknown): SloConfig[] {
    return v.optional(raw, [] as SloConfig[], (x) =>
        v.list("slos", x, (key, item) => {
            const obj = v.fields(key, item, ["job", "availability"]);
            return {
                job: v.jobName(`${key}.job`, obj.job),
                availability: v.number(`${key}.availability`, obj.availability, { min: 0.5, max: 0.99999 }),
            };
        }),
    );
}
