// Programs run under Pulumi's mocks for the stack-naming tests: the default single stack, and
// several MonitoringStacks in one program, each reading its own config namespace.
import { loadConfig, pulumiConfigSource, SECRET_KEYS } from "../../config";
import { deployMonitoring } from "../../components/program";
import { MonitoringStack } from "../../components/stack";
import { RecordedResource, runUnderMocks } from "../../scripts/lib/mock-runtime";
import { monitoringValues, readStackFile } from "../../scripts/lib/stack-file";
import { prodValues } from "./prod";

/** Keys without their namespace -> `<namespace>:<key>`. */
function namespaced(namespace: string, values: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(values).map(([k, v]) => [`${namespace}:${k}`, v]));
}

/** Secret keys set in `config`, in any namespace, as `pulumi config set --secret` would mark them. */
function secretKeysOf(config: Record<string, unknown>): string[] {
    return Object.keys(config).filter((k) => (SECRET_KEYS as readonly string[]).includes(k.slice(k.indexOf(":") + 1)));
}

/** Configurations whose resources an upgrade must keep: what users deploy, and every optional service on. */
export const UPGRADE_RENDERS: { label: string; stack: string; values: () => Record<string, unknown> }[] = [
    { label: "dev", stack: "dev", values: () => monitoringValues(readStackFile("Pulumi.dev.yaml")) },
    { label: "dev-all-exporters", stack: "dev", values: () => monitoringValues(readStackFile("examples/all-exporters.yaml")) },
    {
        label: "dev-promtail",
        stack: "dev",
        values: () => ({ ...monitoringValues(readStackFile("Pulumi.dev.yaml")), logs: { shipper: "promtail" } }),
    },
    { label: "prod", stack: "prod", values: () => monitoringValues(readStackFile("Pulumi.prod.yaml")) },
    {
        label: "prod-everything",
        stack: "prod",
        values: () =>
            prodValues({
                exporters: {
                    kubeStateMetrics: true,
                    postgres: true,
                    redis: { address: "redis.apps.svc:6379" },
                    kafka: { brokers: ["kafka.apps.svc:9092"] },
                    blackbox: { probes: [{ url: "https://api.example.com/health" }] },
                },
                logs: { shipper: "promtail" },
            }),
    },
];

/** The one stack `index.ts` makes, from `values` (keys without `monitoring:`). */
export async function renderDefaultStack(stack: string, values: Record<string, unknown>): Promise<RecordedResource[]> {
    const config = namespaced("monitoring", values);
    const { resources } = await runUnderMocks({ project: "monitoring", stack, config, secretKeys: secretKeysOf(config) }, () =>
        deployMonitoring(loadConfig(pulumiConfigSource(), stack)),
    );
    return resources;
}

/**
 * One program with a MonitoringStack per entry of `stacks`, named after it and configured from the
 * config namespace of that name (`monitoring:*` for the stack named `monitoring`, `staging:*` for `staging`).
 */
export async function renderStacks(stack: string, stacks: Record<string, Record<string, unknown>>): Promise<RecordedResource[]> {
    const config = Object.assign({}, ...Object.entries(stacks).map(([name, values]) => namespaced(name, values)));
    const { resources } = await runUnderMocks({ project: "monitoring", stack, config, secretKeys: secretKeysOf(config) }, () => {
        for (const name of Object.keys(stacks)) new MonitoringStack(name, { config: loadConfig(pulumiConfigSource(name), stack) });
    });
    return resources;
}
