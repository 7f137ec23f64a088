import type { RegisteredExporter } from "./definition";
import { nodeExporter } from "./node";
import { cadvisor } from "./cadvisor";
import { postgresExporter } from "./postgres";
import { mysqlExporter } from "./mysql";
import { redisExporter } from "./redis";
import { kafkaExporter } from "./kafka";
import { blackboxExporter } from "./blackbox";
import { kubeStateMetrics } from "./kube-state-metrics";

/**
 * Every exporter the stack knows; each runs when the configuration turns it on. Config keys,
 * secrets and the tests' job lists follow this list. It imports definitions only (no
 * components), so config/ can read it.
 */
export const EXPORTERS: readonly RegisteredExporter[] = [
    nodeExporter,
    cadvisor,
    postgresExporter,
    mysqlExporter,
    redisExporter,
    kafkaExporter,
    blackboxExporter,
    kubeStateMetrics,
];
