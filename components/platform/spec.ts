import * as pulumi from "@pulumi/pulumi";
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
    /**
     * Where the service says it can serve (Prometheus and Alertmanager: `/-/ready`, false while a
     * WAL replays). The platform routes traffic only to ready replicas; `path` stays the liveness check.
     */
    readonly readyPath?: string;
    /** File holding the basic-auth password the endpoint wants (user `admin`). */
    readonly basicAuthPasswordFile?: string;
    /**
     * The image has no shell or wget (Promtail, Alloy): only an HTTP probe from outside the
     * container can check it (Kubernetes); Docker runs no healthcheck for it.
     */
    readonly httpProbeOnly?: boolean;
    /** A command run in the container instead of the HTTP check (a database: `pg_isready`); exit 0 is healthy. */
    readonly command?: string[];
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
    /** The process reloads its files on `POST <path>` at this port (Prometheus, Alertmanager). */
    readonly reload?: { readonly port: number; readonly path: string; readonly basicAuthPasswordFile?: string };
    /** Environment variable the platform sets to the replica's own name (the pod name on Kubernetes), e.g. for a `replica` label. */
    readonly replicaNameEnv?: string;
    /**
     * Connections the service opens beyond the stack (receivers, remote_write, databases, the
     * user's targets). Kubernetes NetworkPolicies allow exactly these ports.
     */
    readonly outbound?: OutboundSpec[];
    /** Prometheus scrapes every port (the default). False: it serves no metrics, and only its declared clients reach it (a database). */
    readonly scraped?: boolean;
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

/** One port a service connects out to. */
export interface OutboundSpec {
    readonly port: number;
    readonly protocol?: "TCP" | "UDP";
    /** Only destinations outside the cluster (receivers on the internet), never a pod. */
    readonly external?: boolean;
    /** Only these address blocks (the cluster's nodes, for the kubelet). */
    readonly cidrs?: readonly string[];
    /** Only pods of this namespace (CoreDNS in kube-system). */
    readonly namespace?: string;
}

/**
 * Transport protocols replicas gossip over on the peer port: TCP and UDP, or TCP alone over TLS
 * (memberlist's TLS transport, as Alertmanager's `--cluster.tls-config` uses, has no UDP).
 */
export function peerProtocols(spec: ServiceSpec): ("TCP" | "UDP")[] {
    if (!spec.peerPort) return [];
    return spec.ports.find((p) => p.port === spec.peerPort)?.tls ? ["TCP"] : ["TCP", "UDP"];
}

/** The port of `host:port` or of a URL (80/443 by scheme when it names none). */
export function portOf(target: string): number {
    if (/^[a-z]+:\/\//.test(target)) {
        const url = new URL(target);
        return url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
    }
    return Number(target.slice(target.lastIndexOf(":") + 1));
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
 * What a platform lets Prometheus watch of the cluster it runs on: the jobs, and the access and
 * connections they need, as data the Prometheus spec adds to its own.
 */
export interface ClusterMonitoring {
    readonly jobs: ScrapeConfig[];
    /** API objects the jobs' service discovery and targets need to read. */
    readonly read: ApiReadRule[];
    /** Non-resource URLs read with GET (the API server's `/metrics`). */
    readonly readUrls: string[];
    /** Ports the jobs connect to outside the stack. */
    readonly outbound: OutboundSpec[];
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

/** Turns ServiceSpecs into cloud resources. The only place that knows Docker or Kubernetes. */
export interface Platform extends Addressing {
    readonly name: "docker" | "kubernetes";
    deploy(spec: ServiceSpec, opts: pulumi.CustomResourceOptions): DeployedService;
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
    /** Scrape jobs that discover the cluster's annotated workloads; `service` is granted the read access they need. */
    discoveryJobs?(service: string): ScrapeConfig[];
    /** The cluster the platform runs on, watched by Prometheus (kubelet, cAdvisor, API server, DNS); absent on Docker. */
    clusterMonitoring?(): ClusterMonitoring;
    /** Called once after every service is deployed, for what spans services (NetworkPolicies). */
    finalize?(opts: pulumi.ComponentResourceOptions): void;
}
