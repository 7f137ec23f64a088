import * as pulumi from "@pulumi/pulumi";
import type { ContainerLogs } from "../render/log-sources";
import type { ScrapeConfig } from "../render/prometheus";

/** A port the service listens on. */
export interface PortSpec {
    readonly name: string;
    readonly port: number;
    /** Reached by people: published on the bind address (Docker) or behind an Ingress (Kubernetes). */
    readonly expose?: { readonly hostPort: number };
    /** Served over TLS with the platform's in-cluster certificate (see `Platform.serviceTls`): probes and the Ingress speak HTTPS. */
    readonly tls?: boolean;
}

/** A file the service reads, mounted at `path`. */
export interface FileSpec {
    readonly path: string;
    readonly content: pulumi.Input<string>;
    /** Secret files are mounted from a secret (a Secret volume on Kubernetes) and never rendered. */
    readonly secret?: boolean;
    /**
     * The service picks edits up by itself (hot reload), so a change must not restart it.
     * Other files roll the workload when they change.
     */
    readonly hotReload?: boolean;
}

/** How the platform checks the service is alive. */
export interface HealthSpec {
    readonly path: string;
    readonly port: number;
    /** File holding the basic-auth password the endpoint wants (user `admin`). */
    readonly basicAuthPasswordFile?: string;
    /**
     * The image has no shell or wget (Promtail, Alloy): only an HTTP probe from outside the
     * container can check it (Kubernetes); Docker runs no healthcheck for it.
     */
    readonly httpProbeOnly?: boolean;
    /** A command run in the container instead of the HTTP check (a database: `pg_isready`); exit 0 is healthy. */
    readonly command?: string[];
    /**
     * Checks run inside the container by platforms that probe that way (Kubernetes' exec probes),
     * each reading its own credential from a file (promtool's and amtool's `--http.config.file`),
     * so no password is in the spec or in any process' arguments. Docker's healthcheck has its own.
     */
    readonly execProbe?: { readonly live: string[]; readonly ready?: string[] };
}

export interface HostMount {
    readonly hostPath: string;
    readonly path: string;
    readonly readOnly: boolean;
}

export interface ResourceSpec {
    readonly cpuRequest: string;
    readonly memoryRequest: string;
    readonly cpuLimit: string;
    readonly memoryLimit: string;
}

/** The platform-neutral description of one workload; DockerPlatform and KubernetesPlatform both take it. */
export interface ServiceSpec {
    /** Service name, also its DNS name inside the platform: `prometheus`, `node-exporter`. */
    readonly name: string;
    /** Image with a pinned tag. */
    readonly image: string;
    readonly args?: string[];
    /** Plain environment values only: secrets go in `files` and the service reads them from there. */
    readonly env?: Record<string, string>;
    readonly ports: PortSpec[];
    readonly files?: FileSpec[];
    /** Persistent data: a named volume (Docker) or a PersistentVolumeClaim per replica (Kubernetes). */
    readonly data?: { readonly path: string; readonly size: string };
    readonly health?: HealthSpec;
    readonly replicas?: number;
    readonly kind?: "deployment" | "statefulset" | "daemonset";
    readonly hostMounts?: HostMount[];
    /** `uid` or `uid:gid` the process runs as. */
    readonly user?: string;
    readonly resources: ResourceSpec;
    /** The image can run with a read-only root filesystem. */
    readonly readOnlyRootFilesystem?: boolean;
    /** Replicas find each other on this port (Alertmanager gossip). */
    readonly peerPort?: number;
    /** Full access to the host's devices and kernel interfaces (cAdvisor reads cgroups and /dev/kmsg). */
    readonly privileged?: boolean;
    /** Host devices passed through, e.g. `/dev/kmsg`. */
    readonly devices?: string[];
    /**
     * The process lists pods through the Kubernetes API (kubernetes_sd in Promtail, Alloy): the
     * platform gives it a ServiceAccount allowed to get, list and watch pods, nodes and namespaces.
     */
    readonly discoversPods?: boolean;
    /**
     * The process re-reads its hot-reloaded files on SIGHUP (Alertmanager): the platform signals the
     * process of this executable name when they change. No HTTP call, so no password to hand over.
     */
    readonly reload?: { readonly process: string };
    /** Environment variable the platform sets to the replica's own name (the pod name on Kubernetes), e.g. for a `replica` label. */
    readonly replicaNameEnv?: string;
    /** Environment variable the platform sets to the name of the node the pod runs on (Kubernetes: spec.nodeName; Docker has no nodes and sets none). */
    readonly nodeNameEnv?: string;
    /**
     * Services of the stack that connect to this one (Prometheus scraping it, say). With `outbound`
     * entries naming a `service`, this is the stack's topology: Kubernetes NetworkPolicies are
     * derived from it, so a new flow is declared by the services it joins, never in an adapter.
     */
    readonly inbound?: InboundSpec[];
    /**
     * Connections the service opens: to another service of the stack (`service`), to annotated pods
     * (`pods`), or to ports beyond the stack (receivers, remote_write, databases, the user's
     * targets). Kubernetes NetworkPolicies allow exactly these.
     */
    readonly outbound?: OutboundSpec[];
    /** Read-only access (get, list, watch) to the platform's API: a ClusterRole on Kubernetes (kube-state-metrics). */
    readonly clusterRead?: ApiReadRule[];
    /** Non-resource URLs of the platform's API the process reads with GET (`/metrics`). */
    readonly clusterReadUrls?: string[];
    /**
     * Runs in the node's network and PID namespaces (Kubernetes), so host metrics (network
     * interfaces, conntrack, processes) are the node's and not the pod's. The port is then taken on
     * every node. Docker keeps the service on the stack network, where Prometheus finds it by alias.
     */
    readonly hostNamespaces?: boolean;
    /** Each client sticks to one replica (a Service with client-IP affinity on Kubernetes), so graphs do not jump between replicas. */
    readonly stickyClients?: boolean;
}

/** A service of the stack that connects to this one. A flow takes effect when both services are deployed. */
export interface InboundSpec {
    /** The client's service name. */
    readonly from: string;
    /** Ports it reaches; by default every port this service publishes (not the peer port). */
    readonly ports?: number[];
    /** Why the flow exists, for the reader. */
    readonly why?: string;
}

/** One connection a service opens. */
export interface OutboundSpec {
    /** Another service of the stack: every port it publishes, or only `port`. Takes effect when it is deployed. */
    readonly service?: string;
    /** Pods on any port, in these namespaces (empty: the whole cluster): annotated workloads found by discovery. */
    readonly pods?: { readonly namespaces: string[] };
    /** A port beyond the stack; with `service`, the only port of that service it reaches. */
    readonly port?: number;
    readonly protocol?: "TCP" | "UDP";
    /** Only destinations outside the cluster (receivers on the internet), never a pod. */
    readonly external?: boolean;
    /** Only these address blocks (the cluster's nodes, for the kubelet). */
    readonly cidrs?: readonly string[];
    /** Why the connection exists, for the reader. */
    readonly why?: string;
}

/**
 * Transport protocols replicas gossip over on the peer port: TCP and UDP, or TCP alone over TLS
 * (memberlist's TLS transport, as Alertmanager's `--cluster.tls-config` uses, has no UDP).
 */
export function peerProtocols(spec: ServiceSpec): ("TCP" | "UDP")[] {
    if (!spec.peerPort) return [];
    return spec.ports.find((p) => p.port === spec.peerPort)?.tls ? ["TCP"] : ["TCP", "UDP"];
}

/** Resources of one API group a service may read. */
export interface ApiReadRule {
    /** `""` is the core group. */
    readonly apiGroups: string[];
    readonly resources: string[];
    /** Fewer verbs than get, list and watch (a subresource such as `nodes/metrics` only needs get). */
    readonly verbs?: ("get" | "list" | "watch")[];
}

/**
 * What a platform lets Prometheus watch of the cluster it runs on: the jobs, and the API access
 * and connections they need, as data the Prometheus spec adds to its own.
 */
export interface ClusterMonitoring extends Discovery {
    /** Non-resource URLs read with GET (the API server's `/metrics`). */
    readonly clusterReadUrls: string[];
}

/** Where a service's certificate files sit under the directory it asks for: every platform lays them out so. */
export function tlsPaths(dir: string): { certFile: string; keyFile: string; caFile: string } {
    return { certFile: `${dir}/tls.crt`, keyFile: `${dir}/tls.key`, caFile: `${dir}/ca.crt` };
}

/** A certificate the platform issues for a service, as files the service mounts. */
export interface ServiceTls {
    /** The certificate, its key (a secret file) and the CA, to add to the spec's files. */
    readonly files: FileSpec[];
    readonly certFile: string;
    readonly keyFile: string;
    /** The CA every in-cluster certificate chains to: clients verify their peers with it. */
    readonly caFile: string;
    /**
     * The name clients verify the certificate against (`tls_config.server_name`): scrapes and gossip
     * reach pods by IP, which no certificate names.
     */
    readonly serverName: string;
}

/** What a deployed service tells the rest of the stack. */
export interface DeployedService {
    /** The URL a person opens, when a port is exposed. */
    readonly url?: pulumi.Output<string>;
}

/** How services find each other: one renderer serves Docker, Kubernetes and the live tests. */
export interface Addressing {
    /** `host:port` of a service, as other services reach it. */
    addressOf(service: string, port: number): string;
    /** `host:port` of each replica, for clustering and alert fan-out (never through a load balancer). */
    replicaAddresses(service: string, replicas: number, port: number): string[];
    /**
     * How Prometheus finds every instance of a service (each pod of a DaemonSet, each replica):
     * `static_configs` on Docker, Kubernetes service discovery on Kubernetes.
     */
    scrapeTargets(service: string, port: number): ScrapeTargets;
}

/** The target part of a scrape job, in Prometheus' own field names. */
export interface ScrapeTargets {
    readonly static_configs?: { readonly targets: string[] }[];
    readonly kubernetes_sd_configs?: Record<string, unknown>[];
    readonly relabel_configs?: Record<string, unknown>[];
}

/** Scrape jobs that find the cluster's own workloads, and what the scraper needs for them. */
export interface Discovery {
    readonly jobs: ScrapeConfig[];
    /** API read access the jobs' service discovery needs: goes into the scraper's `clusterRead`. */
    readonly clusterRead: ApiReadRule[];
    /** Where the discovered targets are: goes into the scraper's `outbound`. */
    readonly outbound: OutboundSpec[];
}

/**
 * Turns ServiceSpecs into cloud resources. The only place that knows Docker or Kubernetes. A
 * component never asks which platform it is on: what differs is a capability returning data.
 */
export interface Platform extends Addressing {
    deploy(spec: ServiceSpec, opts: pulumi.CustomResourceOptions): DeployedService;
    /** Where container logs come from, for the log shipper. Absent: the platform has no containers to read (the live tests). */
    containerLogs?(): ContainerLogs;
    /**
     * In-cluster TLS: a certificate for `service` (valid for every name it answers to) with files
     * under `dir`. Absent or undefined: services talk plain HTTP (Docker, where the network is local).
     * Every service that gets one serves TLS, so a client holding the CA can expect TLS from its peers.
     */
    serviceTls?(service: string, dir: string, parent: pulumi.Resource): ServiceTls | undefined;
    /**
     * The `https://` URL people reach `service` at, when the platform publishes it behind a TLS edge
     * (the Kubernetes Ingress). Absent or undefined: no such edge (Docker publishes plain HTTP on loopback).
     */
    publicUrl?(service: string): string | undefined;
    /** Service discovery of the cluster's annotated workloads. Pure: calling it twice gives the same data and changes nothing. */
    discovery?(): Discovery;
    /** The cluster the platform runs on, watched by Prometheus (kubelet, cAdvisor, API server, DNS); absent on Docker. Pure, like `discovery`. */
    clusterMonitoring?(): ClusterMonitoring;
    /** Called once after every service is deployed, for what spans services (NetworkPolicies). */
    finalize?(): void;
}

/** Makes the platform of a stack as a child of it (`opts.parent`), its resources named after `name`. */
export type PlatformFactory = (name: string, opts: pulumi.ComponentResourceOptions) => Platform;
