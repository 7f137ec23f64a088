import { portOf } from "../platform/spec";
import { IMAGES } from "../images";
import { staticJob } from "../render/prometheus";
import { ExporterDefinition } from "./exporter";

const PORT = 9308;

/** Kafka: brokers, topics, partitions, under-replication, and consumer-group lag (kafka_consumergroup_lag). */
export const kafkaExporter: ExporterDefinition = {
    name: "kafka-exporter",
    configKey: "kafka",
    enabled: (config) => config.exporters.kafka !== undefined,
    dashboards: ["datastores/kafka"],
    spec: (config) => {
        const kafka = config.exporters.kafka!;
        return {
            name: "kafka-exporter",
            image: IMAGES.kafkaExporter,
            kind: "deployment",
            args: [
                ...kafka.brokers.map((broker) => `--kafka.server=${broker}`),
                ...(kafka.version ? [`--kafka.version=${kafka.version}`] : []),
                `--topic.filter=${kafka.topicFilter}`,
                `--group.filter=${kafka.groupFilter}`,
                `--web.listen-address=:${PORT}`,
            ],
            ports: [{ name: "metrics", port: PORT }],
            health: { path: "/healthz", port: PORT },
            outbound: [...new Set(kafka.brokers.map(portOf))].map((port) => ({ port })),
            user: "65534:65534",
            readOnlyRootFilesystem: true,
            resources: { cpuRequest: "50m", memoryRequest: "64Mi", cpuLimit: "250m", memoryLimit: "256Mi" },
        };
    },
    // Not the exporter toolkit: its own flags turn the web server's TLS on.
    tls: (tls) => ({ args: ["--server.tls.enabled", `--server.tls.cert-file=${tls.certFile}`, `--server.tls.key-file=${tls.keyFile}`] }),
    // Lag is computed on each scrape from every group's offsets: give it time on a large cluster.
    scrapeConfigs: (_config, addressing) => [staticJob("kafka-exporter", [addressing.addressOf("kafka-exporter", PORT)], { scrape_timeout: "10s" })],
};
