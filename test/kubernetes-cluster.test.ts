// The prod stack watches the cluster it runs on: kubelet, cAdvisor, API server and CoreDNS jobs,
// the access and flows they need and nothing more, host namespaces for the node exporter,
// readiness and session affinity for the replicated services.
import * as assert from "assert";
import * as yaml from "js-yaml";
import { RecordedResource } from "../scripts/lib/mock-runtime";
import { DAEMONSET, DEPLOYMENT, NETWORK_POLICY, STATEFULSET, containers, of, one, podSpec, policy, portsOf, prodValues } from "./support/prod";
import { RenderedDir, renderToDir, walk } from "./support/render";
import * as fs from "fs";
import * as path from "path";
import { withinStack } from "./support/stack-names";

const CLUSTER_ROLE = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole";
const SERVICE_ACCOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";

/** Removes a render's temp folder. */
const discard = (dir: RenderedDir) => fs.rmSync(path.dirname(dir.dir), { recursive: true, force: true });

describe("prod stack (Kubernetes): watching the cluster", () => {
    let out: RenderedDir;
    let resources: RecordedResource[];
    let jobs: Map<string, any>;
    before(async () => {
        out = await renderToDir("prod", prodValues({ kubernetes: { nodeCidrs: ["10.20.0.0/16"], ingressNamespace: "ingress-nginx" } }));
        resources = out.rendered.resources;
        const config = yaml.load(out.file("prometheus", "/etc/prometheus/prometheus.yml")) as any;
        jobs = new Map(config.scrape_configs.map((j: any) => [j.job_name, j]));
    });
    after(() => discard(out));

    it("scrapes every kubelet and its cAdvisor directly on the node, over HTTPS with the ServiceAccount token and the cluster CA", () => {
        for (const [job, metricsPath] of [
            ["kubelet", "/metrics"],
            ["kubelet-cadvisor", "/metrics/cadvisor"],
        ]) {
            const j = jobs.get(job);
            assert.ok(j, `no ${job} job`);
            assert.strictEqual(j.metrics_path, metricsPath);
            assert.strictEqual(j.scheme, "https");
            assert.deepStrictEqual(j.authorization, { credentials_file: `${SERVICE_ACCOUNT}/token` });
            assert.deepStrictEqual(j.tls_config, { ca_file: `${SERVICE_ACCOUNT}/ca.crt` });
            assert.deepStrictEqual(j.kubernetes_sd_configs, [{ role: "node" }]);
            assert.ok(j.relabel_configs.some((r: any) => r.target_label === "instance" && r.source_labels[0] === "__meta_kubernetes_node_name"));
        }
    });

    it("scrapes the API server through the kubernetes Service's endpoints, and CoreDNS on 9153", () => {
        const api = jobs.get("apiserver");
        assert.strictEqual(api.scheme, "https");
        assert.strictEqual(api.tls_config.server_name, "kubernetes");
        assert.deepStrictEqual(api.kubernetes_sd_configs, [{ role: "endpointslice", namespaces: { names: ["default"] } }]);
        assert.deepStrictEqual(api.relabel_configs[0], {
            source_labels: ["__meta_kubernetes_service_name", "__meta_kubernetes_endpointslice_port_name"],
            regex: "kubernetes;https",
            action: "keep",
        });
        const dns = jobs.get("coredns");
        assert.deepStrictEqual(dns.kubernetes_sd_configs, [{ role: "pod", namespaces: { names: ["kube-system"] } }]);
        assert.strictEqual(dns.relabel_configs[0].regex, "kube-dns;9153");
    });

    it("skips kubelet certificate verification only when asked to", async () => {
        const skip = await renderToDir("prod", prodValues({ kubernetes: { kubeletInsecureSkipVerify: true } }));
        const config = yaml.load(skip.file("prometheus", "/etc/prometheus/prometheus.yml")) as any;
        discard(skip);
        const kubelet = config.scrape_configs.find((j: any) => j.job_name === "kubelet");
        assert.strictEqual(kubelet.tls_config.insecure_skip_verify, true);
        assert.strictEqual(config.scrape_configs.find((j: any) => j.job_name === "apiserver").tls_config.insecure_skip_verify, undefined);
    });

    it("grants Prometheus read access and get on nodes/metrics and /metrics, never secrets or nodes/proxy", () => {
        const rules = one(resources, CLUSTER_ROLE, "prometheus").rules;
        const granted = rules.flatMap((r: any) => r.resources ?? []);
        for (const forbidden of ["secrets", "configmaps", "nodes/proxy", "pods/exec"]) assert.ok(!granted.includes(forbidden), forbidden);
        for (const rule of rules) for (const verb of rule.verbs) assert.ok(["get", "list", "watch"].includes(verb), verb);
        assert.ok(rules.some((r: any) => r.resources?.includes("nodes/metrics") && r.verbs.join() === "get"));
        assert.ok(rules.some((r: any) => r.nonResourceURLs?.join() === "/metrics"));
    });

    it("lets Prometheus out to the kubelets and the host-network node exporter on the node CIDRs, and to CoreDNS in kube-system", () => {
        const egress = policy(resources, "prometheus").egress;
        const toNodes = egress.filter((r: any) => r.to?.length === 1 && r.to[0].ipBlock?.cidr === "10.20.0.0/16");
        assert.deepStrictEqual(toNodes.flatMap(portsOf).sort(), ["10250/TCP", "9100/TCP"]);
        const inKubeSystem = (t: any) =>
            JSON.stringify(t?.namespaceSelector?.matchExpressions) ===
            JSON.stringify([{ key: "kubernetes.io/metadata.name", operator: "In", values: ["kube-system"] }]);
        const dns = egress.filter((r: any) => r.to?.length === 1 && inKubeSystem(r.to[0]) && r.to[0].podSelector);
        assert.deepStrictEqual(dns.flatMap(portsOf), ["9153/TCP"]);
        for (const p of of(resources, NETWORK_POLICY).filter((x) => withinStack(x) !== "allow-prometheus")) {
            const rules = (p.inputs as any).spec.egress ?? [];
            assert.ok(!rules.some((r: any) => portsOf(r).includes("10250/TCP")), `${p.name} reaches the kubelet`);
        }
    });

    it("runs the node exporter in the node's network and PID namespaces", () => {
        const pod = podSpec(of(resources, DAEMONSET, "node-exporter")[0]);
        assert.strictEqual(pod.hostNetwork, true);
        assert.strictEqual(pod.hostPID, true);
        for (const w of [...of(resources, STATEFULSET), ...of(resources, DEPLOYMENT), ...of(resources, DAEMONSET)].filter(
            (x) => withinStack(x) !== "node-exporter",
        )) {
            assert.ok(!podSpec(w).hostNetwork && !podSpec(w).hostPID, `${w.name} uses host namespaces`);
        }
    });

    it("routes traffic only to ready Prometheus replicas (promtool check ready: /-/ready), and keeps each client on one Prometheus", () => {
        const c = containers(of(resources, STATEFULSET, "prometheus")[0])[0];
        assert.deepStrictEqual(c.readinessProbe.exec.command.slice(0, 3), ["promtool", "check", "ready"]);
        assert.deepStrictEqual(c.livenessProbe.exec.command.slice(0, 3), ["promtool", "check", "healthy"]);
        assert.strictEqual(one(resources, "kubernetes:core/v1:Service", "prometheus").spec.sessionAffinity, "ClientIP");
        assert.strictEqual(one(resources, "kubernetes:core/v1:Service", "alertmanager").spec.sessionAffinity, undefined);
    });

    it("gives kube-state-metrics the node labels the dashboards read, and no other object's labels", () => {
        const args: string[] = containers(of(resources, DEPLOYMENT, "kube-state-metrics")[0])[0].args;
        assert.ok(args.includes("--metric-labels-allowlist=nodes=[topology.kubernetes.io/zone,node.kubernetes.io/instance-type]"), args.join(" "));
    });

    it("loads the Kubernetes rules, jobs and dashboards on Kubernetes only", async () => {
        const rules = (dir: RenderedDir) => walk(path.join(dir.dir, "files", "prometheus", "etc/prometheus/rules")).map((f) => path.basename(f));
        const dashboardsDir = (dir: RenderedDir) => path.join(dir.dir, "files", "grafana", "etc/grafana/dashboards");
        const dashboards = (dir: RenderedDir) => walk(dashboardsDir(dir)).map((f) => path.relative(dashboardsDir(dir), f));
        assert.ok(
            rules(out).some((f) => f.startsWith("kubernetes-")),
            "prod has no kubernetes-*.yml rules",
        );
        assert.strictEqual(dashboards(out).filter((f) => f.startsWith("kubernetes/")).length, 8, "prod's Kubernetes dashboards");
        assert.ok(dashboards(out).includes("infrastructure/containers.json"), "prod shows containers from the kubelet's cAdvisor");
        const dev = await renderToDir("dev", { platform: "docker" });
        assert.deepStrictEqual(
            rules(dev).filter((f) => f.startsWith("kubernetes-")),
            [],
        );
        assert.deepStrictEqual(
            dashboards(dev).filter((f) => f.startsWith("kubernetes/")),
            [],
        );
        assert.ok(dashboards(dev).includes("infrastructure/containers.json"), "dev keeps the Containers dashboard");
        const devJobs = (yaml.load(dev.file("prometheus", "/etc/prometheus/prometheus.yml")) as any).scrape_configs.map((j: any) => j.job_name);
        discard(dev);
        for (const job of ["kubelet", "kubelet-cadvisor", "apiserver", "coredns"]) assert.ok(!devJobs.includes(job), `dev scrapes ${job}`);
    });
});
