/** Every image the stack runs, pinned. One place to bump versions. */
export const IMAGES = {
    prometheus: "prom/prometheus:v3.5.0",
    alertmanager: "prom/alertmanager:v0.28.1",
    grafana: "grafana/grafana:12.2.1",
    // Grafana's own database on Kubernetes (official image; alpine: uid 70).
    grafanaPostgres: "postgres:17.6-alpine",
    nodeExporter: "prom/node-exporter:v1.9.1",
    loki: "grafana/loki:3.6.11",
    promtail: "grafana/promtail:3.6.11",
    alloy: "grafana/alloy:v1.15.1",
    // v0.55.1 is the last tag on gcr.io (later ones moved registry) and speaks Docker 29's API.
    cadvisor: "gcr.io/cadvisor/cadvisor:v0.55.1",
    postgresExporter: "prometheuscommunity/postgres-exporter:v0.17.1",
    // The -alpine variant has wget for the Docker healthcheck; the default one is FROM scratch.
    redisExporter: "oliver006/redis_exporter:v1.69.0-alpine",
    kafkaExporter: "danielqsj/kafka-exporter:v1.9.0",
    blackboxExporter: "prom/blackbox-exporter:v0.26.0",
    // Kubernetes only: the sidecar that POSTs /-/reload when a mounted ConfigMap changes.
    configReloader: "quay.io/prometheus-operator/prometheus-config-reloader:v0.85.0",
    kubeStateMetrics: "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.16.0",
} as const;
