/**
 * Every image the stack runs, pinned. One place to bump versions.
 *
 * Where Debian has the binary, the tests run that exact release (scripts/get-test-tools.sh
 * unpacks Debian sid's packages) and the image is pinned to the same version: bump both
 * together. Where no binary can be had here, the pin is the newest patch of a maintained line
 * and the comment says why that line. The README's image table lists what tests each one.
 */
export const IMAGES = {
    // Tested: Debian sid prometheus + promtool 3.5.3 (3.5 is the long-term-support line).
    prometheus: "prom/prometheus:v3.5.3",
    // Tested: Debian sid prometheus-alertmanager + amtool 0.33.1.
    alertmanager: "prom/alertmanager:v0.33.1",
    // No binary: 13.2 is the newest line, and the one whose @grafana/schema types check our dashboards.
    grafana: "grafana/grafana:13.2.3",
    // Kubernetes only: Grafana's own database (official image; alpine runs as uid 70). The live
    // backup test dumps and restores with Debian's PostgreSQL 15 tools; the image's 17 reads that format.
    grafanaPostgres: "postgres:17.6-alpine",
    // Tested: Debian sid prometheus-node-exporter 1.11.1.
    nodeExporter: "prom/node-exporter:v1.11.1",
    // No binary: 3.7 is Loki's newest line; configs are checked against its configuration reference.
    loki: "grafana/loki:3.7.7",
    // No binary: Promtail reached end of life on 2026-03-02 and Loki 3.7 dropped it; 3.6 is its last line.
    promtail: "grafana/promtail:3.6.15",
    // No binary: 1.18 is Alloy's newest stable line (1.19 was still in release candidates).
    alloy: "grafana/alloy:v1.18.1",
    // No binary: 0.60 is the newest line; since v0.53 cAdvisor publishes on ghcr.io, without the v.
    cadvisor: "ghcr.io/google/cadvisor:0.60.5",
    // Tested: Debian sid prometheus-postgres-exporter 0.19.1.
    postgresExporter: "prometheuscommunity/postgres-exporter:v0.19.1",
    // Tested: Debian sid prometheus-mysqld-exporter 0.19.0, against the machine's MariaDB.
    mysqlExporter: "prom/mysqld-exporter:v0.19.0",
    // Tested: Debian sid prometheus-redis-exporter 1.86.0. The -alpine variant has wget for the
    // Docker healthcheck; the default one is FROM scratch.
    redisExporter: "oliver006/redis_exporter:v1.86.0-alpine",
    // No binary (Debian has no package): v1.9.0 is the newest release of the only line.
    kafkaExporter: "danielqsj/kafka-exporter:v1.9.0",
    // Tested: Debian sid prometheus-blackbox-exporter 0.28.0.
    blackboxExporter: "prom/blackbox-exporter:v0.28.0",
    // Kubernetes only, no binary: 2.20 is built against client-go 1.36; its maintainers support only the newest release.
    kubeStateMetrics: "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.20.0",
} as const;
