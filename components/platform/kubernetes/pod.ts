import * as k8s from "@pulumi/kubernetes";
import { HealthSpec, ResourceSpec, ServiceSpec } from "../spec";
import { MountedFiles } from "./files";
import { labelsOf, selectorOf } from "./labels";

type Container = k8s.types.input.core.v1.Container;
type Probe = k8s.types.input.core.v1.Probe;
type Volume = k8s.types.input.core.v1.Volume;
type VolumeMount = k8s.types.input.core.v1.VolumeMount;

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
 * The check behind every probe. A password-protected endpoint is checked only by an exec probe that
 * reads the password from its mounted file itself (promtool's and amtool's `--http.config.file`):
 * no password in the pod spec, and none in any process' arguments (`/proc/<pid>/cmdline` is
 * world-readable on the node). Without such a command it gets a TCP check.
 */
function probeHandler(spec: ServiceSpec, health: HealthSpec): Omit<Probe, "periodSeconds"> {
    if (health.execProbe) return { exec: { command: health.execProbe.live } };
    if (health.command) return { exec: { command: health.command } };
    if (health.basicAuthPasswordFile) return { tcpSocket: { port: health.port } };
    return { httpGet: { path: health.path, port: health.port, scheme: servesTls(spec, health.port) ? "HTTPS" : "HTTP" } };
}

function probes(spec: ServiceSpec): Pick<Container, "startupProbe" | "livenessProbe" | "readinessProbe"> {
    if (!spec.health) return {};
    const check = probeHandler(spec, spec.health);
    const ready = spec.health.execProbe?.ready ? { exec: { command: spec.health.execProbe.ready } } : check;
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

/** Single-quotes a word for `sh`. */
function shellQuote(word: string): string {
    return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Watches the hot-reloaded files and sends the service's process SIGHUP when the kubelet swaps in
 * new ConfigMap data. It runs the service's own image (busybox `sh`, `md5sum`, `pidof`) in the
 * pod's shared process namespace: no HTTP call, so no password in any argument or variable.
 */
function reloaderContainer(spec: ServiceSpec, options: PodOptions): Container | undefined {
    const reload = spec.reload;
    const watched = (spec.files ?? []).filter((f) => f.hotReload && !f.secret).map((f) => shellQuote(f.path));
    if (!reload || watched.length === 0) return undefined;
    const sum = `cat ${watched.join(" ")} | md5sum`;
    const script = [
        `last=$(${sum})`,
        "while sleep 30; do",
        `  now=$(${sum})`,
        // kill is the shell's builtin; a failed signal is retried on the next round.
        `  if [ "$now" != "$last" ]; then kill -HUP $(pidof ${shellQuote(reload.process)}) && last=$now; fi`,
        "done",
    ].join("\n");
    return {
        name: "reloader",
        image: spec.image,
        command: ["sh", "-c", script],
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
            ...(spec.nodeNameEnv ? [{ name: spec.nodeNameEnv, valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }] : []),
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
            // The reloader signals the service's process, so it must see it.
            ...(reloader ? { shareProcessNamespace: true } : {}),
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
