/** The label every policy, selector and dashboard finds a service's pods by. */
export const NAME_LABEL = "app.kubernetes.io/name";

/** Labels of every object of a service. */
export function labelsOf(service: string): Record<string, string> {
    return { [NAME_LABEL]: service, "app.kubernetes.io/part-of": "monitoring", "app.kubernetes.io/managed-by": "pulumi" };
}

/** What selects a service's pods (a subset of `labelsOf`, so it never changes on a relabel). */
export function selectorOf(service: string): Record<string, string> {
    return { [NAME_LABEL]: service, "app.kubernetes.io/part-of": "monitoring" };
}

/** The headless Service that gives each StatefulSet pod its own DNS name. */
export function headlessName(service: string): string {
    return `${service}-headless`;
}

/** A Kubernetes object name (DNS-1123 label) from free text. */
export function objectName(text: string): string {
    return text
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/-+/g, "-")
        .replace(/^-|-$/g, "")
        .slice(0, 63)
        .replace(/-$/, "");
}
