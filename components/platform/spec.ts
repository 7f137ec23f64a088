import * as pulumi from "@pulumi/pulumi";

/** A port the service listens on. */
export interface PortSpec {
    readonly name: string;
    readonly port: number;
    /** Reached by people: published on the bind address (Docker) or behind an Ingress (Kubernetes). */
    readonly expose?: { readonly hostPort: number };
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
    /** The process reloads its files on `POST <path>` at this port (Prometheus, Alertmanager). */
    readonly reload?: { readonly port: number; readonly path: string; readonly basicAuthPasswordFile?: string };
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
}
