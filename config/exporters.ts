import * as v from "./validate";

/** Which exporters run, and how each reaches what it watches. */
export interface ExportersConfig {
    readonly node: boolean;
}

export function readExporters(raw: unknown): ExportersConfig {
    const key = "exporters";
    const obj = v.fields(key, raw ?? {}, ["node"]);
    return {
        node: v.optional(obj.node, true, (x) => v.boolean(`${key}.node`, x)),
    };
}
