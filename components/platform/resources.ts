import { ConfigError, ResourceOverride } from "../../config";
import { quantityValue } from "../../config/units";
import { ResourceSpec, ServiceSpec } from "./spec";

/** Requests and limits of the reloader sidecar; `monitoring:resources.reloader` overrides them. */
export const RELOADER_RESOURCES: ResourceSpec = { cpuRequest: "10m", memoryRequest: "16Mi", cpuLimit: "100m", memoryLimit: "64Mi" };

/** A service's resources with the user's `monitoring:resources.<service>` applied over its defaults. */
export function resourcesFor(name: string, defaults: ResourceSpec, overrides: Record<string, ResourceOverride>): ResourceSpec {
    const given = overrides[name] ?? {};
    const merged = {
        cpuRequest: given.cpuRequest ?? defaults.cpuRequest,
        memoryRequest: given.memoryRequest ?? defaults.memoryRequest,
        cpuLimit: given.cpuLimit ?? defaults.cpuLimit,
        memoryLimit: given.memoryLimit ?? defaults.memoryLimit,
    };
    // Kubernetes refuses a request above its limit; the user's one value may clash with a default.
    for (const [request, limit] of [["cpuRequest", "cpuLimit"], ["memoryRequest", "memoryLimit"]] as const) {
        if (quantityValue(merged[request])! <= quantityValue(merged[limit])!) continue;
        const field = given[request] !== undefined ? request : limit;
        const other = field === request ? limit : request;
        throw new ConfigError(
            `resources.${name}.${field}`,
            `${merged[field]} ${field === request ? "is above" : "is below"} the ${name} default ${other} ${merged[other]}; set resources.${name}.${other} too`,
        );
    }
    return merged;
}

/** The spec with its resources overridden; Docker and Kubernetes both take it. */
export function withResourceOverrides(spec: ServiceSpec, overrides: Record<string, ResourceOverride>): ServiceSpec {
    return overrides[spec.name] ? { ...spec, resources: resourcesFor(spec.name, spec.resources, overrides) } : spec;
}
