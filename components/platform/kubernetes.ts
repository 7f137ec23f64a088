import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { KubernetesConfig, ResourceOverride, TlsConfig } from "../../config";
import type { ContainerLogs } from "../render/log-sources";
import { DISCOVERY_READ, createServiceAccount, readRulesOf } from "./kubernetes/access";
import { clusterMonitoring } from "./kubernetes/cluster";
import { discoveryJobs, serviceScrapeTargets } from "./kubernetes/discovery";
import { mountFiles } from "./kubernetes/files";
import { headlessName, labelsOf } from "./kubernetes/labels";
import { createNetworkPolicies } from "./kubernetes/network-policies";
import { createNamespace, needsHost } from "./kubernetes/pod-security";
import { ClusterCa } from "./kubernetes/tls";
import { createDisruptionBudget, createFileObjects, createIngress, createServices, createWorkload, KubeContext } from "./kubernetes/workload";
import { StackNames } from "./naming";
import { RELOADER_RESOURCES, resourcesFor, withResourceOverrides } from "./resources";
import { Addressing, ClusterMonitoring, DeployedService, Discovery, Platform, ScrapeTargets, ServiceSpec, ServiceTls } from "./spec";

/** Where the kubelet writes every container's log, on every node. */
export const POD_LOGS_DIR = "/var/log/pods";
/** Each pod that reads container logs finds its node's name here (downward API `spec.nodeName`), to keep to that node's pods. */
export const NODE_NAME_ENV = "NODE_NAME";

/** The Secret the Ingress controller reads the stack's CA from (`proxy-ssl-secret`). */
const BACKEND_CA_SECRET = "monitoring-backend-ca";

export interface KubernetesPlatformArgs {
    /** Cluster, namespace, ingress and network settings (`monitoring:kubernetes`). */
    readonly kubernetes: KubernetesConfig;
    /** Ingress certificates and in-cluster TLS (`monitoring:tls`). */
    readonly tls: TlsConfig;
    /** `monitoring:resources`: requests and limits by service name. */
    readonly resources: Record<string, ResourceOverride>;
}

/** Resolves services through Kubernetes DNS: the Service, or each StatefulSet pod through the headless Service. */
export function kubernetesAddressing(namespace: string): Addressing {
    return {
        addressOf: (service, port) => `${service}.${namespace}.svc:${port}`,
        replicaAddresses: (service, replicas, port) =>
            Array.from({ length: replicas }, (_, i) => `${service}-${i}.${headlessName(service)}.${namespace}.svc:${port}`),
        scrapeTargets: (service, port): ScrapeTargets => serviceScrapeTargets(namespace, service, port),
    };
}

/**
 * Kubernetes: a namespace of non-root pods with their files on ConfigMap and Secret volumes,
 * StatefulSets with a claim per replica, PDBs and anti-affinity for replicas, TLS Ingresses for
 * the UIs, in-cluster TLS from the stack's CA, and NetworkPolicies that deny all but the stack's flows.
 */
export class KubernetesPlatform extends pulumi.ComponentResource implements Platform {
    public readonly addressOf: Addressing["addressOf"];
    public readonly replicaAddresses: Addressing["replicaAddresses"];
    public readonly scrapeTargets: Addressing["scrapeTargets"];
    private readonly ctx: KubeContext;
    private readonly ca: ClusterCa;
    private readonly deployed: ServiceSpec[] = [];
    private readonly published = new Set<string>();
    private readonly apiReaders = new Set<string>();
    private finalized = false;
    private caSecret?: k8s.core.v1.Secret;
    private readonly namespaceResource: k8s.core.v1.Namespace;
    /** Key of the HMAC that rolls pods when their secret files change (no plain hash of a secret in a pod spec). */
    private readonly checksumKey: pulumi.Output<string>;
    /** Where the NetworkPolicies sat before the platform was a component (the stack), for their aliases. */
    private readonly formerPolicyParent: pulumi.Resource | undefined;
    private agents?: { ctx: KubeContext; namespace: k8s.core.v1.Namespace };
    /** The namespace each deployed service runs in. */
    private readonly homes = new Map<string, string>();

    /** @param name the MonitoringStack's name: prefix of every resource name (`<name>-kubernetes`, `<name>-prometheus`, ...) */
    constructor(
        name: string,
        private readonly args: KubernetesPlatformArgs,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super("monitoring:index:KubernetesPlatform", name, {}, opts);
        const { kubernetes } = args;
        const names = new StackNames(name);
        // Aliases: stacks deployed before the platform had a parent keep their provider and namespace.
        const provider = new k8s.Provider(
            names.of("kubernetes"),
            {
                ...(kubernetes.context ? { context: kubernetes.context } : {}),
                // Hot reload: an edited ConfigMap is updated in place; replaced, its pods would lose the volume's source.
                enableConfigMapMutable: true,
                enableSecretMutable: true,
            },
            { parent: this, aliases: names.former([{ name: "kubernetes", parent: pulumi.rootStackResource }]) },
        );
        this.checksumKey = pulumi.secret(new random.RandomPassword(names.of("rollout-checksum-key"), { length: 48, special: false }, { parent: this }).result);
        // Every workload of the stack meets Pod Security `restricted`, and the namespace enforces it.
        const namespace = createNamespace(names.of("namespace"), kubernetes.namespace, "restricted", {
            parent: this,
            provider,
            aliases: names.former([{ name: "monitoring-namespace", parent: pulumi.rootStackResource }]),
        });
        this.formerPolicyParent = opts?.parent;
        this.ctx = { namespace: kubernetes.namespace, provider, kubernetes, tls: args.tls, names };
        this.namespaceResource = namespace;
        // A certificate names its service in both namespaces: which one it lands in is decided at deploy.
        this.ca = new ClusterCa(kubernetes.namespace, [kubernetes.namespace, kubernetes.agentsNamespace], names, this);
        const addressing = kubernetesAddressing(kubernetes.namespace);
        this.replicaAddresses = addressing.replicaAddresses;
        this.addressOf = (service, port) => kubernetesAddressing(this.namespaceOf(service)).addressOf(service, port);
        this.scrapeTargets = (service, port) => kubernetesAddressing(this.namespaceOf(service)).scrapeTargets(service, port);
        this.registerOutputs({});
    }

    /** Where a service runs: the stack's namespace, or the node agents' one for a workload that needs the host. */
    private namespaceOf(service: string): string {
        return this.homes.get(service) ?? this.ctx.namespace;
    }

    /**
     * Node agents that need the host (host paths, host network or PID) cannot meet Pod Security
     * `restricted` nor `baseline`: they get a namespace of their own that allows them (`privileged`),
     * so the stack's namespace can enforce `restricted` for everything else.
     */
    private placeOf(spec: ServiceSpec): { ctx: KubeContext; namespace: k8s.core.v1.Namespace } {
        if (!needsHost(spec)) return { ctx: this.ctx, namespace: this.namespaceResource };
        if (!this.agents) {
            const name = this.ctx.kubernetes.agentsNamespace;
            this.agents = {
                ctx: { ...this.ctx, namespace: name },
                namespace: createNamespace(this.ctx.names.of("agents-namespace"), name, "privileged", { parent: this, provider: this.ctx.provider }),
            };
        }
        return this.agents;
    }

    deploy(given: ServiceSpec, opts: pulumi.CustomResourceOptions): DeployedService {
        if (this.finalized) throw new Error(`${given.name} deployed after the NetworkPolicies were made`);
        const spec = withResourceOverrides(given, this.args.resources);
        const { ctx, namespace } = this.placeOf(spec);
        this.homes.set(spec.name, ctx.namespace);
        // Fixed names: an object Kubernetes cannot update in place must go before its replacement comes.
        const resourceOpts: pulumi.CustomResourceOptions = {
            ...opts,
            provider: ctx.provider,
            dependsOn: [namespace],
            deleteBeforeReplace: true,
        };
        const rules = readRulesOf(spec);
        if (rules.length > 0) this.apiReaders.add(spec.name);

        const files = mountFiles(spec.name, spec.files ?? [], this.checksumKey);
        const fileObjects = createFileObjects(ctx, spec, files, resourceOpts);
        const serviceAccountName = createServiceAccount(ctx, spec, rules, resourceOpts);
        createWorkload(
            ctx,
            spec,
            {
                files,
                serviceAccountName,
                automountToken: rules.length > 0,
                antiAffinity: ctx.kubernetes.antiAffinity,
                reloaderResources: resourcesFor("reloader", RELOADER_RESOURCES, this.args.resources),
            },
            // The pods mount these objects: they must exist first.
            { ...resourceOpts, dependsOn: [namespace, ...fileObjects] },
        );
        createServices(ctx, spec, resourceOpts);
        createDisruptionBudget(ctx, spec, resourceOpts);
        const url = createIngress(ctx, spec, resourceOpts, () => this.backendCaSecret());
        if (url) this.published.add(spec.name);
        this.deployed.push(spec);
        return { url };
    }

    /** The Secret holding the stack's CA (`ca.crt`) that the Ingress controller verifies backends with; made once. */
    private backendCaSecret(): string {
        if (!this.caSecret) {
            this.caSecret = new k8s.core.v1.Secret(
                this.ctx.names.of("backend-ca"),
                {
                    metadata: { name: BACKEND_CA_SECRET, namespace: this.ctx.namespace, labels: labelsOf("monitoring") },
                    type: "Opaque",
                    // A certificate is no secret; a Secret is what the controller reads it from.
                    stringData: { "ca.crt": this.ca.certPem() },
                },
                { parent: this, provider: this.ctx.provider, dependsOn: [this.namespaceResource] },
            );
        }
        return BACKEND_CA_SECRET;
    }

    publicUrl(service: string): string | undefined {
        const host = this.args.tls.hosts[service];
        return host ? `https://${host}/` : undefined;
    }

    serviceTls(service: string, dir: string, parent: pulumi.Resource): ServiceTls | undefined {
        return this.args.tls.internal ? this.ca.issue(service, dir, parent) : undefined;
    }

    /** The kubelet's log files of every pod, read on each node. */
    containerLogs(): ContainerLogs {
        return { kind: "kubernetes", podLogsDir: POD_LOGS_DIR, nodeNameEnv: NODE_NAME_ENV };
    }

    /** Annotated pods and services, where `discoveryNamespaces` says; the scraper lists them through the API and reaches those pods. */
    discovery(): Discovery {
        const namespaces = this.ctx.kubernetes.discoveryNamespaces;
        return { jobs: discoveryJobs(namespaces), clusterRead: DISCOVERY_READ, outbound: [{ pods: { namespaces }, why: "annotated workloads" }] };
    }

    clusterMonitoring(): ClusterMonitoring {
        const { nodeCidrs, kubeletInsecureSkipVerify } = this.ctx.kubernetes;
        return clusterMonitoring({ nodeCidrs, kubeletInsecureSkipVerify });
    }

    finalize(): void {
        this.finalized = true;
        createNetworkPolicies(
            this.ctx,
            {
                specs: this.deployed,
                published: this.published,
                apiReaders: this.apiReaders,
                namespaceOf: (service) => this.namespaceOf(service),
            },
            {
                parent: this,
                provider: this.ctx.provider,
                dependsOn: [this.namespaceResource, ...(this.agents ? [this.agents.namespace] : [])],
                aliases: this.ctx.names.former([{ parent: this.formerPolicyParent ?? pulumi.rootStackResource }]),
            },
        );
    }
}
