import { IMAGES } from "../images";
import { serviceJob } from "../render/prometheus";
import { toolkitTls } from "../tls";
import { defineExporter } from "./definition";

const PORT = 9100;

/** Host metrics: CPU, memory, disks, filesystems, network, load, clock. */
export const nodeExporter = defineExporter({
    name: "node-exporter",
    configKey: "node",
    synopsis: "true (default) | false",
    fields: [],
    onByDefault: () => true,
    read: () => ({}),
    image: IMAGES.nodeExporter,
    ruleFile: "host.yml",
    dashboards: ["infrastructure/host"],
    docs: "node-exporter-exportersnode",
    spec: () => ({
        kind: "daemonset",
        args: [
            "--path.procfs=/host/proc",
            "--path.sysfs=/host/sys",
            "--path.rootfs=/host/root",
            `--web.listen-address=:${PORT}`,
            "--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run|var/lib/docker/.+|var/lib/kubelet/.+)($|/)",
            // In the host's network namespace every pod's veth pair is an interface: not host traffic.
            "--collector.netdev.device-exclude=^(veth.*|cali.*|lxc.*|[a-f0-9]{15})$",
            "--collector.netclass.ignored-devices=^(veth.*|cali.*|lxc.*|[a-f0-9]{15})$",
        ],
        // The node's interfaces, conntrack table and processes, not the pod's own. It then holds port
        // 9100 on every node: nothing else there (another node exporter) may listen on it.
        hostNamespaces: true,
        ports: [{ name: "metrics", port: PORT }],
        hostMounts: [
            { hostPath: "/proc", path: "/host/proc", readOnly: true },
            { hostPath: "/sys", path: "/host/sys", readOnly: true },
            { hostPath: "/", path: "/host/root", readOnly: true },
        ],
        health: { path: "/metrics", port: PORT },
        user: "65534:65534",
        readOnlyRootFilesystem: true,
        resources: { cpuRequest: "50m", memoryRequest: "32Mi", cpuLimit: "250m", memoryLimit: "128Mi" },
    }),
    tls: toolkitTls(),
    scrapeConfigs: (_settings, addressing) => [serviceJob("node-exporter", addressing.scrapeTargets("node-exporter", PORT))],
});
