// The prod render has no plain-HTTP flow between two pods of the stack: every client (scrape jobs,
// datasources, the log push, Alertmanager peers, the Ingress) speaks TLS verified with the stack's CA,
// and every pod-to-pod flow the NetworkPolicies allow lands on a port that serves TLS.
import * as assert from "assert";
import * as yaml from "js-yaml";
import { ServiceSpec } from "../components/platform/spec";
import { RecordedResource } from "../scripts/lib/mock-runtime";
import { NETWORK_POLICY, of, one, prodValues, STATEFULSET, containers } from "./support/prod";
import { RenderedDir, renderToDir } from "./support/render";

const NS = "monitoring";
/** The node agents' namespace (node exporter, the log shipper). */
const AGENTS_NS = "monitoring-agents";
const INGRESS_CONTROLLER = "ingress-nginx";

/** Every exporter on, so each one's TLS is checked. */
const ALL_EXPORTERS = {
    exporters: {
        kubeStateMetrics: true,
        postgres: true,
        redis: { address: "cache.example.com:6379" },
        kafka: { brokers: ["kafka-0.example.com:9092"] },
        blackbox: { probes: [{ url: "https://api.example.com/health" }] },
    },
};

interface Flow {
    readonly from: string;
    readonly to: string;
    readonly port: number;
    readonly transport: string;
    /** `TLS` or `plain`, from what the server's port declares. */
    readonly protocol: "TLS" | "plain";
}

/** Every pod-to-pod flow the NetworkPolicies admit (the ingress side of each), with the server port's protocol. */
function networkFlows(resources: RecordedResource[], specs: ServiceSpec[]): Flow[] {
    const flows: Flow[] = [];
    for (const policy of of(resources, NETWORK_POLICY)) {
        const spec = (policy.inputs as any).spec;
        const server = spec.podSelector?.matchLabels?.["app.kubernetes.io/name"];
        if (!server) continue;
        const serverSpec = specs.find((s) => s.name === server);
        assert.ok(serverSpec, `policy ${policy.name} selects ${server}, which is not deployed`);
        for (const rule of spec.ingress ?? []) {
            for (const peer of rule.from ?? []) {
                const client =
                    peer.podSelector?.matchLabels?.["app.kubernetes.io/name"] ??
                    (peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === INGRESS_CONTROLLER ? INGRESS_CONTROLLER : undefined);
                assert.ok(client, `${policy.name}: a rule admits ${JSON.stringify(peer)}, which is no pod of the stack nor the ingress controller`);
                for (const p of rule.ports ?? []) {
                    const port = serverSpec!.ports.find((sp) => sp.port === p.port);
                    flows.push({ from: client, to: server, port: p.port, transport: p.protocol, protocol: port?.tls ? "TLS" : "plain" });
                }
            }
        }
    }
    return flows;
}

/** Hosts a scrape job reaches: static targets, and the address relabelling points at. */
function jobHosts(job: any): string[] {
    const statics = (job.static_configs ?? []).flatMap((s: any) => s.targets);
    const rewritten = (job.relabel_configs ?? []).filter((r: any) => r.target_label === "__address__" && r.replacement && !r.replacement.includes("$"));
    return [...statics, ...rewritten.map((r: any) => r.replacement)].map((t: string) => t.replace(/:\d+$/, ""));
}

/** Whether a job scrapes a service of the stack: a Service name in the namespace, or endpoints kept by a stack Service's name. */
function scrapesTheStack(job: any, services: string[]): boolean {
    if (jobHosts(job).some((h) => h.endsWith(`.${NS}.svc`))) return true;
    const sdInNamespace = (job.kubernetes_sd_configs ?? []).some((sd: any) =>
        [NS, AGENTS_NS].some((ns) => JSON.stringify(sd.namespaces?.names) === JSON.stringify([ns])),
    );
    const keepsService = (job.relabel_configs ?? []).some(
        (r: any) =>
            r.action === "keep" && r.source_labels?.[0] === "__meta_kubernetes_service_name" && services.some((s) => String(r.regex).startsWith(`${s};`)),
    );
    return sdInNamespace && keepsService;
}

describe("prod stack (Kubernetes): TLS on every connection between pods", () => {
    let out: RenderedDir;
    let resources: RecordedResource[];
    let specs: ServiceSpec[];
    before(async () => {
        out = await renderToDir("prod", prodValues(ALL_EXPORTERS));
        resources = out.rendered.resources;
        specs = out.rendered.specs;
    });

    it("scrapes every service of the stack over HTTPS, verified with the stack's CA", () => {
        const config = yaml.load(out.file("prometheus", "/etc/prometheus/prometheus.yml")) as any;
        const services = specs.map((s) => s.name);
        const stackJobs = config.scrape_configs.filter((job: any) => scrapesTheStack(job, services));
        const names = stackJobs.map((j: any) => j.job_name);
        for (const expected of [
            "prometheus",
            "alertmanager",
            "node-exporter",
            "kube-state-metrics",
            "postgres-exporter",
            "redis-exporter",
            "kafka-exporter",
            "loki",
        ]) {
            assert.ok(names.includes(expected), `no job scrapes ${expected}: ${names.join(", ")}`);
        }
        assert.ok(
            names.some((n: string) => n.startsWith("blackbox")),
            `no blackbox job: ${names.join(", ")}`,
        );
        for (const job of stackJobs) {
            assert.strictEqual(job.scheme, "https", `${job.job_name} scrapes over ${job.scheme ?? "http"}`);
            assert.strictEqual(job.tls_config?.ca_file, "/etc/prometheus/tls/ca.crt", `${job.job_name} does not verify with the CA`);
            assert.ok(!job.tls_config.insecure_skip_verify, `${job.job_name} skips verification`);
            // Pod IPs are in no certificate: a job reaching pods by IP names the certificate's host.
            if (job.kubernetes_sd_configs) assert.match(job.tls_config.server_name ?? "", new RegExp(`\\.${NS}\\.svc$`), job.job_name);
        }
        console.log(`      ${stackJobs.length} scrape jobs reach the stack, all over verified TLS`);
    });

    it("sends alerts to every Alertmanager over HTTPS", () => {
        const config = yaml.load(out.file("prometheus", "/etc/prometheus/prometheus.yml")) as any;
        for (const am of config.alerting.alertmanagers) {
            assert.strictEqual(am.scheme, "https");
            assert.strictEqual(am.tls_config.ca_file, "/etc/prometheus/tls/ca.crt");
        }
    });

    it("queries every datasource over HTTPS with the CA", () => {
        const { datasources } = yaml.load(out.file("grafana", "/etc/grafana/provisioning/datasources/datasources.yml")) as any;
        assert.deepStrictEqual(datasources.map((d: any) => d.type).sort(), ["alertmanager", "loki", "prometheus"]);
        for (const ds of datasources) {
            assert.match(ds.url, /^https:\/\//, `${ds.name}: ${ds.url}`);
            assert.strictEqual(ds.jsonData.tlsAuthWithCACert, true, ds.name);
            assert.strictEqual(ds.secureJsonData.tlsCACert, "$__file{/etc/grafana/tls/ca.crt}", ds.name);
        }
    });

    it("pushes logs to Loki over HTTPS, and Loki serves HTTPS with gRPC on loopback only", () => {
        const shipper = specs.find((s) => s.name === "promtail" || s.name === "alloy")!;
        const config = shipper.name === "promtail" ? (yaml.load(out.file("promtail", "/etc/promtail/promtail.yaml")) as any) : undefined;
        if (config) {
            assert.match(config.clients[0].url, /^https:\/\/loki\.monitoring\.svc:3100\//);
            assert.deepStrictEqual(config.clients[0].tls_config, { ca_file: "/etc/promtail/tls/ca.crt", server_name: "loki.monitoring.svc" });
            assert.deepStrictEqual(config.server.http_tls_config, { cert_file: "/etc/promtail/tls/tls.crt", key_file: "/etc/promtail/tls/tls.key" });
        } else {
            const alloy = out.file("alloy", "/etc/alloy/config.alloy");
            assert.match(alloy, /url = "https:\/\/loki\.monitoring\.svc:3100\/loki\/api\/v1\/push"/);
            assert.match(alloy, /tls_config \{\s+ca_file\s+= "\/etc\/alloy\/tls\/ca\.crt"/);
        }
        const loki = yaml.load(out.file("loki", "/etc/loki/loki.yaml")) as any;
        assert.deepStrictEqual(loki.server.http_tls_config, { cert_file: "/etc/loki/tls/tls.crt", key_file: "/etc/loki/tls/tls.key" });
        assert.strictEqual(loki.server.grpc_listen_address, "127.0.0.1");
        assert.deepStrictEqual(
            specs.find((s) => s.name === "loki")!.ports.map((p) => p.port),
            [3100],
        );
    });

    it("clusters Alertmanager over mutual TLS", () => {
        const args: string[] = containers(of(resources, STATEFULSET, "alertmanager")[0])[0].args;
        assert.ok(args.some((a) => a.startsWith("--cluster.peer=")));
        assert.ok(args.includes("--cluster.tls-config=/etc/alertmanager/tls/cluster.yml"));
        const cluster = yaml.load(out.file("alertmanager", "/etc/alertmanager/tls/cluster.yml")) as any;
        assert.strictEqual(cluster.tls_server_config.client_auth_type, "RequireAndVerifyClientCert");
        assert.strictEqual(cluster.tls_server_config.client_ca_file, "/etc/alertmanager/tls/ca.crt");
        assert.strictEqual(cluster.tls_client_config.ca_file, "/etc/alertmanager/tls/ca.crt");
        assert.strictEqual(cluster.tls_client_config.server_name, "alertmanager.monitoring.svc");
    });

    it("has the Ingress controller verify each UI's certificate against the stack's CA", () => {
        for (const ui of ["grafana", "prometheus", "alertmanager"]) {
            const annotations = one(resources, "kubernetes:networking.k8s.io/v1:Ingress", ui).metadata.annotations;
            assert.strictEqual(annotations["nginx.ingress.kubernetes.io/backend-protocol"], "HTTPS", ui);
            assert.strictEqual(annotations["nginx.ingress.kubernetes.io/proxy-ssl-verify"], "on", ui);
            assert.strictEqual(annotations["nginx.ingress.kubernetes.io/proxy-ssl-secret"], "monitoring/monitoring-backend-ca", ui);
            assert.strictEqual(annotations["nginx.ingress.kubernetes.io/proxy-ssl-name"], `${ui}.monitoring.svc`, ui);
        }
        const ca = one(resources, "kubernetes:core/v1:Secret", "backend-ca");
        assert.strictEqual(ca.metadata.namespace, "monitoring");
    });

    it("serves every exporter's metrics with the in-cluster certificate", () => {
        const flag: Record<string, string> = {
            "node-exporter": "--web.config.file=/etc/node-exporter/tls/web.yml",
            "postgres-exporter": "--web.config.file=/etc/postgres-exporter/tls/web.yml",
            "blackbox-exporter": "--web.config.file=/etc/blackbox-exporter/tls/web.yml",
            "kube-state-metrics": "--tls-config=/etc/kube-state-metrics/tls/web.yml",
            "redis-exporter": "--tls-server-cert-file=/etc/redis-exporter/tls/tls.crt",
            "kafka-exporter": "--server.tls.enabled",
        };
        for (const [service, arg] of Object.entries(flag)) {
            const spec = specs.find((s) => s.name === service)!;
            assert.ok(spec.args?.includes(arg), `${service} lacks ${arg}: ${spec.args?.join(" ")}`);
            if (arg.includes("web.yml")) {
                const web = yaml.load(out.file(service, arg.slice(arg.indexOf("=") + 1))) as any;
                assert.deepStrictEqual(web, { tls_server_config: { cert_file: `/etc/${service}/tls/tls.crt`, key_file: `/etc/${service}/tls/tls.key` } });
            }
        }
    });

    it("lists every flow the NetworkPolicies admit between pods, and none is plain", () => {
        const flows = networkFlows(resources, specs);
        const table = flows.map((f) => `${f.from} -> ${f.to}:${f.port}/${f.transport} ${f.protocol}`).sort();
        console.log(table.map((line) => `      ${line}`).join("\n"));
        assert.ok(flows.length >= 15, `only ${flows.length} flows`);
        const plain = table.filter((line) => line.endsWith("plain"));
        assert.deepStrictEqual(plain, [], `plain flows:\n${plain.join("\n")}`);
    });
});
