/** Every image the stack runs, pinned. One place to bump versions. */
export const IMAGES = {
    prometheus: "prom/prometheus:v3.5.0",
    alertmanager: "prom/alertmanager:v0.28.1",
    grafana: "grafana/grafana:12.2.1",
    nodeExporter: "prom/node-exporter:v1.9.1",
} as const;
