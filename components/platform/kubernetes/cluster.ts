import type { ScrapeConfig } from "../../render/prometheus";
import { ApiReadRule, ClusterMonitoring } from "../spec";

/** Where Kubernetes mounts a pod's ServiceAccount token and the cluster CA. */
const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
/** The kubelet's authenticated HTTPS port on every node. */
export const KUBELET_PORT = 10250;
/** CoreDNS' metrics port (the `prometheus :9153` plugin line of every distribution's Corefile). */
export const COREDNS_METRICS_PORT = 9153;

export interface ClusterMonitoringOptions {
    /** Address blocks of the nodes: the kubelet (and host-network pods) answer there. */
    readonly nodeCidrs: readonly string[];
    /** Kubelet serving certificates are self-signed (not issued by the cluster CA): skip their verification. */
    readonly kubeletInsecureSkipVerify: boolean;
}

/**
 * What the jobs read. The kubelet authorizes `/metrics` and `/metrics/cadvisor` as `get nodes/metrics`,
 * the API server its `/metrics` as a non-resource URL. No `nodes/proxy`: it would also allow exec into
 * every pod through the kubelet API. No Secrets.
 */
const CLUSTER_READ: ApiReadRule[] = [
    { apiGroups: [""], resources: ["nodes", "pods", "services", "endpoints"] },
    { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"] },
    { apiGroups: [""], resources: ["nodes/metrics"], verbs: ["get"] },
];

/** HTTPS with the pod's ServiceAccount token, verified against the cluster CA. */
function clusterTls(serverName?: string, insecureSkipVerify = false): Pick<ScrapeConfig, "scheme" | "authorization" | "tls_config"> {
    return {
        scheme: "https",
        authorization: { credentials_file: `${SERVICE_ACCOUNT_DIR}/token` },
        tls_config: {
            ca_file: `${SERVICE_ACCOUNT_DIR}/ca.crt`,
            ...(serverName ? { server_name: serverName } : {}),
            ...(insecureSkipVerify ? { insecure_skip_verify: true } : {}),
        },
    };
}

/** Every node's kubelet, straight to the node on 10250 (the address the node reports), named after the node. */
function kubeletJob(job: string, path: string, options: ClusterMonitoringOptions, metricRelabels: Record<string, unknown>[]): ScrapeConfig {
    return {
        job_name: job,
        metrics_path: path,
        ...clusterTls(undefined, options.kubeletInsecureSkipVerify),
        kubernetes_sd_configs: [{ role: "node" }],
        relabel_configs: [
            { source_labels: ["__meta_kubernetes_node_name"], target_label: "instance" },
            { source_labels: ["__meta_kubernetes_node_name"], target_label: "node" },
        ],
        ...(metricRelabels.length ? { metric_relabel_configs: metricRelabels } : {}),
    };
}

/**
 * The cluster's own jobs:
 * - `kubelet` and `kubelet-cadvisor`: each node's kubelet, directly on the node (kube-prometheus'
 *   default). Going through the API server proxy instead would need `nodes/proxy`, which is powerful
 *   (it reaches the kubelet's exec and attach), and would put every scrape on the API server.
 * - `apiserver`: the endpoints of the `kubernetes` Service in `default`.
 * - `coredns`: the cluster DNS pods (label `k8s-app=kube-dns`) on their metrics port 9153.
 */
export function clusterMonitoring(options: ClusterMonitoringOptions): ClusterMonitoring {
    const jobs: ScrapeConfig[] = [
        kubeletJob("kubelet", "/metrics", options, [
            // Per-request histograms of the kubelet's HTTP server and client: many series, read by no rule or panel.
            {
                source_labels: ["__name__"],
                regex: "(apiserver_audit|rest_client_request_duration_seconds|rest_client_rate_limiter_duration_seconds|kubelet_http_requests_duration_seconds)_.*",
                action: "drop",
            },
        ]),
        kubeletJob("kubelet-cadvisor", "/metrics/cadvisor", options, [
            // Task states and per-device I/O multiply the series by container: nothing here reads them.
            { source_labels: ["__name__"], regex: "container_(tasks_state|memory_failures_total|blkio_device_usage_total)", action: "drop" },
        ]),
        {
            job_name: "apiserver",
            ...clusterTls("kubernetes"),
            // EndpointSlices: the v1 Endpoints API is deprecated since Kubernetes 1.33.
            kubernetes_sd_configs: [{ role: "endpointslice", namespaces: { names: ["default"] } }],
            relabel_configs: [
                { source_labels: ["__meta_kubernetes_service_name", "__meta_kubernetes_endpointslice_port_name"], regex: "kubernetes;https", action: "keep" },
            ],
            metric_relabel_configs: [
                // The heaviest histograms of the API server, by far; the rules read apiserver_request_duration_seconds.
                {
                    source_labels: ["__name__"],
                    regex: "(etcd_request_duration_seconds|apiserver_request_slo_duration_seconds|apiserver_request_sli_duration_seconds|apiserver_response_sizes|apiserver_watch_events_sizes|apiserver_admission_step_admission_duration_seconds_summary)_.*",
                    action: "drop",
                },
            ],
        },
        {
            job_name: "coredns",
            kubernetes_sd_configs: [{ role: "pod", namespaces: { names: ["kube-system"] } }],
            relabel_configs: [
                {
                    source_labels: ["__meta_kubernetes_pod_label_k8s_app", "__meta_kubernetes_pod_container_port_number"],
                    regex: `kube-dns;${COREDNS_METRICS_PORT}`,
                    action: "keep",
                },
                { source_labels: ["__meta_kubernetes_pod_name"], target_label: "instance" },
                { source_labels: ["__meta_kubernetes_pod_node_name"], target_label: "node" },
            ],
        },
    ];
    return {
        jobs,
        clusterRead: CLUSTER_READ,
        clusterReadUrls: ["/metrics"],
        outbound: [
            { port: KUBELET_PORT, cidrs: options.nodeCidrs, why: "kubelets and their cAdvisor" },
            { port: COREDNS_METRICS_PORT, pods: { namespaces: ["kube-system"] }, why: "CoreDNS metrics" },
        ],
    };
}
