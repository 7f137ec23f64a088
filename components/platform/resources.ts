import { ResourceOverride } from "../../config";
import { ResourceSpec, ServiceSpec } from "./spec";

/** Requests and limits of the reloader sidecar; `monitoring:resources.reloader` overrides them. */
export const RELOADER_RESOURCES: ResourceSpec = { cpuRequest: "10m", memoryRequest: "16Mi", cpuLimit: "100m", memoryLimit: "64Mi" };

/** A service's resources with the user's `monitoring:resources.<service>` applied over its defaults. */
export function resourcesFor(name: string, defaults: ResourceSpec, overrides: Record<string, ResourceOverride>): ResourceSpec {
    const given = overrides[name] ?? {};
    return {
        cpuRequest: given.cpuRequest ?? defaults.cpuRequest,
        memoryRequest: given.memoryRequest ?? defaults.memoryRequest,
        cpuLimit: given.cpuLimit ?? defaults.cpuLimit,
        memoryLimit: given.memoryLimit ?? defaults.memoryLimit,
    };
}

/** The spec with its resources overridden; Docker and Kubernetes both take it. */
export function withResourceOverrides(spec: ServiceSpec, overrides: Record<string, ResourceOverride>): ServiceSpec {
    return overrides[spec.name] ? { ...spec, resources: resourcesFor(spec.name, spec.resources, overrides) } : spec;
}
