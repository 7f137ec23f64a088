import { ConfigError } from "./errors";
import { Secrets } from "./secrets";
import { ConfigSource } from "./source";
import { PlatformName } from "./types";
import * as v from "./validate";

/** Where and how the prod stack runs on Kubernetes (`monitoring:kubernetes`). */
export interface KubernetesConfig {
    /** kubeconfig context; the current context when absent. */
    readonly context?: string;
    readonly namespace: string;
    /** StorageClass of every PersistentVolumeClaim; the cluster's default when absent. */
    readonly storageClass?: string;
    readonly ingressClass: string;
    /** Namespace of the ingress controller: the only source allowed to reach the UIs. */
    readonly ingressNamespace: string;
    /** Where the API server answers (Prometheus and kube-state-metrics read it). */
    readonly apiServerCidrs: string[];
    /** Pod and service CIDRs, kept out of the egress that reaches receivers on the internet. */
    readonly clusterCidrs: string[];
    /** Where the nodes' addresses are: Prometheus reaches each kubelet (10250) and the host-network node exporter there. */
    readonly nodeCidrs: string[];
    /** The kubelets serve self-signed certificates (no serverTLSBootstrap): scrape them without verifying. */
    readonly kubeletInsecureSkipVerify: boolean;
    /** Namespaces Prometheus discovers annotated pods and services in; empty means all. */
    readonly discoveryNamespaces: string[];
    /** How replicas of one workload avoid sharing a node. */
    readonly antiAffinity: "preferred" | "required";
}

/** TLS at the edge and inside the cluster (`monitoring:tls`). */
export interface TlsConfig {
    /** cert-manager ClusterIssuer that issues each Ingress' certificate. */
    readonly clusterIssuer?: string;
    /** An existing `kubernetes.io/tls` Secret (a wildcard or multi-host certificate) in the namespace. */
    readonly secretName?: string;
    /** Public host name of each UI, by service: grafana, prometheus, alertmanager. */
    readonly hosts: Record<string, string>;
    /** Services talk to each other over TLS with a CA the program creates. */
    readonly internal: boolean;
}

/** Per-service overrides of requests and limits (`monitoring:resources.<service>`). */
export interface ResourceOverride {
    readonly cpuRequest?: string;
    readonly memoryRequest?: string;
    readonly cpuLimit?: string;
    readonly memoryLimit?: string;
}

/** A long-term store Prometheus copies every sample to (`monitoring:remoteWrite`). */
export interface RemoteWriteTarget {
    readonly url: string;
    /** Basic-auth user; the password is the secret `monitoring:remoteWritePassword`. */
    readonly username?: string;
}

/** The UIs an Ingress publishes, each at `<service>.<tls.domain>` unless `tls.hosts` names it. */
export const PUBLISHED_UIS = ["grafana", "prometheus", "alertmanager"] as const;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const CIDR = /^((25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/([0-9]|[12]\d|3[0-2])|[0-9a-fA-F:]+:[0-9a-fA-F:]*\/\d{1,3})$/;
const CPU = /^(\d+(\.\d+)?|\d+m)$/;
const MEMORY = /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$/;

function dnsLabel(key: string, value: unknown): string {
    if (typeof value !== "string" || value.length > 63 || !DNS_LABEL.test(value)) {
        throw new ConfigError(key, `${JSON.stringify(value)} is not a Kubernetes name; use lowercase letters, digits and -`);
    }
    return value;
}

function hostName(key: string, value: unknown): string {
    if (typeof value !== "string" || !DNS_NAME.test(value)) {
        throw new ConfigError(key, `${JSON.stringify(value)} is not a host name; use e.g. grafana.example.com`);
    }
    return value;
}

function cidr(key: string, value: unknown): string {
    if (typeof value !== "string" || !CIDR.test(value)) {
        throw new ConfigError(key, `${JSON.stringify(value)} is not a CIDR; use e.g. 10.0.0.0/8`);
    }
    return value;
}

export function readKubernetes(raw: unknown): KubernetesConfig {
    const key = "kubernetes";
    const obj = v.fields(key, raw ?? {}, [
        "context", "namespace", "storageClass", "ingressClass", "ingressNamespace",
        "apiServerCidrs", "clusterCidrs", "nodeCidrs", "kubeletInsecureSkipVerify", "discoveryNamespaces", "antiAffinity",
    ]);
    return {
        context: v.optional(obj.context, undefined, (x) => v.string(`${key}.context`, x)),
        namespace: v.optional(obj.namespace, "monitoring", (x) => dnsLabel(`${key}.namespace`, x)),
        storageClass: v.optional(obj.storageClass, undefined, (x) => hostName(`${key}.storageClass`, x)),
        ingressClass: v.optional(obj.ingressClass, "nginx", (x) => hostName(`${key}.ingressClass`, x)),
        ingressNamespace: v.optional(obj.ingressNamespace, "ingress-nginx", (x) => dnsLabel(`${key}.ingressNamespace`, x)),
        apiServerCidrs: v.optional(obj.apiServerCidrs, ["0.0.0.0/0"], (x) => v.list(`${key}.apiServerCidrs`, x, cidr, { nonEmpty: true })),
        clusterCidrs: v.optional(obj.clusterCidrs, [] as string[], (x) => v.list(`${key}.clusterCidrs`, x, cidr)),
        nodeCidrs: v.optional(obj.nodeCidrs, ["0.0.0.0/0"], (x) => v.list(`${key}.nodeCidrs`, x, cidr, { nonEmpty: true })),
        kubeletInsecureSkipVerify: v.optional(obj.kubeletInsecureSkipVerify, false, (x) => v.boolean(`${key}.kubeletInsecureSkipVerify`, x)),
        discoveryNamespaces: v.optional(obj.discoveryNamespaces, [] as string[], (x) => v.list(`${key}.discoveryNamespaces`, x, dnsLabel)),
        antiAffinity: v.optional(obj.antiAffinity, "preferred" as const, (x) =>
            v.oneOf(`${key}.antiAffinity`, x, ["preferred", "required"] as const),
        ),
    };
}

/** On Kubernetes every UI is published over HTTPS, so a certificate source and a host per UI are required. */
export function readTls(raw: unknown, platform: PlatformName): TlsConfig {
    const key = "tls";
    const obj = v.fields(key, raw ?? {}, ["clusterIssuer", "secretName", "domain", "hosts", "internal"]);
    const clusterIssuer = v.optional(obj.clusterIssuer, undefined, (x) => hostName(`${key}.clusterIssuer`, x));
    const secretName = v.optional(obj.secretName, undefined, (x) => hostName(`${key}.secretName`, x));
    const domain = v.optional(obj.domain, undefined, (x) => hostName(`${key}.domain`, x));
    const given = v.optional(obj.hosts, {} as Record<string, unknown>, (x) => v.fields(`${key}.hosts`, x, PUBLISHED_UIS));
    const hosts: Record<string, string> = {};
    for (const ui of PUBLISHED_UIS) {
        const host = v.optional(given[ui], domain ? `${ui}.${domain}` : undefined, (x) => hostName(`${key}.hosts.${ui}`, x));
        if (host) hosts[ui] = host;
    }
    if (clusterIssuer && secretName) {
        throw new ConfigError(`${key}.secretName`, "is set together with tls.clusterIssuer; keep one certificate source");
    }
    if (platform === "kubernetes") {
        if (!clusterIssuer && !secretName) {
            throw new ConfigError(
                `${key}.clusterIssuer`,
                "is not set; every Ingress serves HTTPS: name a cert-manager ClusterIssuer (tls.clusterIssuer) or an existing TLS Secret (tls.secretName)",
            );
        }
        const missing = PUBLISHED_UIS.find((ui) => !hosts[ui]);
        if (missing) {
            throw new ConfigError(`${key}.hosts.${missing}`, `is not set; give tls.domain (hosts become ${missing}.<domain>) or tls.hosts.${missing}`);
        }
    }
    return {
        clusterIssuer,
        secretName,
        hosts,
        internal: v.optional(obj.internal, true, (x) => v.boolean(`${key}.internal`, x)),
    };
}

export function readResources(raw: unknown): Record<string, ResourceOverride> {
    const key = "resources";
    const obj = v.object(key, raw ?? {});
    const out: Record<string, ResourceOverride> = {};
    for (const [service, value] of Object.entries(obj)) {
        dnsLabel(`${key}.${service}`, service);
        const r = v.fields(`${key}.${service}`, value, ["cpuRequest", "memoryRequest", "cpuLimit", "memoryLimit"]);
        const quantity = (field: string, pattern: RegExp, example: string) => (x: unknown) => {
            if (typeof x !== "string" || !pattern.test(x) || parseFloat(x) <= 0) {
                throw new ConfigError(`${key}.${service}.${field}`, `${JSON.stringify(x)} is not a quantity; use e.g. ${example}`);
            }
            return x;
        };
        out[service] = {
            cpuRequest: v.optional(r.cpuRequest, undefined, quantity("cpuRequest", CPU, "250m")),
            memoryRequest: v.optional(r.memoryRequest, undefined, quantity("memoryRequest", MEMORY, "512Mi")),
            cpuLimit: v.optional(r.cpuLimit, undefined, quantity("cpuLimit", CPU, "2")),
            memoryLimit: v.optional(r.memoryLimit, undefined, quantity("memoryLimit", MEMORY, "4Gi")),
        };
    }
    return out;
}

export function readRemoteWrite(raw: unknown, secrets: Secrets): RemoteWriteTarget[] {
    const key = "remoteWrite";
    const targets = v.optional(raw, [] as RemoteWriteTarget[], (x) =>
        v.list(key, x, (k, item) => {
            const obj = v.fields(k, item, ["url", "username"]);
            if (obj.url === undefined) throw new ConfigError(`${k}.url`, "is missing; use e.g. https://mimir.example.com/api/v1/push");
            return {
                url: v.url(`${k}.url`, obj.url),
                username: v.optional(obj.username, undefined, (u) => v.string(`${k}.username`, u)),
            };
        }),
    );
    const withUser = targets.findIndex((t) => t.username);
    if (withUser >= 0 && !secrets.remoteWritePassword) {
        throw new ConfigError(
            "remoteWritePassword",
            `is not set, but remoteWrite[${withUser}].username is; run pulumi config set --secret monitoring:remoteWritePassword`,
        );
    }
    return targets;
}

/**
 * Grafana replicas share users, sessions and annotations only through one database: on Kubernetes
 * the stack's own PostgreSQL, or `monitoring:grafanaDatabaseUrl`; so Kubernetes runs two by default.
 * On Docker more than one needs that URL.
 */
export function readGrafanaReplicas(raw: unknown, platform: PlatformName, secrets: Secrets): number {
    const fallback = platform === "kubernetes" ? 2 : 1;
    const replicas = v.optional(raw, fallback, (x) => v.number("grafana.replicas", x, { min: 1, max: 10, integer: true }));
    if (replicas > 1 && platform !== "kubernetes" && !secrets.grafanaDatabaseUrl) {
        throw new ConfigError(
            "grafanaDatabaseUrl",
            `is not set, but grafana.replicas is ${replicas}: on Docker, replicas share one PostgreSQL database only through it; ` +
                "run pulumi config set --secret monitoring:grafanaDatabaseUrl postgres://grafana:PASSWORD@HOST:5432/grafana",
        );
    }
    return replicas;
}

/**
 * `monitoring:grafana.database: {storageSize}`: Grafana's own PostgreSQL, which Kubernetes runs unless
 * `grafanaDatabaseUrl` names an external one (then this key is ignored). Docker keeps SQLite on Grafana's volume.
 */
export function readGrafanaOwnDatabase(raw: unknown, platform: PlatformName, secrets: Secrets): { storageSize: string } | undefined {
    const key = "grafana.database";
    const obj = v.fields(key, raw ?? {}, ["storageSize"]);
    if (raw !== undefined && platform !== "kubernetes") {
        throw new ConfigError(key, "is for Kubernetes; on Docker Grafana keeps SQLite on its volume, or uses monitoring:grafanaDatabaseUrl");
    }
    const storageSize = v.optional(obj.storageSize, "5Gi", (x) => v.quantity(`${key}.storageSize`, x));
    // The external database replaces it, so one stack file serves with and without the secret.
    if (platform !== "kubernetes" || secrets.grafanaDatabaseUrl) return undefined;
    return { storageSize };
}

/** The port of the database a secret URL names, for NetworkPolicies (a port is not a secret). */
export function readDatabasePort(source: ConfigSource, key: "grafanaDatabaseUrl" | "postgresDsn"): number | undefined {
    const url = source.secretText(key);
    if (!url) return undefined;
    const match = /@[^/:]+:(\d+)\//.exec(url);
    return match ? Number(match[1]) : 5432;
}
