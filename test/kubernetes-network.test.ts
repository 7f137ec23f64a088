import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { RecordedResource } from "../scripts/lib/mock-runtime";
import { allowsPods, NETWORK_POLICY, of, one, policy, portsOf, prodValues } from "./support/prod";
import { relocate, RenderedDir, renderToDir } from "./support/render";
import { requireTool } from "./support/tools";
import { withinStack } from "./support/stack-names";

describe("prod stack (Kubernetes): NetworkPolicies and the real tools", () => {
    let out: RenderedDir;
    let resources: RecordedResource[];
    before(async () => {
        out = await renderToDir("prod", prodValues());
        resources = out.rendered.resources;
    });

    describe("NetworkPolicies", () => {
        it("deny every connection in the namespace by default", () => {
            const deny = one(resources, NETWORK_POLICY, "default-deny").spec;
            assert.deepStrictEqual(deny, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
            const dns = one(resources, NETWORK_POLICY, "allow-dns").spec;
            assert.deepStrictEqual(dns.egress[0].to, [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }]);
            assert.deepStrictEqual(portsOf(dns.egress[0]).sort(), ["53/TCP", "53/UDP"]);
        });

        it("let the ingress controller reach exactly the three UIs", () => {
            const fromController = (service: string) =>
                (policy(resources, service).ingress ?? []).filter((r: any) =>
                    r.from.some((f: any) => f.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === "ingress-nginx"),
                );
            assert.deepStrictEqual(portsOf(fromController("grafana")[0]), ["3000/TCP"]);
            assert.deepStrictEqual(portsOf(fromController("prometheus")[0]), ["9090/TCP"]);
            assert.deepStrictEqual(portsOf(fromController("alertmanager")[0]), ["9093/TCP"]);
            for (const other of ["loki", "node-exporter", "alloy", "kube-state-metrics"]) assert.strictEqual(fromController(other).length, 0, other);
        });

        it("let Prometheus reach every scrape target port, and Alertmanager", () => {
            const egress = policy(resources, "prometheus").egress;
            // node-exporter runs on the host network: reached on the node CIDRs (test/kubernetes-cluster.test.ts).
            const targets: [string, string][] = [
                ["kube-state-metrics", "8080"],
                ["alloy", "12345"],
                ["loki", "3100"],
                ["alertmanager", "9093"],
                ["prometheus", "9090"],
            ];
            for (const [service, port] of targets) {
                assert.ok(allowsPods(egress, "to", service, port), `prometheus egress to ${service}:${port}`);
                assert.ok(allowsPods(policy(resources, service).ingress, "from", "prometheus", port), `${service} ingress from prometheus:${port}`);
            }
        });

        it("let Alertmanager peers gossip over TCP (TLS), and reach receivers outside the cluster", () => {
            const am = policy(resources, "alertmanager");
            assert.ok(allowsPods(am.ingress, "from", "alertmanager", "9094/TCP"), "ingress 9094/TCP");
            assert.ok(allowsPods(am.egress, "to", "alertmanager", "9094/TCP"), "egress 9094/TCP");
            // memberlist's TLS transport has no UDP: the port stays closed.
            assert.ok(!allowsPods(am.ingress, "from", "alertmanager", "9094/UDP"), "ingress 9094/UDP");
            const external = am.egress.filter((r: any) => r.to?.some((t: any) => t.ipBlock));
            assert.deepStrictEqual(external.flatMap(portsOf).sort(), ["25/TCP", "443/TCP", "587/TCP"]);
        });

        it("let Grafana reach Prometheus, Alertmanager and Loki, and Alloy reach Loki", () => {
            const grafana = policy(resources, "grafana").egress;
            for (const [service, port] of [
                ["prometheus", "9090"],
                ["alertmanager", "9093"],
                ["loki", "3100"],
            ]) {
                assert.ok(allowsPods(grafana, "to", service, port), `grafana -> ${service}`);
                assert.ok(allowsPods(policy(resources, service).ingress, "from", "grafana", port), `${service} <- grafana`);
            }
            assert.ok(allowsPods(policy(resources, "alloy").egress, "to", "loki", "3100"));
            assert.ok(allowsPods(policy(resources, "loki").ingress, "from", "alloy", "3100"));
            // Grafana's PostgreSQL, at the port of monitoring:grafanaDatabaseUrl.
            assert.ok(grafana.some((r: any) => !r.to && portsOf(r).includes("5432/TCP")));
        });

        it("let only the API readers reach the API server, and Prometheus discover annotated pods", () => {
            for (const policyResource of of(resources, NETWORK_POLICY)) {
                const egress = (policyResource.inputs as any).spec.egress ?? [];
                const toApi = egress.some((r: any) => portsOf(r).includes("6443/TCP"));
                assert.strictEqual(
                    toApi,
                    ["allow-prometheus", "allow-kube-state-metrics", "allow-alloy"].includes(withinStack(policyResource)),
                    policyResource.name,
                );
            }
            const discovery = policy(resources, "prometheus").egress.filter((r: any) => !r.ports);
            assert.deepStrictEqual(discovery, [{ to: [{ namespaceSelector: {}, podSelector: {} }] }]);
        });

        it("open nothing broader: every rule names its peers or its ports", () => {
            for (const p of of(resources, NETWORK_POLICY)) {
                const spec = (p.inputs as any).spec;
                for (const rule of spec.ingress ?? []) {
                    assert.ok(rule.from?.length && rule.ports?.length, `${p.name}: ingress rule open to any source or port`);
                }
                for (const rule of spec.egress ?? []) {
                    assert.ok(rule.to?.length || rule.ports?.length, `${p.name}: egress rule open to everything`);
                    // A rule without ports may only reach pods (discovery), never an address range.
                    if (!rule.ports?.length)
                        assert.ok(
                            rule.to.every((t: any) => t.podSelector && !t.ipBlock),
                            `${p.name}: port-less egress to ${JSON.stringify(rule.to)}`,
                        );
                }
            }
        });
    });

    describe("real tools", () => {
        function run(tool: string, args: string[]): string {
            try {
                return execFileSync(tool, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
            } catch (err: any) {
                assert.fail(`${path.basename(tool)} ${args.join(" ")} failed:\n${err.stdout ?? ""}${err.stderr ?? ""}`);
            }
        }

        it("promtool check config accepts the prod prometheus.yml with Kubernetes SD, TLS and its rule files", function () {
            const promtool = requireTool(this, "promtool");
            const serviceAccount = "/var/run/secrets/kubernetes.io/serviceaccount";
            const { root } = relocate(out, "prometheus", ["/etc/prometheus", serviceAccount]);
            // The kubelet, API server jobs read the pod's ServiceAccount token and the cluster CA.
            fs.mkdirSync(path.join(root, serviceAccount), { recursive: true });
            fs.writeFileSync(path.join(root, serviceAccount, "token"), "dummy\n");
            for (const file of ["password", "alertmanager_password", "remote_write_password"]) {
                fs.mkdirSync(path.join(root, "etc/prometheus/secrets"), { recursive: true });
                fs.writeFileSync(path.join(root, "etc/prometheus/secrets", file), "dummy\n");
            }
            // A real CA for tls_config.ca_file (the mocks' certificate is a placeholder).
            const tlsDir = path.join(root, "etc/prometheus/tls");
            execFileSync(
                "openssl",
                [
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-days",
                    "1",
                    "-subj",
                    "/CN=test-ca",
                    "-keyout",
                    path.join(tlsDir, "ca.key"),
                    "-out",
                    path.join(tlsDir, "ca.crt"),
                ],
                { stdio: "ignore" },
            );
            fs.copyFileSync(path.join(tlsDir, "ca.crt"), path.join(root, serviceAccount, "ca.crt"));
            const output = run(promtool, ["check", "config", path.join(root, "etc/prometheus/prometheus.yml")]);
            assert.match(output, /SUCCESS/);
            assert.doesNotMatch(output, /FAILED/);
        });

        it("amtool check-config accepts the prod alertmanager.yml", function () {
            const amtool = requireTool(this, "amtool");
            const { root } = relocate(out, "alertmanager", ["/etc/alertmanager"]);
            for (const file of ["slack_webhook_url", "smtp_password", "pagerduty_routing_key", "webhook_url"]) {
                fs.mkdirSync(path.join(root, "etc/alertmanager/secrets"), { recursive: true });
                fs.writeFileSync(path.join(root, "etc/alertmanager/secrets", file), "dummy\n");
            }
            assert.match(run(amtool, ["check-config", path.join(root, "etc/alertmanager/alertmanager.yml")]), /SUCCESS/);
        });
    });
});
