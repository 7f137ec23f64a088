import { IMAGES } from "../images";
import { serviceJob } from "../render/prometheus";
import { defineExporter } from "./definition";

const PORT = 8080;

/** Metric groups that multiply series without helping dashboards or alerts. */
const DISABLED_METRICS = [
    "percpu",
    "sched",
    "tcp",
    "udp",
    "advtcp",
    "hugetlb",
    "referenced_memory",
    "cpu_topology",
    "cpuset",
    "resctrl",
    "memory_numa",
    "process",
];

/** Container CPU, memory, network and disk I/O, per Docker container (Docker only: the kubelet has it built in). */
export const cadvisor = defineExporter({
    name: "cadvisor",
    configKey: "cadvisor",
    synopsis: "true (default on Docker) | false",
    fields: [],
    platforms: { only: "docker", why: "runs on Docker only; on Kubernetes the kubelet already serves container metrics (cAdvisor built in)" },
    onByDefault: (platform) => platform === "docker",
    read: () => ({}),
    image: IMAGES.cadvisor,
    ruleFile: "containers.yml",
    dashboards: ["infrastructure/containers"],
    docs: "cadvisor-exporterscadvisor-docker-only",
    spec: () => ({
        kind: "daemonset",
        args: [
            `--port=${PORT}`,
            "--docker_only=true",
            "--housekeeping_interval=30s",
            // Only the compose labels become metric labels: arbitrary labels would explode cardinality.
            "--store_container_labels=false",
            "--whitelisted_container_labels=com.docker.compose.service,com.docker.compose.project",
            `--disable_metrics=${DISABLED_METRICS.join(",")}`,
        ],
        ports: [{ name: "metrics", port: PORT }],
        hostMounts: [
            { hostPath: "/", path: "/rootfs", readOnly: true },
            { hostPath: "/var/run", path: "/var/run", readOnly: true },
            { hostPath: "/sys", path: "/sys", readOnly: true },
            { hostPath: "/var/lib/docker", path: "/var/lib/docker", readOnly: true },
            { hostPath: "/dev/disk", path: "/dev/disk", readOnly: true },
        ],
        // cgroup statistics and /dev/kmsg (OOM events) need a privileged container.
        privileged: true,
        devices: ["/dev/kmsg"],
        health: { path: "/healthz", port: PORT },
        readOnlyRootFilesystem: true,
        resources: { cpuRequest: "100m", memoryRequest: "128Mi", cpuLimit: "500m", memoryLimit: "512Mi" },
    }),
    scrapeConfigs: (_settings, addressing) => [serviceJob("cadvisor", addressing.scrapeTargets("cadvisor", PORT))],
});
