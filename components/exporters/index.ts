import { ExporterDefinition } from "./exporter";
import { nodeExporter } from "./node";
import { cadvisor } from "./cadvisor";
import { postgresExporter } from "./postgres";
import { redisExporter } from "./redis";
import { kafkaExporter } from "./kafka";
import { blackboxExporter } from "./blackbox";
import { kubeStateMetrics } from "./kube-state-metrics";

export { Exporter, ExporterDefinition } from "./exporter";

/** Every exporter the stack knows; each is deployed when the configuration enables it. */
export const EXPORTERS: readonly ExporterDefinition[] = [
    nodeExporter,
    cadvisor,
    postgresExporter,
    redisExporter,
    kafkaExporter,
    blackboxExporter,
    kubeStateMetrics,
];
