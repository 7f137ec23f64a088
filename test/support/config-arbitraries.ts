// Random valid stack configurations, drawn from what each key of Pulumi.yaml accepts
// (docs/configuration.md, "What each value must be"), edge values included.
import fc from "fast-check";
import { FAKE_SECRETS } from "./render";

const oneOf = <T>(...values: T[]) => fc.constantFrom(...values);

/** Prometheus durations, from 1s up to near the int64 limit. */
const duration = (min: "s" | "m" | "h" = "s") =>
    fc
        .tuple(fc.integer({ min: 1, max: 90 }), oneOf(...(min === "s" ? ["s", "m", "h"] : min === "m" ? ["m", "h"] : ["h", "d", "w"])))
        .map(([n, u]) => `${n}${u}`);
const retentionTime = oneOf("2h", "15d", "30d", "6w", "1y", "292y", "1d12h");
const retentionSize = oneOf("512MB", "1.5GB", "50GB", "10TB", "7EB");
const labelName = fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/);
// Label values are any text on one line: quotes, braces, `$` and template markers included.
const labelValue = fc.oneof(
    fc.stringMatching(/^[a-z0-9-]{1,12}$/),
    oneOf('a"b', "{{ $labels.x }}", "$HOME", "${USER}-eu", "x$1y", "tab\there", "ünïcode", "50%"),
);
const labels = fc.dictionary(labelName, labelValue, { maxKeys: 3 });
const jobName = fc
    .stringMatching(/^[a-z][a-z0-9_]{2,12}$/)
    .filter((j) => !["prometheus", "alertmanager", "grafana", "loki", "promtail", "alloy", "cadvisor", "kubelet", "apiserver", "coredns"].includes(j));
const host = oneOf("host.docker.internal", "app.example.com", "10.0.0.7", "[::1]", "api-1.internal");
const hostPort = fc.tuple(host, fc.integer({ min: 1, max: 65535 })).map(([h, p]) => `${h}:${p}`);
const re2 = oneOf(".*", "(?i)^orders-.*", "^(?P<team>[a-z]+)-consumer$", "^[^_].*", "a|b|c", "\\d{2,4}");

const target = fc.record(
    {
        job: jobName,
        targets: fc.array(hostPort, { minLength: 1, maxLength: 3 }),
        interval: oneOf("10s", "30s", "1m"),
        // Never above the interval: every interval here (and every global one) is at least 10s.
        timeout: oneOf("5s", "10s"),
        metricsPath: oneOf("/metrics", "/internal/metrics", "/a-b/c_d"),
        scheme: oneOf("http", "https"),
        labels,
    },
    { requiredKeys: ["job", "targets"] },
);

const matcher = oneOf('notify_sms="true"', 'service=~"(?i)api|web"', 'team!~"^(ops|sre)$"', 'note="say \\"hi\\""', 'severity!="info"');
const email = oneOf("oncall@example.com", "Team Lead <lead@example.com>", "a@example.com, b@example.co.uk");

const alerting = fc.record(
    {
        slack: fc.record({ channels: fc.record({ critical: oneOf("#alerts-critical", "@oncall", "alerts.crit") }) }),
        email: fc.record({
            to: email,
            from: oneOf("alerts@example.com", "Alerts <alerts@example.com>"),
            smarthost: oneOf("smtp.example.com:587", "[::1]:25"),
            username: oneOf("alerts"),
        }),
        webhook: fc.record({ matchers: fc.array(matcher, { minLength: 1, maxLength: 3 }) }),
        route: fc.record({ groupWait: duration("s"), repeatInterval: oneOf("4h", "1d", "1w") }, { requiredKeys: [] }),
    },
    { requiredKeys: ["slack"] },
);

const cpu = fc.integer({ min: 1, max: 4000 });
const memory = fc.integer({ min: 16, max: 8192 });
/** Requests never above limits, in the forms Kubernetes and Docker both read. */
const resourcePair = fc.tuple(cpu, cpu, memory, memory).map(([a, b, c, d]) => ({
    cpuRequest: `${Math.min(a, b)}m`,
    cpuLimit: Math.max(a, b) % 1000 === 0 ? String(Math.max(a, b) / 1000) : `${Math.max(a, b)}m`,
    memoryRequest: `${Math.min(c, d)}Mi`,
    memoryLimit: Math.max(c, d) % 1024 === 0 ? `${Math.max(c, d) / 1024}Gi` : `${Math.max(c, d)}Mi`,
}));

const exporters = fc.record(
    {
        kafka: fc.record({ brokers: fc.array(hostPort, { minLength: 1, maxLength: 2 }), topicFilter: re2, groupFilter: re2 }),
        blackbox: fc.record({
            probes: fc.uniqueArray(
                oneOf(
                    { url: "https://api.example.com/health" },
                    { url: "db.example.com:5432", module: "tcp_connect" },
                    { url: "example.com", module: "icmp", name: "edge" },
                ),
                { minLength: 1, maxLength: 3, selector: (p) => JSON.stringify(p) },
            ),
            timeout: oneOf("5s", "1m30s", "1d"),
        }),
        postgres: fc.constant(true),
        mysql: fc.constant(true),
        redis: fc.record({ address: hostPort }),
    },
    { requiredKeys: [] },
);

const common = {
    scrapeInterval: oneOf("15s", "30s", "1m", "1m30s"),
    evaluationInterval: oneOf("15s", "1m"),
    retention: fc.record({ time: retentionTime, size: retentionSize }, { requiredKeys: [] }),
    targets: fc.uniqueArray(target, { maxLength: 3, selector: (t) => t.job }),
    alerting,
    alertmanager: fc.record({ retention: oneOf("120h", "7d", "2w", "1y") }),
    prometheus: fc.record({ externalLabels: labels }, { requiredKeys: [] }),
    exporters,
    runbookBaseUrl: oneOf(
        "https://github.com/acme/monitoring/blob/main/",
        'https://wiki.example.com/run"books/{{x}}/$&$1/',
        "http://runbooks.internal:8080/a%20b/",
    ),
    thresholds: fc.record(
        { httpErrorRatePercent: fc.double({ min: 0.1, max: 100, noNaN: true }), diskFillHours: fc.integer({ min: 1, max: 72 }) },
        { requiredKeys: [] },
    ),
};

/** A valid dev (Docker) configuration: keys without `monitoring:`, secrets in plain text. */
export const devConfig = fc
    .record(common, { requiredKeys: ["scrapeInterval"] })
    .map((c) => ({ ...c, platform: "docker", ...FAKE_SECRETS, postgresDsn: "postgresql://monitor:50%25off@db.example.com:6543?sslmode=disable" }));

/** A valid prod (Kubernetes) configuration. */
export const prodConfig = fc
    .record(
        {
            ...common,
            kubernetes: fc.record(
                {
                    // 56 characters: the node agents' namespace is `<namespace>-agents`, at most 63.
                    namespace: oneOf("monitoring", "obs", "a".repeat(56)),
                    storageClass: oneOf("gp3", "fast-ssd.example.com"),
                    antiAffinity: oneOf("preferred", "required"),
                    apiServerCidrs: fc.array(oneOf("10.0.0.1/32", "172.16.0.0/12", "fd00::/8", "0.0.0.0/0"), { minLength: 1, maxLength: 2 }),
                    clusterCidrs: fc.array(oneOf("10.0.0.0/8", "192.168.0.0/16", "100.64.0.0/10"), { maxLength: 2 }),
                },
                { requiredKeys: [] },
            ),
            tls: fc.record({
                clusterIssuer: oneOf("letsencrypt-prod", "internal-ca"),
                domain: oneOf("monitoring.example.com", `${"b".repeat(63)}.example.com`),
            }),
            resources: fc.record({ prometheus: resourcePair, alertmanager: resourcePair, grafana: resourcePair, reloader: resourcePair }, { requiredKeys: [] }),
            prometheusReplicas: fc.integer({ min: 1, max: 3 }),
            alertmanagerReplicas: fc.integer({ min: 1, max: 3 }),
        },
        { requiredKeys: ["tls"] },
    )
    .map(({ prometheusReplicas, alertmanagerReplicas, ...c }) => ({
        ...c,
        platform: "kubernetes",
        prometheus: { ...(c.prometheus ?? {}), replicas: prometheusReplicas ?? 2 },
        alertmanager: { ...(c.alertmanager ?? {}), replicas: alertmanagerReplicas ?? 3 },
        exporters: { ...(c.exporters ?? {}), kubeStateMetrics: true },
        ...FAKE_SECRETS,
    }));
