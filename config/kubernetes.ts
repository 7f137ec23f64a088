import { ConfigError } from "./errors";
import { EXPORTERS } from "../components/exporters/registry";
import { databaseUrl, POSTGRES_URL } from "./endpoints";
import { Secrets } from "./secrets";
import { ConfigSource } from "./source";
import { PlatformName, STACK_SERVICES } from "./types";
import { parseCidr } from "./formats";
import * as v from "./validate";

/** Where and how the prod stack runs on Kubernetes (`monitoring:kubernetes`). */
export interface KubernetesConfig {
    /** kubeconfig context; the current context when absent. */
    readonly context?: string;
    readonly namespace: string;
    /**
     * Namespace of the node agents that need the host (node exporter, the log shipper): Pod Security
     * `restricted` cannot admit them, so they run apart and the stack's namespace enforces it.
     */
    readonly agentsNamespace: string;
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
const CPU = /^(\d+(\.\d+)?|\d+m)$/;
const MEMORY = /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$/;

/** Namespaces that exist in every cluster and belong to it: the stack creates its own. */
const RESERVED_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

/**
 * Every service whose requests and limits `monitoring:resources.<service>` can set (the reloader
 * is the Kubernetes sidecar of Prometheus and Alertmanager). A test checks it against the render.
 */
export const RESOURCE_SERVICES: readonly string[] = [...STACK_SERVICES, "reloader", ...EXPORTERS.map((e) => e.name)];

/** A DNS-1123 label (namespaces, names of one part): at most 63 lowercase letters, digits and -. */
function dnsLabel(key: string, value: unknown): string {
    if (typeof value !== "string" || value.length > 63 || !DNS_LABEL.test(value)) {
        throw new ConfigError(key, `${JSON.stringify(value)} is not a Kubernetes name; use at most 63 lowercase letters, digits and -`);
    }
    return value;
}

/** A DNS-1123 subdomain (host names, object names): dot-separated labels of at most 63 characters, 253 in all. */
function hostName(key: string, value: unknown): string {
    const ok = typeof value === "string" && value.length <= 253 && value.split(".").every((label) => label.length <= 63 && DNS_LABEL.test(label));
    if (!ok) {
        throw new ConfigError(
            key,
            `${JSON.stringify(value)} is not a host name; use dot-separated lowercase labels of at most 63 characters, e.g. grafana.example.com`,
        );
    }
    return value as string;
}

function namespace(key: string, value: unknown): string {
    const name = dnsLabel(key, value);
    if (RESERVED_NAMESPACES.includes(name) || name.startsWith("kube-")) {
        throw new ConfigError(key, `"${name}" belongs to the cluster; the stack creates and owns its namespace: use e.g. monitoring`);
    }
    return name;
}

/**
 * Cluster CIDRs are cut out of the 0.0.0.0/0 egress block, and the API takes an `except` only
 * when it lies strictly inside the block: IPv4, with a prefix of at least 1.
 */
function clusterCidr(key: string, value: unknown): string {
    const text = v.cidr(key, value);
    const parsed = parseCidr(text)!;
    if (parsed.family !== 4 || parsed.prefix === 0) {
        throw new ConfigError(key, `${JSON.stringify(text)} cannot be cut out of the IPv4 egress block 0.0.0.0/0; give IPv4 CIDRs such as 10.0.0.0/8`);
    }
    return text;
}

export function readKubernetes(raw: unknown): KubernetesConfig {
    const key = "kubernetes";
    const obj = v.fields(key, raw ?? {}, [
        "context",
        "namespace",
        "agentsNamespace",
        "storageClass",
        "ingressClass",
        "ingressNamespace",
        "apiServerCidrs",
        "clusterCidrs",
        "nodeCidrs",
        "kubeletInsecureSkipVerify",
        "discoveryNamespaces",
        "antiAffinity",
    ]);
    const stackNamespace = v.optional(obj.namespace, "monitoring", (x) => namespace(`${key}.namespace`, x));
    const agentsNamespace = v.optional(obj.agentsNamespace, `${stackNamespace}-agents`, (x) => namespace(`${key}.agentsNamespace`, x));
    if (agentsNamespace === stackNamespace) {
        throw new ConfigError(
            `${key}.agentsNamespace`,
            `is the stack's namespace (${stackNamespace}); node agents need one of their own, e.g. ${stackNamespace}-agents`,
        );
    }
    return {
        context: v.optional(obj.context, undefined, (x) => v.string(`${key}.context`, x)),
        namespace: stackNamespace,
        agentsNamespace,
        storageClass: v.optional(obj.storageClass, undefined, (x) => hostName(`${key}.storageClass`, x)),
        ingressClass: v.optional(obj.ingressClass, "nginx", (x) => hostName(`${key}.ingressClass`, x)),
        ingressNamespace: v.optional(obj.ingressNamespace, "ingress-nginx", (x) => dnsLabel(`${key}.ingressNamespace`, x)),
        apiServerCidrs: v.optional(obj.apiServerCidrs, ["0.0.0.0/0"], (x) => v.list(`${key}.apiServerCidrs`, x, v.cidr, { nonEmpty: true })),
        clusterCidrs: v.optional(obj.clusterCidrs, [] as string[], (x) => v.list(`${key}.clusterCidrs`, x, clusterCidr)),
        nodeCidrs: v.optional(obj.nodeCidrs, ["0.0.0.0/0"], (x) => v.list(`${key}.nodeCidrs`, x, v.cidr, { nonEmpty: true })),
        kubeletInsecureSkipVerify: v.optional(obj.kubeletInsecureSkipVerify, false, (x) => v.boolean(`${key}.kubeletInsecureSkipVerify`, x)),
        discoveryNamespaces: v.optional(obj.discoveryNamespaces, [] as string[], (x) => v.list(`${key}.discoveryNamespaces`, x, dnsLabel)),
        antiAffinity: v.optional(obj.antiAffinity, "preferred" as const, (x) => v.oneOf(`${key}.antiAffinity`, x, ["preferred", "required"] as const)),
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
        const host = v.optional(given[ui], undefined, (x) => hostName(`${key}.hosts.${ui}`, x));
        const derived = host ?? (domain ? hostName(`${key}.domain`, `${ui}.${domain}`) : undefined);
        if (derived) hosts[ui] = derived;
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
    const obj = v.fields(key, raw ?? {}, RESOURCE_SERVICES);
    const out: Record<string, ResourceOverride> = {};
    for (const [service, value] of Object.entries(obj)) {
        const r = v.fields(`${key}.${service}`, value, ["cpuRequest", "memoryRequest", "cpuLimit", "memoryLimit"]);
        const quantity = (field: string, pattern: RegExp, what: string, example: string) => (x: unknown) => {
            const text = v.quantity(`${key}.${service}.${field}`, x, what, example);
            if (!pattern.test(text)) throw new ConfigError(`${key}.${service}.${field}`, `${JSON.stringify(x)} is not a ${what}; use e.g. ${example}`);
            return text;
        };
        const given: ResourceOverride = {
            cpuRequest: v.optional(r.cpuRequest, undefined, quantity("cpuRequest", CPU, "CPU quantity", "250m")),
            memoryRequest: v.optional(r.memoryRequest, undefined, quantity("memoryRequest", MEMORY, "memory quantity", "512Mi")),
            cpuLimit: v.optional(r.cpuLimit, undefined, quantity("cpuLimit", CPU, "CPU quantity", "2")),
            memoryLimit: v.optional(r.memoryLimit, undefined, quantity("memoryLimit", MEMORY, "memory quantity", "4Gi")),
        };
        checkRequestsWithinLimits(`${key}.${service}`, given);
        out[service] = given;
    }
    return out;
}

/**
 * Kubernetes refuses a request above its limit. `key` names the block; a service's defaults are
 * checked against the user's values when the platform merges them (same message).
 */
export function checkRequestsWithinLimits(key: string, r: ResourceOverride): void {
    for (const [request, limit] of [
        ["cpuRequest", "cpuLimit"],
        ["memoryRequest", "memoryLimit"],
    ] as const) {
        const req = r[request];
        const lim = r[limit];
        if (req !== undefined && lim !== undefined && v.quantityValue(req)! > v.quantityValue(lim)!) {
            throw new ConfigError(`${key}.${request}`, `${req} is above the ${limit} ${lim}; a request must not exceed its limit`);
        }
    }
}

export function readRemoteWrite(raw: unknown, secrets: Secrets): RemoteWriteTarget[] {
    const key = "remoteWrite";
    const targets = v.optional(raw, [] as RemoteWriteTarget[], (x) =>
        v.list(key, x, (k, item) => {
            const obj = v.fields(k, item, ["url", "username"]);
            if (obj.url === undefined) throw new ConfigError(`${k}.url`, "is missing; use e.g. https://mimir.example.com/api/v1/push");
            return {
                url: v.url(
                    `${k}.url`,
                    obj.url,
                    ["http", "https"],
                    `Give the user as ${k}.username and set the password with: pulumi config set --secret monitoring:remoteWritePassword <value>`,
                ),
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
export function readDatabasePort(source: ConfigSource, key: "grafanaDatabaseUrl"): number | undefined {
    const url = source.secretText(key);
    if (!url) return undefined;
    return databaseUrl(key, url, POSTGRES_URL).port;
}
