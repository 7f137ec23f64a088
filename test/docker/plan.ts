// The dev program's Docker resources, built under Pulumi's mocks with the real secret values,
// as the Docker provider would receive them from `pulumi up --stack dev`.
import { loadConfig, objectConfigSource, pulumiConfigSource, SECRET_KEYS } from "../../config";
import { deployMonitoring } from "../../components/program";
import { reveal, runUnderMocks } from "../../scripts/lib/mock-runtime";

/** One resource the program declares: its type token, logical name and inputs (secrets revealed). */
export interface PlannedResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, any>;
}

/** Builds stack `stack` from `values` (keys without `monitoring:`) and returns its resources in creation order. */
export async function planStack(stack: string, values: Record<string, unknown>): Promise<PlannedResource[]> {
    // Validate first, like the render: a bad test configuration names its key.
    loadConfig(objectConfigSource(values), stack);
    const config = Object.fromEntries(Object.entries(values).map(([k, v]) => [`monitoring:${k}`, v]));
    const secretKeys = SECRET_KEYS.filter((k) => k in values).map((k) => `monitoring:${k}`);
    const planned: PlannedResource[] = [];
    await runUnderMocks(
        {
            project: "monitoring",
            stack,
            config,
            secretKeys,
            onNewResource: (args) => planned.push({ type: args.type, name: args.name, inputs: reveal(args.inputs) as Record<string, any> }),
        },
        () => deployMonitoring(loadConfig(pulumiConfigSource(), stack)),
    );
    return planned;
}
