import { IMAGES } from "../images";
import { ApiReadRule } from "../platform/spec";
import { serviceJob } from "../render/prometheus";
import { toolkitTls } from "../tls";
import { defineExporter } from "./definition";

const PORT = 8080;

/**
 * What kube-state-metrics reports on, by API group. Secrets and ConfigMaps are left out on purpose:
 * listing them would give the exporter every secret value in the cluster.
 */
const WATCHED: ApiReadRule[] = [
    {
        apiGroups: [""],
        resources: [
            "limitranges",
            "namespaces",
            "nodes",
            "persistentvolumeclaims",
            "persistentvolumes",
            "pods",
            "replicationcontrollers",
            "resourcequotas",
            "services",
        ],
    },
    { apiGroups: ["apps"], resources: ["daemonsets", "deployments", "replicasets", "statefulsets"] },
    { apiGroups: ["batch"], resources: ["cronjobs", "jobs"] },
    { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"] },
    { apiGroups: ["policy"], resources: ["poddisruptionbudgets"] },
    { apiGroups: ["networking.k8s.io"], resources: ["ingresses", "networkpolicies"] },
    { apiGroups: ["storage.k8s.io"], resources: ["storageclasses", "volumeattachments"] },
    { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"] },
    { apiGroups: ["certificates.k8s.io"], resources: ["certificatesigningrequests"] },
    { apiGroups: ["coordination.k8s.io"], resources: ["leases"] },
];

/** Object labels kube-state-metrics turns into `label_*` labels of its `kube_<object>_labels` series. */
const KSM_LABELS = "nodes=[topology.kubernetes.io/zone,node.kubernetes.io/instance-type]";

/** Cluster object state: deployments' replicas, pods' phases and restarts, nodes' conditions, jobs (Kubernetes only). */
export const kubeStateMetrics = defineExporter({
    name: "kube-state-metrics",
    configKey: "kubeStateMetrics",
    synopsis: "true (default on Kubernetes) | false",
    fields: [],
    platforms: { only: "kubernetes", why: "runs on Kubernetes only: it reports the state of cluster objects" },
    onByDefault: (platform) => platform === "kubernetes",
    read: () => ({}),
    image: IMAGES.kubeStateMetrics,
    ruleFile: "kubernetes-apps.yml",
    docs: "kube-state-metrics-exporterskubestatemetrics-kubernetes-only",
    spec: () => ({
        kind: "deployment",
        args: [
            `--port=${PORT}`,
            "--telemetry-port=8081",
            `--resources=${WATCHED.flatMap((r) => r.resources)
                .sort()
                .join(",")}`,
            // kube_node_labels with the zone and instance type (the cluster dashboard's nodes by zone);
            // every other object's labels stay out of the series (cardinality).
            `--metric-labels-allowlist=${KSM_LABELS}`,
        ],
        ports: [{ name: "metrics", port: PORT }],
        health: { path: "/livez", port: PORT },
        user: "65534:65534",
        readOnlyRootFilesystem: true,
        clusterRead: WATCHED,
        resources: { cpuRequest: "50m", memoryRequest: "128Mi", cpuLimit: "500m", memoryLimit: "512Mi" },
    }),
    // Same web config format, under its own flag name.
    tls: toolkitTls("--tls-config"),
    scrapeConfigs: (_settings, addressing) => [serviceJob("kube-state-metrics", addressing.scrapeTargets("kube-state-metrics", PORT))],
});
