import { StackConfig } from "../config";
import { BuiltInDashboard } from "../config/dashboards";
import type { RegisteredExporter } from "./exporters";

/** Built-in dashboards of parts that are not exporters: shipped only while that part is on. */
const PART_DASHBOARDS: readonly { readonly on: (config: StackConfig) => boolean; readonly dashboards: readonly string[] }[] = [
    { on: (config) => config.logs.enabled, dashboards: ["logs/logs", "stack/logging-pipeline"] },
    { on: (config) => config.slos.length > 0, dashboards: ["services/slo"] },
];

/** The folder of dashboards about the Kubernetes cluster the stack runs on. */
export const KUBERNETES_DASHBOARDS = "kubernetes";

/**
 * The built-in dashboards Grafana gets: those of the parts that run (an exporter's dashboards
 * only with the exporter), always the others, minus `monitoring:grafana.disabledDashboards`.
 * `watchesCluster`: Prometheus watches the cluster the platform runs on, which brings the
 * Kubernetes folder and the Containers dashboard (fed by the kubelet's cAdvisor).
 */
export function selectBuiltInDashboards(config: StackConfig, exporters: readonly RegisteredExporter[], watchesCluster = false): BuiltInDashboard[] {
    const cluster = config.shipped.dashboards.filter((d) => d.folder === KUBERNETES_DASHBOARDS).map((d) => d.name);
    const owned = [
        ...exporters.map((e) => ({ on: (config: StackConfig) => config.exporters.running.has(e.configKey), dashboards: e.dashboards ?? [] })),
        ...PART_DASHBOARDS,
        { on: () => watchesCluster, dashboards: [...cluster, "infrastructure/containers"] },
    ];
    const conditional = new Set(owned.flatMap((o) => o.dashboards));
    const running = new Set(owned.filter((o) => o.on(config)).flatMap((o) => o.dashboards));
    return config.shipped.dashboards.filter((d) => (!conditional.has(d.name) || running.has(d.name)) && !config.grafana.disabledDashboards.includes(d.name));
}
