import * as k8s from "@pulumi/kubernetes";
import { IMAGES } from "../../images";
import { HealthSpec, ResourceSpec, ServiceSpec } from "../spec";
import { MountedFiles } from "./files";
import { labelsOf, selectorOf } from "./labels";

type Container = k8s.types.input.core.v1.Container;
type Probe = k8s.types.input.core.v1.Probe;
type Volume = k8s.types.input.core.v1.Volume;
type VolumeMount = k8s.types.input.core.v1.VolumeMount;

/** The user basic auth uses on Prometheus and Alertmanager (HealthSpec, reload). */
const BASIC_AUTH_USER = "admin";
const NOBODY = 65534;

export interface PodOptions {
    readonly files: MountedFiles;
    readonly serviceAccountName: string;
    /** Only pods that read the Kubernetes API get a token. */
    readonly automountToken: boolean;
    readonly antiAffinity: "preferred" | "required";
    readonly reloaderResources: ResourceSpec;
    /** The `data` volume, unless a volumeClaimTemplate provides it (StatefulSets). */
    readonly dataVolume?: Volume;
}

/**
 * `uid` or `uid:gid`; nobody when the spec says nothing. No container runs as root here: a spec
 * asking for root (a log shipper, for the Docker socket) runs as nobody in the root group, which
 * still reads the kubelet's pod logs (0640, group root).
 */
export function parseUser(user: string | undefined): { uid: number; gid: number } {
    const [uid, gid] = (user ?? `${NOBODY}:${NOBODY}`).split(":").map(Number);
    return uid === 0 ? { uid: NOBODY, gid: 0 } : { uid, gid: gid ?? uid };
}

export function resourcesOf(r: ResourceSpec): k8s.types.input.core.v1.ResourceRequirements {
    return { requests: { cpu: r.cpuRequest, memory: r.memoryRequest }, limits: { cpu: r.cpuLimit, memory: r.memoryLimit } };
}

/** Whether `port` of the spec serves TLS. */
function servesTls(spec: ServiceSpec, port: number): boolean {
    return Boolean(spec.ports.find((p) => p.port === port)?.tls);
}

/**
 * The check behind every probe. A password-protected endpoint is checked from inside the container
 * with the password read from its mounted file, so the password never appears in the pod spec.
 */
function probeHandler(spec: ServiceSpec, health: HealthSpec, path = health.path): Omit<Probe, "periodSeconds"> {
    const https = servesTls(spec, health.port);
    if (health.command) return { exec: { command: health.command } };
    if (health.basicAuthPasswordFile && health.httpProbeOnly) {
        return { tcpSocket: { port: health.port } };
    }
    if (health.basicAuthPasswordFile) {
        const url = `${https ? "https" : "http"}://${BASIC_AUTH_USER}:$(cat ${health.basicAuthPasswordFile})@127.0.0.1:${health.port}${path}`;
        return { exec: { command: ["sh", "-c", `wget -q -O /dev/null ${url}`] } };
    }
    return { httpGet: { path, port: health.port, scheme: https ? "HTTPS" : "HTTP" } };
}

function probes(spec: ServiceSpec): Pick<Container, "startupProbe" | "livenessProbe" | "readinessProbe"> {
    if (!spec.health) return {};
    const check = probeHandler(spec, spec.health);
    // Alive is not ready: a Prometheus replaying its WAL answers /-/healthy but must get no queries yet.
    const ready = spec.health.readyPath ? probeHandler(spec, spec.health, spec.health.readyPath) : check;
    return {
        // Prometheus replays its WAL before it answers: give start-up ten minutes.
        startupProbe: { ...check, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 60 },
        livenessProbe: { ...check, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 3 },
        readinessProbe: { ...ready, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
    };
}

function containerSecurity(spec: ServiceSpec): k8s.types.input.core.v1.SecurityContext {
    return {
        runAsNonRoot: true,
        // Kubernetes refuses privileged together with allowPrivilegeEscalation: false.
        ...(spec.privileged ? { privileged: true } : { allowPrivilegeEscalation: false }),
        capabilities: { drop: ["ALL"] },
        readOnlyRootFilesystem: Boolean(spec.readOnlyRootFilesystem),
    };
}

/**
 * Watches the mounted directories and POSTs the reload endpoint when the kubelet swaps in new
 * ConfigMap data. The password comes from the service's own Secret through `secretKeyRef`; the
 * kubelet expands `$(RELOAD_PASSWORD)` in the URL at start.
 */
function reloaderContainer(spec: ServiceSpec, options: PodOptions): Container | undefined {
    const reload = spec.reload;
    if (!reload || options.files.watchedDirs.length === 0) return undefined;
    const ref = reload.basicAuthPasswordFile ? options.files.secretRef(reload.basicAuthPasswordFile) : undefined;
    if (reload.basicAuthPasswordFile && !ref) {
        throw new Error(`${spec.name}: reload password file ${reload.basicAuthPasswordFile} is not one of the service's secret files`);
    }
    const auth = ref ? `${BASIC_AUTH_USER}:$(RELOAD_PASSWORD)@` : "";
    const scheme = servesTls(spec, reload.port) ? "https" : "http";
    return {
        name: "reloader",
        image: IMAGES.configReloader,
        args: [
            `--reload-url=${scheme}://${auth}127.0.0.1:${reload.port}${reload.path}`,
            ...options.files.watchedDirs.map((dir) => `--watched-dir=${dir}`),
            "--watch-interval=1m",
            // No metrics endpoint: nothing scrapes it, and it would be one more open port.
            "--listen-address=",
        ],
        env: ref ? [{ name: "RELOAD_PASSWORD", valueFrom: { secretKeyRef: ref } }] : [],
        volumeMounts: options.files.mounts,
        resources: resourcesOf(options.reloaderResources),
        securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true },
    };
}

function mainContainer(spec: ServiceSpec, mounts: VolumeMount[]): Container {
    return {
        name: spec.name,
        image: spec.image,
        args: spec.args,
        env: [
            ...Object.entries(spec.env ?? {}).map(([name, value]) => ({ name, value })),
            ...(spec.replicaNameEnv ? [{ name: spec.replicaNameEnv, valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }] : []),
        ],
        ports: spec.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: "TCP" })),
        volumeMounts: mounts,
        resources: resourcesOf(spec.resources),
        securityContext: containerSecurity(spec),
        ...probes(spec),
    };
}

/** Replicas spread over nodes, so losing one node loses one replica. */
function antiAffinity(spec: ServiceSpec, mode: "preferred" | "required"): k8s.types.input.core.v1.Affinity | undefined {
    if ((spec.replicas ?? 1) <= 1 || spec.kind === "daemonset") return undefined;
    const term = { labelSelector: { matchLabels: selectorOf(spec.name) }, topologyKey: "kubernetes.io/hostname" };
    return {
        podAntiAffinity:
            mode === "required"
                ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
                : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] },
    };
}

/** The pod of a service: non-root, no capabilities, RuntimeDefault seccomp, its files and data mounted. */
export function podTemplate(spec: ServiceSpec, options: PodOptions): k8s.types.input.core.v1.PodTemplateSpec {
    const { uid, gid } = parseUser(spec.user);
    const volumes: Volume[] = [...options.files.volumes];
    const mounts: VolumeMount[] = [...options.files.mounts];
    if (spec.data) {
        if (options.dataVolume) volumes.push(options.dataVolume);
        mounts.push({ name: "data", mountPath: spec.data.path });
    }
    if (spec.readOnlyRootFilesystem) {
        volumes.push({ name: "tmp", emptyDir: { sizeLimit: "256Mi" } });
        mounts.push({ name: "tmp", mountPath: "/tmp" });
    }
    (spec.hostMounts ?? []).forEach((m, i) => {
        volumes.push({ name: `host-${i}`, hostPath: { path: m.hostPath } });
        mounts.push({ name: `host-${i}`, mountPath: m.path, readOnly: m.readOnly, mountPropagation: "HostToContainer" });
    });
    (spec.devices ?? []).forEach((device, i) => {
        volumes.push({ name: `device-${i}`, hostPath: { path: device, type: "CharDevice" } });
        mounts.push({ name: `device-${i}`, mountPath: device });
    });
    const reloader = reloaderContainer(spec, options);
    return {
        metadata: { labels: labelsOf(spec.name), annotations: options.files.checksums },
        spec: {
            serviceAccountName: options.serviceAccountName,
            automountServiceAccountToken: options.automountToken,
            enableServiceLinks: false,
            securityContext: {
                runAsNonRoot: true,
                runAsUser: uid,
                runAsGroup: gid,
                // Volumes are group-owned by the service's group (its own uid when that group is root).
                fsGroup: gid !== 0 ? gid : uid,
                fsGroupChangePolicy: "OnRootMismatch",
                seccompProfile: { type: "RuntimeDefault" },
            },
            // The node's network and processes (node exporter); needs the namespace's Pod Security exception.
            ...(spec.hostNamespaces ? { hostNetwork: true, hostPID: true, dnsPolicy: "ClusterFirstWithHostNet" } : {}),
            affinity: antiAffinity(spec, options.antiAffinity),
            // A node agent runs on every node, tainted ones included.
            tolerations: spec.kind === "daemonset" ? [{ operator: "Exists" }] : undefined,
            containers: [mainContainer(spec, mounts), ...(reloader ? [reloader] : [])],
            volumes,
        },
    };
}
