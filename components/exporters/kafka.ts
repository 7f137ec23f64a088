import { hostPort } from "../../config/endpoints";
import { ConfigError } from "../../config/errors";
import * as v from "../../config/validate";
import { IMAGES } from "../images";
import { staticJob } from "../render/prometheus";
import { defineExporter } from "./definition";

const PORT = 9308;

export interface KafkaSettings {
    /** `host:port` of each broker. */
    readonly brokers: string[];
    /** The brokers' Kafka version, when the exporter should not guess it. */
    readonly version?: string;
    /** RE2 regexes (kafka_exporter is Go) of the topics and consumer groups to export. */
    readonly topicFilter: string;
    readonly groupFilter: string;
}

/** Kafka: brokers, topics, partitions, under-replication, and consumer-group lag (kafka_consumergroup_lag). */
export const kafkaExporter = defineExporter<KafkaSettings>({
    name: "kafka-exporter",
    configKey: "kafka",
    synopsis: "{brokers, version, topicFilter, groupFilter}",
    fields: ["brokers", "version", "topicFilter", "groupFilter"],
    read: (block, { key }) => {
        if (block.brokers === undefined) throw new ConfigError(`${key}.brokers`, "is missing; list the brokers as host:port");
        return {
            brokers: v.list(`${key}.brokers`, block.brokers, v.hostPort, { nonEmpty: true }),
            version: v.optional(block.version, undefined, (x) => {
                const version = v.string(`${key}.version`, x);
                if (!/^\d+\.\d+\.\d+$/.test(version))
                    throw new ConfigError(`${key}.version`, `${JSON.stringify(version)} is not a Kafka version; use e.g. 3.6.0`);
                return version;
            }),
            topicFilter: v.optional(block.topicFilter, ".*", (x) => v.regex(`${key}.topicFilter`, x)),
            groupFilter: v.optional(block.groupFilter, ".*", (x) => v.regex(`${key}.groupFilter`, x)),
        };
    },
    image: IMAGES.kafkaExporter,
    ruleFile: "kafka.yml",
    dashboards: ["datastores/kafka"],
    docs: "kafka-exporter-exporterskafka",
    spec: (kafka) => ({
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
        outbound: [...new Set(kafka.brokers.map((broker) => hostPort("brokers", broker).port))].map((port) => ({ port })),
        user: "65534:65534",
        readOnlyRootFilesystem: true,
        resources: { cpuRequest: "50m", memoryRequest: "64Mi", cpuLimit: "250m", memoryLimit: "256Mi" },
    }),
    // Not the exporter toolkit: its own flags turn the web server's TLS on.
    tls: (tls) => ({ args: ["--server.tls.enabled", `--server.tls.cert-file=${tls.certFile}`, `--server.tls.key-file=${tls.keyFile}`] }),
    // Lag is computed on each scrape from every group's offsets: give it time on a large cluster.
    scrapeConfigs: (_settings, addressing) => [staticJob("kafka-exporter", [addressing.addressOf("kafka-exporter", PORT)], { scrape_timeout: "10s" })],
});
