// How the Kubernetes policies see pods: one walk over the pod template of every workload kind,
// so each policy states only its rule. Fields are optional because props come from the engine
// as plain JSON that a user may have left incomplete.

export type Labels = Record<string, string>;

export interface SecurityContext {
    readonly runAsNonRoot?: boolean;
    readonly runAsUser?: number;
}

export interface EnvVar {
    readonly name?: string;
    readonly value?: string;
    readonly valueFrom?: unknown;
}

export interface Container {
    readonly name?: string;
    readonly image?: string;
    readonly env?: EnvVar[];
    readonly resources?: { readonly limits?: Record<string, string | number> };
    readonly securityContext?: SecurityContext;
}

export interface PodSpec {
    readonly containers?: Container[];
    readonly initContainers?: Container[];
    readonly securityContext?: SecurityContext;
}

export interface LabelSelector {
    readonly matchLabels?: Labels;
    readonly matchExpressions?: { readonly key: string; readonly operator: string; readonly values?: string[] }[];
}

/** A pod as a workload describes it: its labels and spec, and the workload that owns it. */
export interface PodView {
    /** `Deployment prometheus`, used at the start of every message. */
    readonly owner: string;
    readonly namespace: string;
    readonly labels: Labels;
    readonly spec: PodSpec;
}

/** One container of a pod, named as a user would look for it. */
export interface ContainerView {
    readonly pod: PodView;
    readonly container: Container;
    /** `Deployment prometheus, container reloader` */
    readonly where: string;
}

interface PodTemplate {
    readonly metadata?: { readonly labels?: Labels };
    readonly spec?: PodSpec;
}

// Where each kind keeps its pod template.
const podTemplates: Record<string, (spec: any, props: any) => PodTemplate | undefined> = {
    "kubernetes:apps/v1:Deployment": (spec) => spec?.template,
    "kubernetes:apps/v1:StatefulSet": (spec) => spec?.template,
    "kubernetes:apps/v1:DaemonSet": (spec) => spec?.template,
    "kubernetes:batch/v1:Job": (spec) => spec?.template,
    "kubernetes:batch/v1:CronJob": (spec) => spec?.jobTemplate?.spec?.template,
    "kubernetes:core/v1:Pod": (spec, props) => ({ metadata: props.metadata, spec }),
};

/** Workload kinds that run `spec.replicas` copies of their pod. */
export const replicatedKinds: ReadonlySet<string> = new Set(["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"]);

/** The array at a field, or none when it is absent or redacted (a secret list renders as one string). */
export function listOf<T>(value: unknown): T[] {
    return Array.isArray(value) ? value : [];
}

/** `Deployment`, from `kubernetes:apps/v1:Deployment`. */
export function kindOf(type: string): string {
    return type.slice(type.lastIndexOf(":") + 1);
}

/** `metadata.name`, or the Pulumi resource name when the provider will auto-name it. */
export function objectName(props: Record<string, any>, resourceName: string): string {
    return props.metadata?.name ?? resourceName;
}

/** The provider's default namespace is written "" so two objects without one compare equal. */
export function namespaceOf(props: Record<string, any>): string {
    return props.metadata?.namespace ?? "";
}

/** The pod a resource runs, or undefined when the resource is not a workload. */
export function podOf(type: string, props: Record<string, any>, resourceName: string): PodView | undefined {
    const template = podTemplates[type]?.(props.spec, props);
    if (template === undefined) {
        return undefined;
    }
    return {
        owner: `${kindOf(type)} ${objectName(props, resourceName)}`,
        namespace: namespaceOf(props),
        labels: template.metadata?.labels ?? {},
        spec: template.spec ?? {},
    };
}

/** Every container and init container of a pod. */
export function containersOf(pod: PodView): ContainerView[] {
    const named =
        (kind: string) =>
        (container: Container): ContainerView => ({
            pod,
            container,
            where: `${pod.owner}, ${kind} ${container.name ?? "(unnamed)"}`,
        });
    return [...listOf<Container>(pod.spec.containers).map(named("container")), ...listOf<Container>(pod.spec.initContainers).map(named("init container"))];
}

/** Kubernetes label selector semantics; an absent selector selects nothing, an empty one everything. */
export function selectorMatches(selector: LabelSelector | undefined, labels: Labels): boolean {
    if (selector === undefined || selector === null) {
        return false;
    }
    const byLabel = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
    const byExpression = listOf<Required<LabelSelector>["matchExpressions"][number]>(selector.matchExpressions).every(({ key, operator, values = [] }) => {
        switch (operator) {
            case "In":
                return key in labels && values.includes(labels[key]);
            case "NotIn":
                return !(key in labels) || !values.includes(labels[key]);
            case "Exists":
                return key in labels;
            case "DoesNotExist":
                return !(key in labels);
            default:
                return false;
        }
    });
    return byLabel && byExpression;
}
