import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ApiReadRule, ServiceSpec } from "../spec";
import { labelsOf } from "./labels";
import { KubeContext } from "./workload";

/** What Prometheus' Kubernetes service discovery lists and watches. */
export const DISCOVERY_READ: ApiReadRule[] = [
    { apiGroups: [""], resources: ["pods", "services", "endpoints", "nodes"] },
    { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"] },
];

/** What a log shipper's pod discovery lists and watches (ServiceSpec.discoversPods). */
export const POD_DISCOVERY_READ: ApiReadRule[] = [{ apiGroups: [""], resources: ["pods", "nodes", "namespaces"] }];

/** Every read rule a service needs, from its spec: one per API group and verbs, each resource named once. */
export function readRulesOf(spec: ServiceSpec): ApiReadRule[] {
    const merged = new Map<string, ApiReadRule>();
    for (const rule of [...(spec.discoversPods ? POD_DISCOVERY_READ : []), ...(spec.clusterRead ?? [])]) {
        const key = JSON.stringify([rule.apiGroups, rule.verbs ?? null]);
        const resources = [...new Set([...(merged.get(key)?.resources ?? []), ...rule.resources])];
        merged.set(key, { ...rule, resources });
    }
    return [...merged.values()];
}

/**
 * A ServiceAccount per service. One that reads the API gets a ClusterRole of get/list/watch on
 * exactly the resources it names, bound to it alone; the others get no token at all.
 */
export function createServiceAccount(ctx: KubeContext, spec: ServiceSpec, rules: ApiReadRule[], opts: pulumi.CustomResourceOptions): string {
    const labels = labelsOf(spec.name);
    const account = new k8s.core.v1.ServiceAccount(
        ctx.names.of(spec.name),
        { metadata: { name: spec.name, namespace: ctx.namespace, labels }, automountServiceAccountToken: false },
        ctx.names.aliased(spec.name, opts),
    );
    if (rules.length > 0) {
        // Cluster-scoped: the namespace in the name keeps two stacks in one cluster apart.
        const name = `${ctx.namespace}-${spec.name}`;
        const role = new k8s.rbac.v1.ClusterRole(
            ctx.names.of(spec.name),
            {
                metadata: { name, labels },
                rules: [
                    ...rules.map((r) => ({ apiGroups: r.apiGroups, resources: r.resources, verbs: r.verbs ?? ["get", "list", "watch"] })),
                    ...(spec.clusterReadUrls?.length ? [{ nonResourceURLs: spec.clusterReadUrls, verbs: ["get"] }] : []),
                ],
            },
            ctx.names.aliased(spec.name, opts),
        );
        new k8s.rbac.v1.ClusterRoleBinding(
            ctx.names.of(spec.name),
            {
                metadata: { name, labels },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
                subjects: [{ kind: "ServiceAccount", name: account.metadata.name, namespace: ctx.namespace }],
            },
            ctx.names.aliased(spec.name, opts),
        );
    }
    return spec.name;
}
