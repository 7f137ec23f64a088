// The prod stack as its tests render it: Pulumi.prod.yaml plus plain-text secrets, and helpers
// that read Kubernetes objects out of the recorded resources.
import * as assert from "assert";
import { RecordedResource } from "../../scripts/lib/mock-runtime";
import { monitoringValues, readStackFile } from "../../scripts/lib/stack-file";
import { FAKE_SECRETS, SECRET_NEEDLES } from "./render";
import { inStack } from "./stack-names";

export const REMOTE_WRITE_SECRET = "rwSecretW7k";
/** Every secret value the prod render is given: none may appear in a rendered file. */
export const PROD_NEEDLES = [...SECRET_NEEDLES, REMOTE_WRITE_SECRET];
export const STATEFULSET = "kubernetes:apps/v1:StatefulSet";
export const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
export const DAEMONSET = "kubernetes:apps/v1:DaemonSet";
export const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

/** Pulumi.prod.yaml as shipped, every receiver and remote_write on, plus `extra` (keys without `monitoring:`). */
export function prodValues(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        ...monitoringValues(readStackFile("Pulumi.prod.yaml")),
        ...FAKE_SECRETS,
        remoteWrite: [{ url: "https://mimir.example.com/api/v1/push", username: "monitoring" }],
        remoteWritePassword: REMOTE_WRITE_SECRET,
        alerting: {
            slack: { channels: { critical: "#alerts-critical", warning: "#alerts-warnings", info: "#alerts-general" } },
            email: { to: "oncall@example.com", from: "alerts@example.com", smarthost: "smtp.example.com:587", username: "alerts" },
            pagerduty: { severities: ["critical"] },
            webhook: { matchers: ['notify_sms="true"'] },
        },
        // The exporters with secrets, so the leak tests see their DSNs and passwords too.
        exporters: { kubeStateMetrics: true, postgres: true, mysql: true, redis: { address: "redis.data.svc:6379" } },
        ...extra,
    };
}

/** Resources of `type`; with `name`, the one the stack names so (`prometheus`: logical name `monitoring-prometheus`). */
export const of = (resources: RecordedResource[], type: string, name?: string) =>
    resources.filter((r) => r.type === type && (name === undefined || r.name === inStack(name)));

/** The inputs of the one resource of that type and name. */
export function one(resources: RecordedResource[], type: string, name: string): any {
    const found = of(resources, type, name);
    assert.strictEqual(found.length, 1, `expected one ${type} ${name}, found ${found.length}`);
    return found[0].inputs;
}

export const workloads = (resources: RecordedResource[]) => resources.filter((r) => [STATEFULSET, DEPLOYMENT, DAEMONSET].includes(r.type));
export const podSpec = (w: RecordedResource): any => (w.inputs as any).spec.template.spec;
export const containers = (w: RecordedResource): any[] => [...(podSpec(w).containers ?? []), ...(podSpec(w).initContainers ?? [])];
/** The labels a service's pods are selected by. */
export const selector = (service: string) => ({ "app.kubernetes.io/name": service, "app.kubernetes.io/part-of": "monitoring" });

/** The spec of the allow-<service> NetworkPolicy. */
export function policy(resources: RecordedResource[], service: string): any {
    return one(resources, NETWORK_POLICY, `allow-${service}`).spec;
}

/** A rule's ports as `9090/TCP`. */
export function portsOf(rule: any): string[] {
    return (rule.ports ?? []).map((p: any) => `${p.port}/${p.protocol}`);
}

/** The stack's namespaces: its own, and the node agents' (node exporter, the log shipper). */
export const STACK_NAMESPACES = ["monitoring", "monitoring-agents"];

/**
 * Whether rules let pods of `peer` through on `port` (TCP unless written `n/UDP`): pods of the same
 * namespace, or of the stack's other namespace named explicitly, never any namespace.
 */
export function allowsPods(rules: any[], key: "from" | "to", peer: string, port: string): boolean {
    const wanted = port.includes("/") ? port : `${port}/TCP`;
    const ofStack = (p: any) => !p.namespaceSelector || STACK_NAMESPACES.includes(p.namespaceSelector.matchLabels?.["kubernetes.io/metadata.name"]);
    return rules.some(
        (r) =>
            (r[key] ?? []).some((p: any) => JSON.stringify(p.podSelector?.matchLabels) === JSON.stringify(selector(peer)) && ofStack(p)) &&
            portsOf(r).includes(wanted),
    );
}
