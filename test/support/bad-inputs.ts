// The table of malformed and hostile configurations: every one must stop the render with exit 1
// and one line naming the key. Values are keys without `monitoring:`; `yaml` cases are whole stack files.

const PG = "postgresql://monitor:pw@db.example.com:5432/app?sslmode=disable";
const K8S = { platform: "kubernetes", tls: { clusterIssuer: "letsencrypt", domain: "monitoring.example.com" } };
const long = (n: number) => "a".repeat(n);

export interface BadInput {
    readonly category: string;
    readonly what: string;
    /** Config values (keys without `monitoring:`), or the raw text of a stack file. */
    readonly values?: Record<string, unknown>;
    readonly yaml?: string;
    /** The key the one line must start with (`monitoring:...`). */
    readonly key: string;
}

const c = (category: string) => (what: string, values: Record<string, unknown>, key: string): BadInput => ({ category, what, values, key: `monitoring:${key}` });
const y = (what: string, yaml: string, key: string): BadInput => ({ category: "stack file", what, yaml, key });

const duration = c("durations");
const size = c("sizes");
const re2 = c("RE2 regexes");
const quantity = c("Kubernetes quantities");
const name = c("Kubernetes names and labels");
const cidr = c("CIDRs");
const url = c("URLs");
const email = c("emails");
const secret = c("secrets");
const cross = c("cross-field");
const nested = c("unknown nested keys");
const label = c("Prometheus labels and jobs");

export const BAD_INPUTS: BadInput[] = [
    duration("Alertmanager retention past int64", { alertmanager: { retention: "300y" } }, "alertmanager.retention"),
    duration("retention time past int64", { retention: { time: "300y" } }, "retention.time"),
    duration("retention time with a fraction", { retention: { time: "1.5d" } }, "retention.time"),
    duration("units out of order", { scrapeInterval: "1s1m" }, "scrapeInterval"),
    duration("negative interval", { scrapeInterval: "-15s" }, "scrapeInterval"),
    duration("evaluation interval with a space", { evaluationInterval: "1 m" }, "evaluationInterval"),
    duration("uppercase unit", { scrapeInterval: "15S" }, "scrapeInterval"),
    duration("Go-only unit", { alertmanager: { retention: "120h0.5m" } }, "alertmanager.retention"),
    duration("blackbox timeout negative", { exporters: { blackbox: { probes: [{ url: "https://a.example.com" }], timeout: "-5s" } } }, "exporters.blackbox.timeout"),
    duration("blackbox timeout zero", { exporters: { blackbox: { probes: [{ url: "https://a.example.com" }], timeout: "0s" } } }, "exporters.blackbox.timeout"),
    duration("route repeat interval a number", { alerting: { route: { repeatInterval: 4 } } }, "alerting.route.repeatInterval"),
    duration("alert for past int64", { thresholds: { alerts: { HostDiskAlmostFull: { for: "999y" } } } }, "thresholds.alerts.HostDiskAlmostFull.for"),
    duration("Loki retention below a day", { logs: { retention: "12h" } }, "logs.retention"),
    size("retention size past int64", { retention: { size: "9EB" } }, "retention.size"),
    size("retention size exactly 8EB", { retention: { size: "8EB" } }, "retention.size"),
    size("lowercase unit", { retention: { size: "10gb" } }, "retention.size"),
    size("binary unit Prometheus does not take", { retention: { size: "10GiB" } }, "retention.size"),
    size("zero size", { retention: { size: "0GB" } }, "retention.size"),
    size("Loki line size past int64", { logs: { limits: { maxLineSize: "10EB" } } }, "logs.limits.maxLineSize"),
    re2("Kafka topic filter with lookahead", { exporters: { kafka: { brokers: ["kafka:9092"], topicFilter: "^(?!internal).*" } } }, "exporters.kafka.topicFilter"),
    re2("Kafka group filter with a backreference", { exporters: { kafka: { brokers: ["kafka:9092"], groupFilter: "(a)\\1" } } }, "exporters.kafka.groupFilter"),
    re2("Kafka filter with a possessive quantifier", { exporters: { kafka: { brokers: ["kafka:9092"], topicFilter: "a*+" } } }, "exporters.kafka.topicFilter"),
    re2("Kafka filter unclosed", { exporters: { kafka: { brokers: ["kafka:9092"], topicFilter: "orders-[" } } }, "exporters.kafka.topicFilter"),
    re2("webhook matcher regex unclosed", { webhookUrl: "https://sms.example.com/hook", alerting: { webhook: { matchers: ['service=~"api-["'] } } }, "alerting.webhook.matchers[0]"),
    re2("webhook matcher regex with lookbehind", { webhookUrl: "https://sms.example.com/hook", alerting: { webhook: { matchers: ['service!~"(?<=a)b"'] } } }, "alerting.webhook.matchers[0]"),
    re2("route matcher with lookahead", { alerting: { receivers: { "ui-only": {} }, routes: [{ matchers: ['team=~"(?=pay)"'], receiver: "ui-only" }] } }, "alerting.routes[0].matchers[0]"),
    re2("webhook matcher with a stray quote", { webhookUrl: "https://sms.example.com/hook", alerting: { webhook: { matchers: ['a="b"c"'] } } }, "alerting.webhook.matchers[0]"),
    re2("webhook matcher with a line break", { webhookUrl: "https://sms.example.com/hook", alerting: { webhook: { matchers: ['a="b\n"'] } } }, "alerting.webhook.matchers[0]"),
    quantity("storage size with two dots", { prometheus: { storageSize: "1.5.Gi" } }, "prometheus.storageSize"),
    quantity("storage size negative", { prometheus: { storageSize: "-20Gi" } }, "prometheus.storageSize"),
    quantity("storage size with a space", { alertmanager: { storageSize: "2 Gi" } }, "alertmanager.storageSize"),
    quantity("storage size past what the API holds", { grafana: { storageSize: "100Ei" } }, "grafana.storageSize"),
    quantity("CPU with a memory unit", { resources: { prometheus: { cpuLimit: "2Gi" } } }, "resources.prometheus.cpuLimit"),
    quantity("memory in lowercase units", { resources: { grafana: { memoryLimit: "512mb" } } }, "resources.grafana.memoryLimit"),
    quantity("CPU zero", { resources: { loki: { cpuRequest: "0" } } }, "resources.loki.cpuRequest"),
    name("namespace in capitals", { ...K8S, kubernetes: { namespace: "Monitoring" } }, "kubernetes.namespace"),
    name("namespace over 63 characters", { ...K8S, kubernetes: { namespace: long(64) } }, "kubernetes.namespace"),
    name("namespace kube-system", { ...K8S, kubernetes: { namespace: "kube-system" } }, "kubernetes.namespace"),
    name("namespace kube-public", { ...K8S, kubernetes: { namespace: "kube-public" } }, "kubernetes.namespace"),
    name("namespace kube-node-lease", { ...K8S, kubernetes: { namespace: "kube-node-lease" } }, "kubernetes.namespace"),
    name("namespace default", { ...K8S, kubernetes: { namespace: "default" } }, "kubernetes.namespace"),
    name("host with a label over 63 characters", { ...K8S, tls: { clusterIssuer: "letsencrypt", domain: `${long(64)}.example.com` } }, "tls.domain"),
    name("host name over 63 characters per label", { ...K8S, tls: { clusterIssuer: "letsencrypt", domain: "example.com", hosts: { grafana: `${long(70)}.example.com` } } }, "tls.hosts.grafana"),
    name("host derived from a long domain", { ...K8S, tls: { clusterIssuer: "letsencrypt", domain: `${long(60)}.${long(60)}.${long(60)}.${long(60)}.com` } }, "tls.domain"),
    name("host with an underscore", { ...K8S, tls: { clusterIssuer: "letsencrypt", domain: "my_domain.example.com" } }, "tls.domain"),
    name("storage class in capitals", { ...K8S, kubernetes: { storageClass: "GP3" } }, "kubernetes.storageClass"),
    name("ingress namespace with a dot", { ...K8S, kubernetes: { ingressNamespace: "ingress.nginx" } }, "kubernetes.ingressNamespace"),
    name("discovery namespace over 63 characters", { ...K8S, kubernetes: { discoveryNamespaces: [long(64)] } }, "kubernetes.discoveryNamespaces[0]"),
    name("TLS secret name with a slash", { ...K8S, tls: { secretName: "certs/wildcard", domain: "monitoring.example.com" } }, "tls.secretName"),
    cidr("prefix over 32", { ...K8S, kubernetes: { apiServerCidrs: ["10.0.0.0/33"] } }, "kubernetes.apiServerCidrs[0]"),
    cidr("leading zeros", { ...K8S, kubernetes: { apiServerCidrs: ["10.01.0.0/16"] } }, "kubernetes.apiServerCidrs[0]"),
    cidr("no prefix", { ...K8S, kubernetes: { apiServerCidrs: ["10.0.0.1"] } }, "kubernetes.apiServerCidrs[0]"),
    cidr("IPv6 prefix over 128", { ...K8S, kubernetes: { apiServerCidrs: ["fd00::/129"] } }, "kubernetes.apiServerCidrs[0]"),
    cidr("IPv6 with too many colons", { ...K8S, kubernetes: { apiServerCidrs: ["fd00:::1/64"] } }, "kubernetes.apiServerCidrs[0]"),
    cidr("octet over 255", { ...K8S, kubernetes: { clusterCidrs: ["10.0.256.0/24"] } }, "kubernetes.clusterCidrs[0]"),
    cidr("cluster CIDR in IPv6 (no except of 0.0.0.0/0)", { ...K8S, kubernetes: { clusterCidrs: ["fd00::/8"] } }, "kubernetes.clusterCidrs[0]"),
    cidr("cluster CIDR the whole internet", { ...K8S, kubernetes: { clusterCidrs: ["0.0.0.0/0"] } }, "kubernetes.clusterCidrs[0]"),
    cidr("empty API server list", { ...K8S, kubernetes: { apiServerCidrs: [] } }, "kubernetes.apiServerCidrs"),
    url("remote write URL with user and password", { remoteWrite: [{ url: "https://user:hunter2@mimir.example.com/api/v1/push" }] }, "remoteWrite[0].url"),
    url("remote write URL with a user only", { remoteWrite: [{ url: "https://user@mimir.example.com/api/v1/push" }] }, "remoteWrite[0].url"),
    url("remote write URL not http", { remoteWrite: [{ url: "ftp://mimir.example.com/push" }] }, "remoteWrite[0].url"),
    url("remote write URL with a line break", { remoteWrite: [{ url: "https://mimir.example.com/\napi/v1/push" }] }, "remoteWrite[0].url"),
    url("probe URL with credentials", { exporters: { blackbox: { probes: [{ url: "https://admin:pw@api.example.com/health" }] } } }, "exporters.blackbox.probes[0].url"),
    url("runbook base URL with credentials", { runbookBaseUrl: "https://me:token@github.com/acme/monitoring/blob/main/" }, "runbookBaseUrl"),
    url("runbook base URL with a space", { runbookBaseUrl: "https://github.com/acme/my repo/" }, "runbookBaseUrl"),
    url("runbook base URL with a line break", { runbookBaseUrl: "https://github.com/acme/\nrepo/" }, "runbookBaseUrl"),
    url("runbook base URL not http", { runbookBaseUrl: "javascript:alert(1)/" }, "runbookBaseUrl"),
    url("Loki S3 endpoint with credentials", { lokiS3SecretAccessKey: "s3secret", logs: { s3: { endpoint: "https://key:secret@s3.example.com", bucket: "logs", accessKeyId: "AKIAEXAMPLE" } } }, "logs.s3.endpoint"),
    email("address without a domain dot", { alerting: { email: { to: "oncall@localhost", from: "alerts@example.com", smarthost: "smtp.example.com:587" } } }, "alerting.email.to"),
    email("template in the address", { alerting: { email: { to: "{{ .CommonLabels.team }}@example.com", from: "alerts@example.com", smarthost: "smtp.example.com:587" } } }, "alerting.email.to"),
    email("header injection", { alerting: { email: { to: "oncall@example.com\nBcc: all@example.com", from: "alerts@example.com", smarthost: "smtp.example.com:587" } } }, "alerting.email.to"),
    email("two @", { alerting: { email: { to: "on@call@example.com", from: "alerts@example.com", smarthost: "smtp.example.com:587" } } }, "alerting.email.to"),
    email("sender list", { alerting: { email: { to: "oncall@example.com", from: "a@example.com, b@example.com", smarthost: "smtp.example.com:587" } } }, "alerting.email.from"),
    email("empty entry in the list", { alerting: { email: { to: "oncall@example.com,", from: "alerts@example.com", smarthost: "smtp.example.com:587" } } }, "alerting.email.to"),
    secret("percent sign in the DSN password", { postgresDsn: "postgresql://monitor:50%off@db.example.com:5432/app", exporters: { postgres: true } }, "postgresDsn"),
    secret("DSN port out of range", { postgresDsn: "postgresql://monitor:pw@db.example.com:99999/app", exporters: { postgres: true } }, "postgresDsn"),
    secret("DSN without a user", { postgresDsn: "postgresql://db.example.com:5432/app", exporters: { postgres: true } }, "postgresDsn"),
    secret("DSN with a line break", { postgresDsn: `${PG}\nhost=evil`, exporters: { postgres: true } }, "postgresDsn"),
    secret("Grafana database URL without a database", { grafanaDatabaseUrl: "postgres://grafana:pw@db.example.com:5432" }, "grafanaDatabaseUrl"),
    secret("Grafana database URL with a bad percent", { grafanaDatabaseUrl: "postgres://grafana:%zz@db.example.com:5432/grafana" }, "grafanaDatabaseUrl"),
    secret("SMTP password with a line break", { smtpPassword: "pass\nword" }, "smtpPassword"),
    secret("Redis password with a carriage return", { redisPassword: "pass\rword", exporters: { redis: { address: "redis:6379" } } }, "redisPassword"),
    secret("remote write password with a line break", { remoteWritePassword: "a\nb", remoteWrite: [{ url: "https://mimir.example.com/push", username: "m" }] }, "remoteWritePassword"),
    secret("S3 secret key with a NUL", { lokiS3SecretAccessKey: "a\u0000b" }, "lokiS3SecretAccessKey"),
    secret("Slack webhook with a line break", { slackWebhookUrl: "https://hooks.slack.com/services/T/B/X\nY" }, "slackWebhookUrl"),
    secret("PagerDuty key too short", { pagerdutyRoutingKey: "abc" }, "pagerdutyRoutingKey"),
    cross("user job named like the node exporter job", { targets: [{ job: "node-exporter", targets: ["app:9100"] }] }, "targets[0].job"),
    cross("user job named prometheus", { targets: [{ job: "prometheus", targets: ["app:9090"] }] }, "targets[0].job"),
    cross("user job named like a blackbox job", { targets: [{ job: "blackbox-http", targets: ["app:80"] }] }, "targets[0].job"),
    cross("user job named like a discovery job", { targets: [{ job: "kubernetes-pods", targets: ["app:80"] }] }, "targets[0].job"),
    cross("two user jobs with one name", { targets: [{ job: "app", targets: ["a:1"] }, { job: "app", targets: ["b:1"] }] }, "targets"),
    cross("scrape timeout above the job interval", { targets: [{ job: "app", targets: ["a:1"], interval: "10s", timeout: "15s" }] }, "targets[0].timeout"),
    cross("scrape timeout above the global interval", { scrapeInterval: "5s", targets: [{ job: "app", targets: ["a:1"], timeout: "10s" }] }, "targets[0].timeout"),
    cross("CPU request above its limit", { resources: { prometheus: { cpuRequest: "3", cpuLimit: "2" } } }, "resources.prometheus.cpuRequest"),
    cross("memory request above its limit", { resources: { grafana: { memoryRequest: "1Gi", memoryLimit: "512Mi" } } }, "resources.grafana.memoryRequest"),
    cross("CPU request above the default limit", { resources: { alertmanager: { cpuRequest: "4" } } }, "resources.alertmanager.cpuRequest"),
    cross("memory limit below the default request", { resources: { prometheus: { memoryLimit: "512Mi" } } }, "resources.prometheus.memoryLimit"),
    cross("Loki burst below its rate", { logs: { limits: { ingestionRateMb: 10, ingestionBurstSizeMb: 5 } } }, "logs.limits.ingestionBurstSizeMb"),
    cross("TLS issuer and secret together", { ...K8S, tls: { clusterIssuer: "le", secretName: "wildcard", domain: "monitoring.example.com" } }, "tls.secretName"),
    cross("Grafana replicas without a database", { grafana: { replicas: 2 } }, "grafanaDatabaseUrl"),
    nested("misspelt service under resources", { resources: { promethus: { cpuLimit: "2" } } }, "resources.promethus"),
    nested("unknown field under a service's resources", { resources: { prometheus: { cpu: "2" } } }, "resources.prometheus.cpu"),
    nested("unknown field under exporters.postgres", { postgresDsn: PG, exporters: { postgres: { dsn: PG } } }, "exporters.postgres.dsn"),
    nested("unknown exporter", { exporters: { mongo: true } }, "exporters.mongo"),
    nested("password under alerting.email", { alerting: { email: { to: "a@example.com", from: "b@example.com", smarthost: "smtp.example.com:587", password: "x" } } }, "alerting.email.password"),
    nested("misspelt kubernetes key", { ...K8S, kubernetes: { namspace: "monitoring" } }, "kubernetes.namspace"),
    nested("unknown UI under tls.hosts", { ...K8S, tls: { clusterIssuer: "le", domain: "monitoring.example.com", hosts: { loki: "loki.example.com" } } }, "tls.hosts.loki"),
    nested("unknown Loki limit", { logs: { limits: { maxStreams: 1 } } }, "logs.limits.maxStreams"),
    nested("unknown retention field", { retention: { days: 30 } }, "retention.days"),
    nested("unknown target field", { targets: [{ job: "app", targets: ["a:1"], path: "/m" }] }, "targets[0].path"),
    nested("unknown alert override field", { thresholds: { alerts: { HostDiskAlmostFull: { labels: {} } } } }, "thresholds.alerts.HostDiskAlmostFull.labels"),
    nested("unknown SLO field", { slos: [{ job: "api", availability: 0.999, objective: 0.99 }] }, "slos[0].objective"),
    nested("unknown probe field", { exporters: { blackbox: { probes: [{ url: "https://a.example.com", method: "POST" }] } } }, "exporters.blackbox.probes[0].method"),
    nested("unknown remote write field", { remoteWrite: [{ url: "https://mimir.example.com/push", password: "x" }] }, "remoteWrite[0].password"),
    label("reserved label on a target", { targets: [{ job: "app", targets: ["a:1"], labels: { __address__: "evil:80" } }] }, "targets[0].labels.__address__"),
    label("external label with a line break", { prometheus: { externalLabels: { team: "a\nb" } } }, "prometheus.externalLabels.team"),
    label("job name with a quote", { targets: [{ job: 'app"}', targets: ["a:1"] }] }, "targets[0].job"),
    label("SLO job with a brace", { slos: [{ job: "api}", availability: 0.999 }] }, "slos[0].job"),
    y("malformed YAML (unclosed list)", "config:\n  monitoring:targets: [1\n", "monitoring:targets"),
    y("a key given twice", "config:\n  monitoring:scrapeInterval: 15s\n  monitoring:scrapeInterval: 30s\n", "monitoring:scrapeInterval"),
    y("a nested key given twice", "config:\n  monitoring:retention:\n    size: 10GB\n    size: 20GB\n", "monitoring:retention.size"),
    y("tab indentation", "config:\n  monitoring:retention:\n\ttime: 15d\n", "line 3"),
    y("config that is a list", "config:\n  - monitoring:platform\n", "config"),
    y("unknown top-level key", "config:\n  monitoring:retension:\n    time: 30d\n", "monitoring:retension"),
    // Issue 12: dashboards, Grafana settings, targets' scrape settings, networks.
    c("dashboards and Grafana")("a dashboard path that does not exist", { dashboards: [{ folder: "Team", path: "no/such/dashboards" }] }, "dashboards[0].path"),
    c("dashboards and Grafana")("Grafana root URL without a trailing slash", { grafana: { rootUrl: "https://grafana.example.com" } }, "grafana.rootUrl"),
    c("dashboards and Grafana")("GitHub sign-in without its client secret", { grafana: { rootUrl: "https://grafana.example.com/", auth: { github: { clientId: "x" } } } }, "grafanaGithubClientSecret"),
    cross("target timeout above its interval", { targets: [{ job: "app", targets: ["app:8080"], interval: "10s", timeout: "30s" }] }, "targets[0].timeout"),
    cross("exporter timeout above the global interval", { exporters: { node: { scrapeTimeout: "1m" } } }, "exporters.node.scrapeTimeout"),
    re2("relabel regex with lookahead", { targets: [{ job: "app", targets: ["app:8080"], relabelConfigs: [{ regex: "(?=x)", target_label: "y" }] }] }, "targets[0].relabelConfigs[0].regex"),
    name("Docker network name with a space", { docker: { networks: ["my net"] } }, "docker.networks[0]"),
];
