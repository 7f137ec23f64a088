import type { ScrapeConfig } from "../../render/prometheus";
import { ScrapeTargets } from "../spec";

/**
 * Every pod behind a stack Service, found through its EndpointSlices and kept when the port
 * matches: each DaemonSet pod and each replica is its own target, named after its pod.
 */
export function serviceScrapeTargets(namespace: string, service: string, port: number): ScrapeTargets {
    return {
        kubernetes_sd_configs: [{ role: "endpointslice", namespaces: { names: [namespace] } }],
        relabel_configs: [
            { source_labels: ["__meta_kubernetes_service_name", "__meta_kubernetes_endpointslice_port"], regex: `${service};${port}`, action: "keep" },
            { source_labels: ["__meta_kubernetes_pod_name"], target_label: "instance" },
        ],
    };
}

/** The `prometheus.io/*` annotations of pods (`pod`) or services (`service`), honoured as most charts expect. */
function annotationRelabels(object: "pod" | "service"): Record<string, unknown>[] {
    const annotation = (name: string) => `__meta_kubernetes_${object}_annotation_prometheus_io_${name}`;
    return [
        { source_labels: [annotation("scrape")], regex: "true", action: "keep" },
        { source_labels: [annotation("scheme")], regex: "(https?)", target_label: "__scheme__" },
        { source_labels: [annotation("path")], regex: "(.+)", target_label: "__metrics_path__" },
        {
            source_labels: ["__address__", annotation("port")],
            regex: "(.+?)(?::\\d+)?;(\\d+)",
            replacement: "$1:$2",
            target_label: "__address__",
        },
        { source_labels: ["__meta_kubernetes_namespace"], target_label: "namespace" },
        { source_labels: ["__meta_kubernetes_pod_name"], target_label: "pod" },
    ];
}

/**
 * Jobs for the cluster's own workloads: every pod and every service annotated
 * `prometheus.io/scrape: "true"` (with `prometheus.io/port`, `path` and `scheme` honoured).
 * `namespaces` limits where to look; empty means the whole cluster.
 */
export function discoveryJobs(namespaces: string[]): ScrapeConfig[] {
    const scope = namespaces.length > 0 ? { namespaces: { names: namespaces } } : {};
    return [
        {
            job_name: "kubernetes-pods",
            kubernetes_sd_configs: [{ role: "pod", ...scope }],
            relabel_configs: [
                ...annotationRelabels("pod"),
                // A finished pod has nothing to scrape.
                { source_labels: ["__meta_kubernetes_pod_phase"], regex: "Pending|Succeeded|Failed", action: "drop" },
            ],
        },
        {
            job_name: "kubernetes-services",
            kubernetes_sd_configs: [{ role: "endpointslice", ...scope }],
            relabel_configs: [...annotationRelabels("service"), { source_labels: ["__meta_kubernetes_service_name"], target_label: "service" }],
        },
    ];
}
