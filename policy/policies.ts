// The monitoring policies, one named object each. Docker rules match Docker resource types and
// Kubernetes rules match Kubernetes ones, so the dev/prod split needs no stack name.
// Importing this file starts nothing: `index.ts` hands `allPolicies` to the PolicyPack.
import type {
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";
import {
    ContainerView,
    EnvVar,
    LabelSelector,
    Labels,
    containersOf,
    kindOf,
    listOf,
    namespaceOf,
    objectName,
    podOf,
    replicatedKinds,
    selectorMatches,
} from "./workloads";

const dockerContainer = "docker:index/container:Container";
const dockerRemoteImage = "docker:index/remoteImage:RemoteImage";
const ingress = "kubernetes:networking.k8s.io/v1:Ingress";
const podDisruptionBudget = "kubernetes:policy/v1:PodDisruptionBudget";

// --- what the rules look for ------------------------------------------------------------------

// Matched anywhere in a name; the short words only as a whole `_`-separated part (not BYPASS).
const secretWords = [
    "PASSWORD", "PASSWD", "TOKEN", "SECRET", "WEBHOOK", "API_KEY", "APIKEY", "ROUTING_KEY",
    "PRIVATE_KEY", "CREDENTIAL", "DATABASE_URL", "DATA_SOURCE_NAME",
];
const secretParts = ["DSN", "PASS"];

/** An environment variable name that should carry a file path rather than the secret itself. */
export function looksSecret(name: string): boolean {
    const upper = name.toUpperCase().replace(/[-.]/g, "_");
    if (upper.endsWith("_FILE")) {
        return false; // `GF_SECURITY_ADMIN_PASSWORD__FILE=/run/secrets/...` points at a file
    }
    return secretWords.some((word) => upper.includes(word)) || upper.split("_").some((part) => secretParts.includes(part));
}

/** Why an image reference can change under the same name, or undefined when it is pinned. */
export function unpinnedReason(image: string | undefined): string | undefined {
    if (!image) {
        return "names no image";
    }
    if (/@[a-z0-9]+:[0-9a-f]{32,}$/.test(image)) {
        return undefined; // a digest pins the exact bytes
    }
    const last = image.slice(image.lastIndexOf("/") + 1); // a registry port is not a tag
    const colon = last.lastIndexOf(":");
    if (colon < 0) {
        return `image ${image} has no tag, so it means latest`;
    }
    if (last.slice(colon + 1) === "latest") {
        return `image ${image} uses the moving tag latest`;
    }
    return undefined;
}

/** 127.0.0.0/8 or ::1: reachable from this machine only. */
export function isLoopback(ip: string | undefined): boolean {
    const bare = (ip ?? "").replace(/^\[(.*)\]$/, "$1");
    if (bare === "::1" || bare === "0:0:0:0:0:0:0:1") {
        return true;
    }
    const octets = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(bare);
    return octets !== null && octets.slice(1).every((octet) => Number(octet) <= 255);
}

/** A TLS host entry covers a rule host exactly, or as `*.example.com` for one more label. */
function tlsCovers(tlsHost: string, host: string): boolean {
    if (tlsHost.startsWith("*.")) {
        const suffix = tlsHost.slice(1);
        return host.endsWith(suffix) && !host.slice(0, -suffix.length).includes(".") && host.length > suffix.length;
    }
    return tlsHost === host;
}

/** Least replicas for a highly available prod workload, keyed by app name. */
const minimumReplicas = new Map([["prometheus", 2], ["alertmanager", 3]]);

// --- shared plumbing --------------------------------------------------------------------------

const secretEnvConfig: PolicyConfigSchema = {
    properties: {
        allowedEnvNames: {
            type: "array",
            items: { type: "string" },
            default: [],
            description: "Names that only look secret (e.g. GF_AUTH_GENERIC_OAUTH_TOKEN_URL).",
        },
    },
};

function allowedEnvNames(args: ResourceValidationArgs): string[] {
    return args.getConfig<{ allowedEnvNames?: string[] }>().allowedEnvNames ?? [];
}

/** A validation that runs only on one resource type. */
function onType(type: string, validate: ResourceValidation): ResourceValidation {
    return (args, report) => (args.type === type ? validate(args, report) : undefined);
}

/** A validation run once per container of any Kubernetes workload or pod. */
function onEachContainer(check: (view: ContainerView, report: ReportViolation, args: ResourceValidationArgs) => void): ResourceValidation {
    return (args, report) => {
        const pod = podOf(args.type, args.props, args.name);
        for (const view of pod ? containersOf(pod) : []) {
            check(view, report, args);
        }
    };
}

function policy(p: Omit<ResourceValidationPolicy, "enforcementLevel">): ResourceValidationPolicy {
    return { enforcementLevel: "mandatory", ...p };
}

// --- Docker (dev) -----------------------------------------------------------------------------

export const dockerPortsOnLoopback = policy({
    name: "docker-ports-on-loopback",
    description:
        "Every port a Docker container publishes binds a loopback address (127.0.0.0/8 or ::1); a port without " +
        "ip binds 0.0.0.0, every interface. Fix: set monitoring:bindAddress to 127.0.0.1 (ports[].ip) and reach " +
        "the UIs from elsewhere through an SSH tunnel or a reverse proxy with TLS and authentication.",
    validateResource: onType(dockerContainer, (args, report) => {
        for (const port of listOf<{ internal?: number; external?: number; ip?: string }>(args.props.ports)) {
            if (!isLoopback(port.ip)) {
                report(
                    `container ${args.props.name ?? args.name} publishes port ${port.internal}` +
                    `${port.external === undefined ? "" : ` as ${port.external}`} on ${port.ip || "0.0.0.0"}, ` +
                    "reachable from the network; set ports[].ip to 127.0.0.1 (monitoring:bindAddress)",
                );
            }
        }
    }),
});

export const dockerNoSecretEnv = policy({
    name: "docker-no-secret-env",
    description:
        "No Docker container gets a password, token, webhook URL, API key or DSN as a plain environment value: " +
        "anyone who can run `docker inspect` reads it, and it is stored in the stack state. Fix: upload the " +
        "secret as a file and pass its path (`GF_..._PASSWORD__FILE`, `*_FILE`, Alertmanager `*_file` settings).",
    configSchema: secretEnvConfig,
    validateResource: onType(dockerContainer, (args, report) => {
        const allowed = allowedEnvNames(args);
        for (const entry of listOf<string>(args.props.envs)) {
            const [key, ...rest] = entry.split("=");
            if (rest.join("=") !== "" && looksSecret(key) && !allowed.includes(key)) {
                report(
                    `container ${args.props.name ?? args.name} sets ${key} inline in envs; upload the value as a ` +
                    `file and set ${key}__FILE (or the service's *_FILE variable) to its path instead`,
                );
            }
        }
    }),
});

export const dockerPinnedImages = policy({
    name: "docker-pinned-images",
    description:
        "Every Docker image (RemoteImage name, Container image) names an explicit tag other than latest, or a " +
        "digest, so `pulumi up` runs the version that was reviewed. Fix: write repo:tag, e.g. prom/prometheus:v3.5.3.",
    validateResource: [
        onType(dockerRemoteImage, (args, report) => {
            const reason = unpinnedReason(args.props.name);
            if (reason) {
                report(`RemoteImage ${args.name}: ${reason}; pin an explicit version tag such as :v3.5.3 or a digest`);
            }
        }),
        onType(dockerContainer, (args, report) => {
            const image: string | undefined = args.props.image;
            if (image?.startsWith("sha256:")) {
                return; // an image ID from a RemoteImage, whose name the rule above checks
            }
            const reason = unpinnedReason(image);
            if (reason) {
                report(`container ${args.props.name ?? args.name}: ${reason}; pin an explicit version tag or a digest`);
            }
        }),
    ],
});

// --- Kubernetes (prod) ------------------------------------------------------------------------

export const kubernetesNoSecretEnv = policy({
    name: "kubernetes-no-secret-env",
    description:
        "No container gets a password, token, webhook URL, API key or DSN as a plain env value: it is readable " +
        "by anyone who can read the workload. Fix: keep it in a Secret and use env[].valueFrom.secretKeyRef, or " +
        "mount the Secret as a file and point the service at it (`*_FILE`).",
    configSchema: secretEnvConfig,
    validateResource: onEachContainer(({ container, where }, report, args) => {
        const allowed = allowedEnvNames(args);
        for (const { name, value } of listOf<EnvVar>(container.env)) {
            if (name && value && looksSecret(name) && !allowed.includes(name)) {
                report(`${where}: env ${name} has an inline value; use valueFrom.secretKeyRef or a mounted Secret file`);
            }
        }
    }),
});

export const kubernetesPinnedImages = policy({
    name: "kubernetes-pinned-images",
    description:
        "Every container image names an explicit tag other than latest, or a digest, so each replica and each " +
        "rollout runs the version that was reviewed. Fix: write repo:tag, e.g. quay.io/prometheus/prometheus:v3.5.3.",
    validateResource: onEachContainer(({ container, where }, report) => {
        const reason = unpinnedReason(container.image);
        if (reason) {
            report(`${where}: ${reason}; pin an explicit version tag or a digest`);
        }
    }),
});

export const kubernetesContainerLimits = policy({
    name: "kubernetes-container-limits",
    description:
        "Every container sets resources.limits.cpu and resources.limits.memory, so one runaway query or log burst " +
        "cannot starve the node. Fix: set the service's resources (cpuLimit, memoryLimit) in its ServiceSpec.",
    validateResource: onEachContainer(({ container, where }, report) => {
        const limits = container.resources?.limits ?? {};
        const missing = ["cpu", "memory"].filter((resource) => limits[resource] === undefined || limits[resource] === "");
        if (missing.length > 0) {
            report(`${where}: no resources.limits.${missing.join(" or resources.limits.")}; set both cpu and memory limits`);
        }
    }),
});

export const kubernetesRunAsNonRoot = policy({
    name: "kubernetes-run-as-non-root",
    description:
        "Every container runs as a non-root user: securityContext.runAsNonRoot is true (on the pod or the " +
        "container) and runAsUser is never 0. Fix: set the pod securityContext to runAsNonRoot: true with the " +
        "image's user (e.g. runAsUser: 65534), and fsGroup for volume permissions instead of a root init container.",
    validateResource: onEachContainer(({ container, pod, where }, report) => {
        const podContext = pod.spec.securityContext ?? {};
        const own = container.securityContext ?? {};
        if ((own.runAsUser ?? podContext.runAsUser) === 0) {
            report(`${where}: runs as root (runAsUser: 0); run as the image's non-root user and set runAsNonRoot: true`);
        } else if ((own.runAsNonRoot ?? podContext.runAsNonRoot) !== true) {
            report(`${where}: securityContext.runAsNonRoot is not true; set it on the pod (or the container)`);
        }
    }),
});

export const kubernetesIngressTls = policy({
    name: "kubernetes-ingress-tls",
    description:
        "Every Ingress serves TLS for each host it routes: spec.tls lists every rule host (directly or by a " +
        "*.domain wildcard). Fix: add spec.tls [{hosts: [...], secretName}] with a cert-manager ClusterIssuer " +
        "annotation or an existing certificate Secret, and give every rule a host.",
    validateResource: onType(ingress, (args, report) => {
        const name = objectName(args.props, args.name);
        const tls = listOf<{ hosts?: string[] }>(args.props.spec?.tls);
        if (tls.length === 0) {
            report(`Ingress ${name} has no spec.tls; serve it over TLS with a certificate for each host`);
            return;
        }
        const tlsHosts = tls.flatMap((entry) => listOf<string>(entry.hosts));
        for (const rule of listOf<{ host?: string }>(args.props.spec?.rules)) {
            if (!rule.host) {
                report(`Ingress ${name} has a rule without a host, which no certificate covers; give the rule a host`);
            } else if (!tlsHosts.some((tlsHost) => tlsCovers(tlsHost, rule.host!))) {
                report(`Ingress ${name}: host ${rule.host} is not in spec.tls[].hosts; add it to a TLS entry`);
            }
        }
    }),
});

export const kubernetesHighAvailability = policy({
    name: "kubernetes-high-availability",
    description:
        "Prometheus runs 2 or more replicas and Alertmanager 3 or more (a StatefulSet or Deployment named or " +
        "labelled app.kubernetes.io/name: prometheus or alertmanager), so one lost node loses no alert. Fix: " +
        "set monitoring:prometheus.replicas to 2 and monitoring:alertmanager.replicas to 3 (spec.replicas).",
    validateResource: (args, report) => {
        if (!replicatedKinds.has(args.type)) {
            return;
        }
        const props = args.props;
        const app: string =
            props.spec?.template?.metadata?.labels?.["app.kubernetes.io/name"] ??
            props.metadata?.labels?.["app.kubernetes.io/name"] ??
            objectName(props, args.name);
        const minimum = minimumReplicas.get(app);
        const replicas: number = props.spec?.replicas ?? 1;
        if (minimum !== undefined && replicas < minimum) {
            report(
                `${kindOf(args.type)} ${objectName(props, args.name)} runs ${app} with ${replicas} ` +
                `replica${replicas === 1 ? "" : "s"}; it needs at least ${minimum} (spec.replicas)`,
            );
        }
    },
});

export const kubernetesDisruptionBudgets: StackValidationPolicy = {
    name: "kubernetes-disruption-budgets",
    description:
        "Every Deployment or StatefulSet with more than one replica has a PodDisruptionBudget in its namespace " +
        "whose selector matches its pod labels, so a node drain keeps a quorum running. Fix: add a policy/v1 " +
        "PodDisruptionBudget with spec.selector.matchLabels equal to the pod template labels and maxUnavailable: 1.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const budgets = args.resources
            .filter((r) => r.type === podDisruptionBudget)
            .map((r) => ({ namespace: namespaceOf(r.props), selector: r.props.spec?.selector as LabelSelector | undefined }));
        // Only workloads are read: an unknown field elsewhere would skip the whole check in preview.
        for (const resource of args.resources.filter((r) => replicatedKinds.has(r.type))) {
            const replicas: number = resource.props.spec?.replicas ?? 1;
            const pod = podOf(resource.type, resource.props, resource.name);
            if (pod === undefined || replicas <= 1) {
                continue;
            }
            const covered = budgets.some((b) => b.namespace === pod.namespace && selectorMatches(b.selector, pod.labels));
            if (!covered) {
                report(
                    `${pod.owner} runs ${replicas} replicas but no PodDisruptionBudget in its namespace selects its ` +
                    `pods (${describeLabels(pod.labels)}); add one with spec.selector.matchLabels set to those labels`,
                    resource.urn,
                );
            }
        }
    },
};

function describeLabels(labels: Labels): string {
    const pairs = Object.entries(labels).map(([key, value]) => `${key}=${value}`);
    return pairs.length > 0 ? `labels ${pairs.join(", ")}` : "no labels";
}

/** Every policy of the pack, in the order `pulumi preview` reports them. */
export const allPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
    dockerPortsOnLoopback,
    dockerNoSecretEnv,
    dockerPinnedImages,
    kubernetesNoSecretEnv,
    kubernetesPinnedImages,
    kubernetesContainerLimits,
    kubernetesRunAsNonRoot,
    kubernetesIngressTls,
    kubernetesHighAvailability,
    kubernetesDisruptionBudgets,
];
