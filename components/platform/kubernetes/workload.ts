import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KubernetesConfig, TlsConfig } from "../../../config";
import { peerProtocols, ServiceSpec } from "../spec";
import { StackNames } from "../naming";
import { MountedFiles } from "./files";
import { headlessName, labelsOf, selectorOf } from "./labels";
import { podTemplate, PodOptions } from "./pod";

/** What every Kubernetes object of the stack shares. */
export interface KubeContext {
    readonly namespace: string;
    readonly provider: k8s.Provider;
    readonly kubernetes: KubernetesConfig;
    readonly tls: TlsConfig;
    /** Logical names of the stack's resources (`<stack>-<object name>`), with aliases to their former names. */
    readonly names: StackNames;
}

/** Pulumi's annotation choosing how deleting an object treats its dependents (pods of a workload). */
const DELETION_PROPAGATION = "pulumi.com/deletionPropagationPolicy";

function meta(ctx: KubeContext, name: string, service: string, annotations?: Record<string, string>) {
    return { name, namespace: ctx.namespace, labels: labelsOf(service), ...(annotations ? { annotations } : {}) };
}

/** The ConfigMaps and Secrets a service's projected volumes read. */
export function createFileObjects(ctx: KubeContext, spec: ServiceSpec, files: MountedFiles, opts: pulumi.CustomResourceOptions): pulumi.Resource[] {
    return files.sources.map((source) =>
        source.kind === "secret"
            ? new k8s.core.v1.Secret(
                  ctx.names.of(source.name),
                  { metadata: meta(ctx, source.name, spec.name), type: "Opaque", stringData: source.data },
                  ctx.names.aliased(source.name, opts),
              )
            : new k8s.core.v1.ConfigMap(
                  ctx.names.of(source.name),
                  { metadata: meta(ctx, source.name, spec.name), data: source.data },
                  ctx.names.aliased(source.name, opts),
              ),
    );
}

function claimSpec(ctx: KubeContext, size: string): k8s.types.input.core.v1.PersistentVolumeClaimSpec {
    return {
        accessModes: ["ReadWriteOnce"],
        ...(ctx.kubernetes.storageClass ? { storageClassName: ctx.kubernetes.storageClass } : {}),
        resources: { requests: { storage: size } },
    };
}

/**
 * A StatefulSet (a PersistentVolumeClaim per replica, stable pod names through the headless
 * Service), a Deployment or a DaemonSet, by the spec's kind.
 */
export function createWorkload(ctx: KubeContext, spec: ServiceSpec, pod: Omit<PodOptions, "dataVolume">, given: pulumi.CustomResourceOptions): pulumi.Resource {
    const metadata = meta(ctx, spec.name, spec.name);
    const name = ctx.names.of(spec.name);
    const opts = ctx.names.aliased(spec.name, given);
    const selector = { matchLabels: selectorOf(spec.name) };
    const replicas = spec.replicas ?? 1;
    switch (spec.kind ?? "deployment") {
        case "statefulset":
            return new k8s.apps.v1.StatefulSet(
                name,
                {
                    // A replacement (a changed claim template or selector) deletes the old object but leaves its
                    // pods: the new StatefulSet adopts them and rolls them one at a time, so replicas keep serving.
                    metadata: { ...metadata, annotations: { [DELETION_PROPAGATION]: "orphan" } },
                    spec: {
                        serviceName: headlessName(spec.name),
                        replicas,
                        // Replicas are peers, not a chain: start them together.
                        podManagementPolicy: "Parallel",
                        // One replica at a time, each Ready before the next goes (the PDB's maxUnavailable, for updates).
                        updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 0, maxUnavailable: 1 } },
                        selector,
                        template: podTemplate(spec, pod),
                        volumeClaimTemplates: spec.data
                            ? [{ metadata: { name: "data", labels: labelsOf(spec.name) }, spec: claimSpec(ctx, spec.data.size) }]
                            : [],
                    },
                },
                opts,
            );
        case "daemonset":
            return new k8s.apps.v1.DaemonSet(
                name,
                {
                    metadata,
                    spec: {
                        selector,
                        updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
                        // A non-root agent cannot write a host directory the kubelet creates as root: its state
                        // (log positions) lives as long as the pod; a new pod re-reads, and Loki drops exact duplicates.
                        template: podTemplate(spec, { ...pod, dataVolume: { name: "data", emptyDir: {} } }),
                    },
                },
                opts,
            );
        case "deployment": {
            // One replica keeps its data on a claim; several share their state elsewhere (Grafana's database).
            const claim =
                spec.data && replicas === 1
                    ? new k8s.core.v1.PersistentVolumeClaim(
                          ctx.names.of(`${spec.name}-data`),
                          { metadata: meta(ctx, `${spec.name}-data`, spec.name), spec: claimSpec(ctx, spec.data.size) },
                          ctx.names.aliased(`${spec.name}-data`, given),
                      )
                    : undefined;
            return new k8s.apps.v1.Deployment(
                name,
                {
                    metadata,
                    spec: {
                        replicas,
                        selector,
                        // A ReadWriteOnce claim cannot be mounted by the old and the new pod at once.
                        strategy: claim ? { type: "Recreate" } : { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
                        template: podTemplate(spec, {
                            ...pod,
                            dataVolume: claim ? { name: "data", persistentVolumeClaim: { claimName: claim.metadata.name } } : { name: "data", emptyDir: {} },
                        }),
                    },
                },
                opts,
            );
        }
    }
}

/** The Service other services use, and for a StatefulSet the headless one that names each pod. */
export function createServices(ctx: KubeContext, spec: ServiceSpec, opts: pulumi.CustomResourceOptions): void {
    const ports = spec.ports.filter((p) => p.port !== spec.peerPort).map((p) => ({ name: p.name, port: p.port, targetPort: p.port, protocol: "TCP" }));
    if (ports.length > 0) {
        // Client-IP affinity keeps each client (a Grafana pod) on one replica, so its graphs do not jump between two TSDBs.
        const affinity = spec.stickyClients && (spec.replicas ?? 1) > 1 ? { sessionAffinity: "ClientIP" } : {};
        new k8s.core.v1.Service(
            ctx.names.of(spec.name),
            { metadata: meta(ctx, spec.name, spec.name), spec: { selector: selectorOf(spec.name), ports, ...affinity } },
            ctx.names.aliased(spec.name, opts),
        );
    }
    if (spec.kind === "statefulset") {
        // Alertmanager gossips over TCP and UDP on the same port (TCP alone over TLS).
        const peer = peerProtocols(spec).map((protocol) => ({
            name: `peer-${protocol.toLowerCase()}`,
            port: spec.peerPort!,
            targetPort: spec.peerPort!,
            protocol,
        }));
        new k8s.core.v1.Service(
            ctx.names.of(headlessName(spec.name)),
            {
                metadata: meta(ctx, headlessName(spec.name), spec.name),
                spec: {
                    clusterIP: "None",
                    // Peers must find each other before they are ready (gossip forms the cluster).
                    publishNotReadyAddresses: true,
                    selector: selectorOf(spec.name),
                    ports: [...ports, ...peer],
                },
            },
            ctx.names.aliased(headlessName(spec.name), opts),
        );
    }
}

/** A node drain takes at most one replica of a replicated workload at a time. */
export function createDisruptionBudget(ctx: KubeContext, spec: ServiceSpec, opts: pulumi.CustomResourceOptions): void {
    if ((spec.replicas ?? 1) <= 1 || spec.kind === "daemonset") return;
    new k8s.policy.v1.PodDisruptionBudget(
        ctx.names.of(spec.name),
        { metadata: meta(ctx, spec.name, spec.name), spec: { maxUnavailable: 1, selector: { matchLabels: selectorOf(spec.name) } } },
        ctx.names.aliased(spec.name, opts),
    );
}

/**
 * ingress-nginx speaks HTTPS to a backend serving the in-cluster certificate and verifies it: against
 * the stack's CA (`caSecret`, a Secret holding `ca.crt`), for the name the certificate holds, sent as SNI.
 */
export function backendTlsAnnotations(ctx: KubeContext, service: string, caSecret: string): Record<string, string> {
    return {
        "nginx.ingress.kubernetes.io/backend-protocol": "HTTPS",
        "nginx.ingress.kubernetes.io/proxy-ssl-verify": "on",
        "nginx.ingress.kubernetes.io/proxy-ssl-secret": `${ctx.namespace}/${caSecret}`,
        "nginx.ingress.kubernetes.io/proxy-ssl-name": `${service}.${ctx.namespace}.svc`,
        "nginx.ingress.kubernetes.io/proxy-ssl-server-name": "on",
    };
}

/**
 * An Ingress with TLS for the spec's exposed port, when the configuration gives the service a host;
 * returns its https:// URL. The certificate comes from cert-manager or an existing Secret.
 * `backendCaSecret` is called when the backend serves TLS: the Secret the controller verifies it with.
 */
export function createIngress(
    ctx: KubeContext,
    spec: ServiceSpec,
    opts: pulumi.CustomResourceOptions,
    backendCaSecret: () => string,
): pulumi.Output<string> | undefined {
    const exposed = spec.ports.find((p) => p.expose);
    const host = ctx.tls.hosts[spec.name];
    if (!exposed || !host) return undefined;
    const annotations: Record<string, string> = {
        ...(ctx.tls.clusterIssuer ? { "cert-manager.io/cluster-issuer": ctx.tls.clusterIssuer } : {}),
        // The backend itself serves the in-cluster certificate.
        ...(exposed.tls ? backendTlsAnnotations(ctx, spec.name, backendCaSecret()) : {}),
    };
    // Not `<service>-tls`: that name holds the in-cluster certificate.
    const secretName = ctx.tls.secretName ?? `${spec.name}-ingress-tls`;
    const ingress = new k8s.networking.v1.Ingress(
        ctx.names.of(spec.name),
        {
            metadata: meta(ctx, spec.name, spec.name, annotations),
            spec: {
                ingressClassName: ctx.kubernetes.ingressClass,
                tls: [{ hosts: [host], secretName }],
                rules: [
                    {
                        host,
                        http: {
                            paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: spec.name, port: { number: exposed.port } } } }],
                        },
                    },
                ],
            },
        },
        ctx.names.aliased(spec.name, opts),
    );
    return ingress.spec.apply(() => `https://${host}`);
}
