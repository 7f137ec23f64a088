import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { peerProtocols, ServiceSpec } from "../spec";
import { labelsOf, selectorOf } from "./labels";
import { KubeContext } from "./workload";

type IngressRule = k8s.types.input.networking.v1.NetworkPolicyIngressRule;
type EgressRule = k8s.types.input.networking.v1.NetworkPolicyEgressRule;

/** The API server's ports: 443 behind the `kubernetes` Service, 6443 on most control planes. */
const API_SERVER_PORTS = [443, 6443];

export interface NetworkPolicyInputs {
    readonly specs: ServiceSpec[];
    /** Services with an Ingress: the ingress controller reaches their exposed port. */
    readonly published: ReadonlySet<string>;
    /** Services that read the Kubernetes API. */
    readonly apiReaders: ReadonlySet<string>;
    /** The namespace each service runs in (node agents have their own). */
    readonly namespaceOf: (service: string) => string;
}

/** A rule's peer: a service's pods, in another namespace of the stack when it runs there. */
function peerOf(inputs: NetworkPolicyInputs, self: string, peer: string): Record<string, unknown> {
    const podSelector = { matchLabels: selectorOf(peer) };
    const namespace = inputs.namespaceOf(peer);
    return namespace === inputs.namespaceOf(self)
        ? { podSelector }
        : { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } }, podSelector };
}

interface Connection {
    readonly from: string;
    readonly to: string;
    readonly ports: { port: number; protocol: string }[];
}

function servicePorts(spec: ServiceSpec): { port: number; protocol: string }[] {
    return spec.ports.filter((p) => p.port !== spec.peerPort).map((p) => ({ port: p.port, protocol: "TCP" }));
}

/**
 * Every in-stack connection, from what the specs declare: a client's `outbound` naming a service, a
 * server's `inbound`, and replicas gossiping on their peer port. A flow whose other end is not
 * deployed is left out.
 */
export function stackConnections(specs: ServiceSpec[]): Connection[] {
    const byName = new Map(specs.map((s) => [s.name, s]));
    const connections = new Map<string, Connection>();
    const add = (from: string, to: ServiceSpec | undefined, ports: { port: number; protocol: string }[]) => {
        if (!byName.has(from) || !to || ports.length === 0) return;
        const key = `${from}->${to.name}`;
        const known = connections.get(key)?.ports ?? [];
        const merged = [...known, ...ports.filter((p) => !known.some((k) => k.port === p.port && k.protocol === p.protocol))];
        connections.set(key, { from, to: to.name, ports: merged });
    };
    for (const spec of specs) {
        for (const out of spec.outbound ?? []) {
            if (out.service === undefined) continue;
            const server = byName.get(out.service);
            add(spec.name, server, out.port ? [{ port: out.port, protocol: out.protocol ?? "TCP" }] : server ? servicePorts(server) : []);
        }
        for (const from of spec.inbound ?? []) {
            add(from.from, spec, from.ports ? from.ports.map((port) => ({ port, protocol: "TCP" })) : servicePorts(spec));
        }
        if (spec.peerPort && (spec.replicas ?? 1) > 1) {
            add(
                spec.name,
                spec,
                peerProtocols(spec).map((protocol) => ({ port: spec.peerPort!, protocol })),
            );
        }
    }
    return [...connections.values()];
}

/** Anywhere but the cluster itself: receivers and remote stores on the internet. */
function outside(ctx: KubeContext) {
    const except = ctx.kubernetes.clusterCidrs;
    return [{ ipBlock: { cidr: "0.0.0.0/0", ...(except.length ? { except } : {}) } }];
}

/** The nodes' addresses (`monitoring:kubernetes.nodeCidrs`). */
function nodes(ctx: KubeContext) {
    return ctx.kubernetes.nodeCidrs.map((cidr) => ({ ipBlock: { cidr } }));
}

function ingressRules(ctx: KubeContext, spec: ServiceSpec, inputs: NetworkPolicyInputs, connections: Connection[]): IngressRule[] {
    const rules: IngressRule[] = [];
    const exposed = spec.ports.find((p) => p.expose);
    if (exposed && inputs.published.has(spec.name)) {
        rules.push({
            from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ctx.kubernetes.ingressNamespace } } }],
            ports: [{ port: exposed.port, protocol: "TCP" }],
        });
    }
    for (const c of connections.filter((c) => c.to === spec.name)) {
        rules.push({ from: [peerOf(inputs, spec.name, c.from)], ports: c.ports });
    }
    return rules;
}

function egressRules(ctx: KubeContext, spec: ServiceSpec, inputs: NetworkPolicyInputs, connections: Connection[]): EgressRule[] {
    const onHost = new Set(inputs.specs.filter((s) => s.hostNamespaces).map((s) => s.name));
    const rules: EgressRule[] = connections
        .filter((c) => c.from === spec.name)
        // A host-network pod answers on its node's address, which no pod or namespace selector matches.
        .map((c) => ({ to: onHost.has(c.to) ? nodes(ctx) : [peerOf(inputs, spec.name, c.to)], ports: c.ports }));
    for (const out of spec.outbound ?? []) {
        if (out.service !== undefined) continue;
        const ports = out.port === undefined ? undefined : [{ port: out.port, protocol: out.protocol ?? "TCP" }];
        if (out.pods) {
            // Pods only, and only in those namespaces; discovered pods pick their own port, so without `port` any.
            const names = out.pods.namespaces;
            const namespaceSelector = names.length ? { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: names }] } : {};
            rules.push({ to: [{ namespaceSelector, podSelector: {} }], ...(ports ? { ports } : {}) });
            continue;
        }
        if (!ports) continue;
        if (out.cidrs) rules.push({ to: out.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports });
        // Without `to`, the port is open toward any address, in the cluster or not (the user's targets).
        else rules.push(out.external ? { to: outside(ctx), ports } : { ports });
    }
    if (inputs.apiReaders.has(spec.name)) {
        rules.push({
            to: ctx.kubernetes.apiServerCidrs.map((cidr) => ({ ipBlock: { cidr } })),
            ports: API_SERVER_PORTS.map((port) => ({ port, protocol: "TCP" })),
        });
    }
    return rules;
}

/**
 * Deny every connection in the namespace, then allow exactly what the specs declare: the ingress
 * controller to the UIs, their inbound and outbound flows within the stack, peers to each other,
 * DNS, outbound ports beyond the stack, discovered pods and API access.
 */
export function createNetworkPolicies(ctx: KubeContext, inputs: NetworkPolicyInputs, opts: pulumi.CustomResourceOptions): void {
    const namespaces = [...new Set([ctx.namespace, ...inputs.specs.map((s) => inputs.namespaceOf(s.name))])];
    for (const namespace of namespaces) {
        // The stack's namespace keeps the plain names; another one (the node agents') is suffixed.
        const suffix = namespace === ctx.namespace ? "" : `-${namespace}`;
        const metadata = (name: string) => ({ name, namespace, labels: labelsOf("monitoring") });
        new k8s.networking.v1.NetworkPolicy(
            ctx.names.of(`default-deny${suffix}`),
            { metadata: metadata("default-deny"), spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
            ctx.names.aliased(`default-deny${suffix}`, opts),
        );
        new k8s.networking.v1.NetworkPolicy(
            ctx.names.of(`allow-dns${suffix}`),
            {
                metadata: metadata("allow-dns"),
                spec: {
                    podSelector: {},
                    policyTypes: ["Egress"],
                    egress: [
                        {
                            to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }],
                            ports: [
                                { port: 53, protocol: "UDP" },
                                { port: 53, protocol: "TCP" },
                            ],
                        },
                    ],
                },
            },
            ctx.names.aliased(`allow-dns${suffix}`, opts),
        );
    }
    const connections = stackConnections(inputs.specs);
    for (const spec of inputs.specs) {
        const ingress = ingressRules(ctx, spec, inputs, connections);
        const egress = egressRules(ctx, spec, inputs, connections);
        if (ingress.length === 0 && egress.length === 0) continue;
        new k8s.networking.v1.NetworkPolicy(
            ctx.names.of(`allow-${spec.name}`),
            {
                metadata: { name: `allow-${spec.name}`, namespace: inputs.namespaceOf(spec.name), labels: labelsOf("monitoring") },
                spec: { podSelector: { matchLabels: selectorOf(spec.name) }, policyTypes: ["Ingress", "Egress"], ingress, egress },
            },
            ctx.names.aliased(`allow-${spec.name}`, opts),
        );
    }
}
