import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { ConfigError } from "../config";
import { RecordedResource } from "../scripts/lib/mock-runtime";
import { renderStack } from "../scripts/lib/render-stack";
import { monitoringValues, readStackFile } from "../scripts/lib/stack-file";
import { FAKE_SECRETS, relocate, RenderedDir, renderToDir, SECRET_NEEDLES, walk } from "./support/render";
import { requireTool } from "./support/tools";

const REMOTE_WRITE_SECRET = "rwSecretW7k";
const NEEDLES = [...SECRET_NEEDLES, REMOTE_WRITE_SECRET];
const WORKLOADS = ["kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:DaemonSet"];
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

/** Pulumi.prod.yaml as shipped, plus plain-text secrets and the given keys (without `monitoring:`). */
function prodValues(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        ...monitoringValues(readStackFile("Pulumi.prod.yaml")),
        ...FAKE_SECRETS,
        remoteWrite: [{ url: "https://mimir.example.com/api/v1/push", username: "monitoring" }],
        remoteWritePassword: REMOTE_WRITE_SECRET,
        alerting: {
            slack: { channels: { critical: "#alerts-critical", warning: "#alerts-warnings", info: "#alerts-general" } },
            email: { to: "oncall@example.com", from: "alerts@example.com", smarthost: "smtp.example.com:587", username: "alerts" },
            pagerduty: { severities: ["critical"] },
            webhook: { matchers: ['notify_sms="true"'] },
        },
        ...extra,
    };
}

const of = (resources: RecordedResource[], type: string, name?: string) =>
    resources.filter((r) => r.type === type && (name === undefined || r.name === name));

function one(resources: RecordedResource[], type: string, name: string): any {
    const found = of(resources, type, name);
    assert.strictEqual(found.length, 1, `expected one ${type} ${name}, found ${found.length}`);
    return found[0].inputs;
}

const workloads = (resources: RecordedResource[]) => resources.filter((r) => WORKLOADS.includes(r.type));
const podSpec = (w: RecordedResource): any => (w.inputs as any).spec.template.spec;
const containers = (w: RecordedResource): any[] => [...(podSpec(w).containers ?? []), ...(podSpec(w).initContainers ?? [])];
const selector = (service: string) => ({ "app.kubernetes.io/name": service, "app.kubernetes.io/part-of": "monitoring" });

/** The allow-<service> policy. */
function policy(resources: RecordedResource[], service: string): any {
    return one(resources, NETWORK_POLICY, `allow-${service}`).spec;
}

function portsOf(rule: any): string[] {
    return (rule.ports ?? []).map((p: any) => `${p.port}/${p.protocol}`);
}

/** Whether a rule list lets pods of `peer` through on `port` (TCP unless given as `n/UDP`). */
function allowsPods(rules: any[], key: "from" | "to", peer: string, port: string): boolean {
    const wanted = port.includes("/") ? port : `${port}/TCP`;
    return rules.some(
        (r) =>
            (r[key] ?? []).some((p: any) => JSON.stringify(p.podSelector?.matchLabels) === JSON.stringify(selector(peer)) && !p.namespaceSelector) &&
            portsOf(r).includes(wanted),
    );
}

describe("prod stack (Kubernetes) under mocks", () => {
    let out: RenderedDir;
    let resources: RecordedResource[];
    before(async () => {
        out = await renderToDir("prod", prodValues());
        resources = out.rendered.resources;
    });

    it("runs Prometheus x2 and Alertmanager x3 as StatefulSets, Grafana x2, node exporter and Promtail on every node", () => {
        assert.strictEqual(one(resources, WORKLOADS[0], "prometheus").spec.replicas, 2);
        assert.strictEqual(one(resources, WORKLOADS[0], "alertmanager").spec.replicas, 3);
        assert.strictEqual(one(resources, WORKLOADS[1], "grafana").spec.replicas, 2);
        for (const agent of ["node-exporter", "promtail"]) one(resources, WORKLOADS[2], agent);
        one(resources, WORKLOADS[1], "kube-state-metrics");
    });

    it("keeps a claim per Prometheus and Alertmanager replica, sized from the configuration", () => {
        const claim = (name: string) => one(resources, WORKLOADS[0], name).spec.volumeClaimTemplates[0].spec.resources.requests.storage;
        assert.strictEqual(claim("prometheus"), "50Gi");
        assert.strictEqual(claim("alertmanager"), "2Gi");
        // Grafana's replicas share PostgreSQL; no claim a second pod could not mount.
        assert.strictEqual(of(resources, "kubernetes:core/v1:PersistentVolumeClaim").length, 0);
    });

    it("gives every container cpu and memory limits and a non-root, capability-free security context", () => {
        const all = workloads(resources);
        assert.ok(all.length >= 6);
        for (const w of all) {
            const pod = podSpec(w).securityContext;
            assert.strictEqual(pod.runAsNonRoot, true, `${w.name}: runAsNonRoot`);
            assert.notStrictEqual(pod.runAsUser, 0, `${w.name}: runs as root`);
            assert.strictEqual(pod.seccompProfile.type, "RuntimeDefault", `${w.name}: seccomp`);
            for (const c of containers(w)) {
                const where = `${w.name}/${c.name}`;
                assert.ok(c.resources.limits.cpu && c.resources.limits.memory, `${where}: no limits`);
                assert.ok(c.resources.requests.cpu && c.resources.requests.memory, `${where}: no requests`);
                assert.strictEqual(c.securityContext.runAsNonRoot, true, `${where}: runAsNonRoot`);
                assert.strictEqual(c.securityContext.allowPrivilegeEscalation, false, `${where}: privilege escalation`);
                assert.deepStrictEqual(c.securityContext.capabilities.drop, ["ALL"], `${where}: capabilities`);
                assert.match(c.image, /:[^:]*\d[^:]*$/, `${where}: image not pinned`);
            }
        }
        const prometheus = containers(of(resources, WORKLOADS[0], "prometheus")[0])[0];
        assert.strictEqual(prometheus.securityContext.readOnlyRootFilesystem, true);
        assert.ok(prometheus.volumeMounts.some((m: any) => m.mountPath === "/tmp"), "read-only root needs an emptyDir /tmp");
    });

    it("protects every replicated workload with a PodDisruptionBudget and pod anti-affinity", () => {
        const replicated = workloads(resources).filter((w) => ((w.inputs as any).spec.replicas ?? 1) > 1);
        assert.deepStrictEqual(replicated.map((w) => w.name).sort(), ["alertmanager", "grafana", "prometheus"]);
        const budgets = of(resources, "kubernetes:policy/v1:PodDisruptionBudget").map((b) => (b.inputs as any).spec);
        for (const w of replicated) {
            const labels = (w.inputs as any).spec.template.metadata.labels;
            const budget = budgets.find((b) => Object.entries(b.selector.matchLabels).every(([k, v]) => labels[k] === v));
            assert.ok(budget, `${w.name} has no PodDisruptionBudget`);
            assert.strictEqual(budget.maxUnavailable, 1);
            const term = podSpec(w).affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm;
            assert.deepStrictEqual(term.labelSelector.matchLabels, selector(w.name));
            assert.strictEqual(term.topologyKey, "kubernetes.io/hostname");
        }
    });

    it("clusters Alertmanager through the headless Service, each pod a --cluster.peer", () => {
        const args: string[] = containers(of(resources, WORKLOADS[0], "alertmanager")[0])[0].args;
        for (let i = 0; i < 3; i++) {
            assert.ok(args.includes(`--cluster.peer=alertmanager-${i}.alertmanager-headless.monitoring.svc:9094`), `peer ${i} missing`);
        }
        const headless = one(resources, "kubernetes:core/v1:Service", "alertmanager-headless").spec;
        assert.strictEqual(headless.clusterIP, "None");
        assert.strictEqual(headless.publishNotReadyAddresses, true);
        assert.deepStrictEqual(headless.ports.filter((p: any) => p.port === 9094).map((p: any) => p.protocol).sort(), ["TCP", "UDP"]);
        assert.strictEqual(one(resources, WORKLOADS[0], "alertmanager").spec.serviceName, "alertmanager-headless");
    });

    it("sends alerts to every Alertmanager pod, not through the load-balanced Service, over verified TLS", () => {
        const config = yaml.load(out.file("prometheus", "/etc/prometheus/prometheus.yml")) as any;
        const [am] = config.alerting.alertmanagers;
        assert.deepStrictEqual(am.static_configs[0].targets, [0, 1, 2].map((i) => `alertmanager-${i}.alertmanager-headless.monitoring.svc:9093`));
        assert.strictEqual(am.scheme, "https");
        assert.strictEqual(am.tls_config.ca_file, "/etc/prometheus/tls/ca.crt");
    });

    it("labels each Prometheus replica with its own pod name", () => {
        const config = yaml.load(out.file("prometheus", "/etc/prometheus/prometheus.yml")) as any;
        assert.strictEqual(config.global.external_labels.replica, "${REPLICA_NAME}");
        const env = containers(of(resources, WORKLOADS[0], "prometheus")[0])[0].env;
        assert.deepStrictEqual(env.find((e: any) => e.name === "REPLICA_NAME").valueFrom, { fieldRef: { fieldPath: "metadata.name" } });
        // Prometheus 3 expands ${VAR} in external labels; the StatefulSet names its pods prometheus-0 and -1.
        const labels = [0, 1].map((i) => config.global.external_labels.replica.replace("${REPLICA_NAME}", `prometheus-${i}`));
        assert.strictEqual(new Set(labels).size, 2);
    });

    it("serves every Ingress over TLS for its host and outputs the three HTTPS URLs", () => {
        const ingresses = of(resources, "kubernetes:networking.k8s.io/v1:Ingress");
        assert.deepStrictEqual(ingresses.map((i) => i.name).sort(), ["alertmanager", "grafana", "prometheus"]);
        for (const ingress of ingresses) {
            const { spec, metadata } = ingress.inputs as any;
            assert.strictEqual(spec.ingressClassName, "nginx");
            assert.strictEqual(metadata.annotations["cert-manager.io/cluster-issuer"], "letsencrypt-prod");
            assert.strictEqual(metadata.annotations["nginx.ingress.kubernetes.io/backend-protocol"], "HTTPS");
            const hosts = spec.tls.flatMap((t: any) => t.hosts);
            for (const rule of spec.rules) assert.ok(hosts.includes(rule.host), `${ingress.name}: ${rule.host} not in tls`);
            assert.ok(spec.tls.every((t: any) => t.secretName), `${ingress.name}: tls without secretName`);
        }
        const o = out.rendered.outputs;
        assert.deepStrictEqual(
            [o.grafanaUrl, o.prometheusUrl, o.alertmanagerUrl],
            ["grafana", "prometheus", "alertmanager"].map((ui) => ({ value: `https://${ui}.monitoring.example.com`, secret: false })),
        );
        for (const key of ["grafanaAdminPassword", "prometheusPassword", "alertmanagerPassword"]) assert.strictEqual(o[key].secret, true);
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
                (policy(resources, service).ingress ?? []).filter((r: any) => r.from.some((f: any) => f.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === "ingress-nginx"));
            assert.deepStrictEqual(portsOf(fromController("grafana")[0]), ["3000/TCP"]);
            assert.deepStrictEqual(portsOf(fromController("prometheus")[0]), ["9090/TCP"]);
            assert.deepStrictEqual(portsOf(fromController("alertmanager")[0]), ["9093/TCP"]);
            for (const other of ["loki", "node-exporter", "promtail", "kube-state-metrics"]) assert.strictEqual(fromController(other).length, 0, other);
        });

        it("let Prometheus reach every scrape target port, and Alertmanager", () => {
            const egress = policy(resources, "prometheus").egress;
            const targets: [string, string][] = [["node-exporter", "9100"], ["kube-state-metrics", "8080"], ["promtail", "9080"], ["loki", "3100"], ["alertmanager", "9093"], ["prometheus", "9090"]];
            for (const [service, port] of targets) {
                assert.ok(allowsPods(egress, "to", service, port), `prometheus egress to ${service}:${port}`);
                assert.ok(allowsPods(policy(resources, service).ingress, "from", "prometheus", port), `${service} ingress from prometheus:${port}`);
            }
        });

        it("let Alertmanager peers gossip over TCP and UDP, and reach receivers outside the cluster", () => {
            const am = policy(resources, "alertmanager");
            for (const port of ["9094/TCP", "9094/UDP"]) {
                assert.ok(allowsPods(am.ingress, "from", "alertmanager", port), `ingress ${port}`);
                assert.ok(allowsPods(am.egress, "to", "alertmanager", port), `egress ${port}`);
            }
            const external = am.egress.filter((r: any) => r.to?.some((t: any) => t.ipBlock));
            assert.deepStrictEqual(external.flatMap(portsOf).sort(), ["25/TCP", "443/TCP", "587/TCP"]);
        });

        it("let Grafana reach Prometheus, Alertmanager and Loki, and Promtail reach Loki", () => {
            const grafana = policy(resources, "grafana").egress;
            for (const [service, port] of [["prometheus", "9090"], ["alertmanager", "9093"], ["loki", "3100"]]) {
                assert.ok(allowsPods(grafana, "to", service, port), `grafana -> ${service}`);
                assert.ok(allowsPods(policy(resources, service).ingress, "from", "grafana", port), `${service} <- grafana`);
            }
            assert.ok(allowsPods(policy(resources, "promtail").egress, "to", "loki", "3100"));
            assert.ok(allowsPods(policy(resources, "loki").ingress, "from", "promtail", "3100"));
            // Grafana's PostgreSQL, at the port of monitoring:grafanaDatabaseUrl.
            assert.ok(grafana.some((r: any) => !r.to && portsOf(r).includes("5432/TCP")));
        });

        it("let only the API readers reach the API server, and Prometheus discover annotated pods", () => {
            for (const policyResource of of(resources, NETWORK_POLICY)) {
                const egress = (policyResource.inputs as any).spec.egress ?? [];
                const toApi = egress.some((r: any) => portsOf(r).includes("6443/TCP"));
                assert.strictEqual(toApi, ["allow-prometheus", "allow-kube-state-metrics", "allow-promtail"].includes(policyResource.name), policyResource.name);
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
                    if (!rule.ports?.length) assert.ok(rule.to.every((t: any) => t.podSelector && !t.ipBlock), `${p.name}: port-less egress to ${JSON.stringify(rule.to)}`);
                }
            }
        });
    });

    it("mounts files as whole directories (never subPath) from ConfigMaps and Secrets", () => {
        for (const w of workloads(resources)) {
            for (const c of containers(w)) {
                for (const m of c.volumeMounts ?? []) assert.strictEqual(m.subPath, undefined, `${w.name}/${c.name} mounts ${m.mountPath} by subPath`);
            }
        }
        const sources = podSpec(of(resources, WORKLOADS[0], "prometheus")[0]).volumes.find((v: any) => v.projected).projected.sources;
        assert.ok(sources.some((s: any) => s.configMap?.name === "prometheus-rules"));
        assert.ok(sources.some((s: any) => s.secret?.name === "prometheus-secrets"));
    });

    it("reloads Prometheus and Alertmanager with a sidecar that takes the password from their Secret", () => {
        for (const [service, port, secret] of [["prometheus", 9090, "prometheus-secrets"], ["alertmanager", 9093, "alertmanager-secrets"]] as const) {
            const reloader = containers(of(resources, WORKLOADS[0], service)[0]).find((c) => c.name === "reloader");
            assert.ok(reloader, `${service} has no reloader`);
            assert.match(reloader.image, /^quay\.io\/prometheus-operator\/prometheus-config-reloader:v\d+\.\d+\.\d+$/);
            assert.ok(reloader.args.includes(`--reload-url=https://admin:$(RELOAD_PASSWORD)@127.0.0.1:${port}/-/reload`), reloader.args.join(" "));
            assert.ok(reloader.args.includes(`--watched-dir=/etc/${service}`));
            assert.deepStrictEqual(reloader.env, [{ name: "RELOAD_PASSWORD", valueFrom: { secretKeyRef: { name: secret, key: reloader.env[0].valueFrom.secretKeyRef.key } } }]);
            const annotations = (of(resources, WORKLOADS[0], service)[0].inputs as any).spec.template.metadata.annotations;
            assert.ok(annotations["checksum/secrets"], `${service}: a changed password must roll the pods`);
        }
        // Loki and Promtail roll on a checksum of their configuration.
        for (const [kind, service] of [[WORKLOADS[0], "loki"], [WORKLOADS[2], "promtail"]]) {
            assert.match(String((one(resources, kind, service).spec.template.metadata.annotations ?? {})["checksum/config"]), /^[0-9a-f]{64}$/, service);
        }
    });

    it("checks health from inside the container when the endpoint wants a password, never with it in the spec", () => {
        const probe = containers(of(resources, WORKLOADS[0], "prometheus")[0])[0].livenessProbe;
        assert.deepStrictEqual(probe.exec.command.slice(0, 2), ["sh", "-c"]);
        assert.match(probe.exec.command[2], /\$\(cat \/etc\/prometheus\/secrets\/password\)@127\.0\.0\.1:9090\/-\/healthy/);
        const grafana = containers(of(resources, WORKLOADS[1], "grafana")[0])[0].livenessProbe;
        assert.deepStrictEqual(grafana.httpGet, { path: "/api/health", port: 3000, scheme: "HTTPS" });
    });

    it("lets secrets reach pods only as Secret volumes or secretKeyRef, never as text", () => {
        for (const w of workloads(resources)) {
            for (const c of containers(w)) {
                for (const e of c.env ?? []) {
                    if (e.valueFrom) {
                        assert.ok(e.valueFrom.secretKeyRef || e.valueFrom.fieldRef, `${w.name}/${c.name}: ${e.name} from ${JSON.stringify(e.valueFrom)}`);
                    } else {
                        assert.ok(!/PASSWORD$|TOKEN$|SECRET$|_URL$|_DSN$/.test(e.name), `${w.name}/${c.name}: ${e.name} has an inline value`);
                    }
                }
            }
        }
        for (const secret of of(resources, "kubernetes:core/v1:Secret")) {
            for (const [key, value] of Object.entries((secret.inputs as any).stringData)) assert.strictEqual(value, "[secret]", `${secret.name}/${key}`);
        }
        const files = walk(out.dir);
        for (const file of files) {
            const text = fs.readFileSync(file, "utf8");
            for (const needle of NEEDLES) assert.ok(!text.includes(needle), `${needle} found in ${file}`);
            assert.ok(!text.includes("mockpw"), `a generated password found in ${file}`);
            assert.ok(!text.includes("mock-private-key"), `a private key found in ${file}`);
        }
    });

    it("serves TLS between services from the stack's CA, with every name a service answers to", () => {
        const request = one(resources, "tls:index/certRequest:CertRequest", "prometheus-tls-request");
        for (const name of ["prometheus.monitoring.svc", "*.prometheus-headless.monitoring.svc", "localhost"]) assert.ok(request.dnsNames.includes(name), name);
        assert.strictEqual(one(resources, "tls:index/selfSignedCert:SelfSignedCert", "monitoring-ca").isCaCertificate, true);
        const datasources = yaml.load(out.file("grafana", "/etc/grafana/provisioning/datasources/datasources.yml")) as any;
        const prometheus = datasources.datasources.find((d: any) => d.uid === "prometheus");
        assert.strictEqual(prometheus.url, "https://prometheus.monitoring.svc:9090");
        assert.strictEqual(prometheus.secureJsonData.tlsCACert, "$__file{/etc/grafana/tls/ca.crt}");
        const env = containers(of(resources, WORKLOADS[1], "grafana")[0])[0].env;
        assert.ok(env.some((e: any) => e.name === "GF_SERVER_PROTOCOL" && e.value === "https"));
    });

    it("discovers annotated pods and services with a read-only ClusterRole of its own", () => {
        const role = one(resources, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "prometheus");
        const resourcesRead = role.rules.flatMap((r: any) => r.resources).sort();
        assert.deepStrictEqual(resourcesRead, ["endpoints", "endpointslices", "nodes", "pods", "services"]);
        for (const rule of role.rules) assert.deepStrictEqual(rule.verbs, ["get", "list", "watch"]);
        const binding = one(resources, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "prometheus");
        assert.deepStrictEqual(binding.subjects, [{ kind: "ServiceAccount", name: "prometheus", namespace: "monitoring" }]);
        const ksm = one(resources, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "kube-state-metrics");
        assert.ok(!ksm.rules.some((r: any) => r.resources.includes("secrets")), "kube-state-metrics must not read secrets");
        const config = yaml.load(out.file("prometheus", "/etc/prometheus/prometheus.yml")) as any;
        const pods = config.scrape_configs.find((j: any) => j.job_name === "kubernetes-pods");
        assert.strictEqual(pods.kubernetes_sd_configs[0].role, "pod");
        assert.deepStrictEqual(pods.relabel_configs[0], { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], regex: "true", action: "keep" });
        assert.ok(config.scrape_configs.some((j: any) => j.job_name === "kubernetes-services"));
        // Pods that read nothing get no API token.
        assert.strictEqual(podSpec(of(resources, WORKLOADS[0], "alertmanager")[0]).automountServiceAccountToken, false);
    });

    it("copies samples to the remote_write store with the password from a secret file", () => {
        const config = yaml.load(out.file("prometheus", "/etc/prometheus/prometheus.yml")) as any;
        assert.deepStrictEqual(config.remote_write, [
            { url: "https://mimir.example.com/api/v1/push", basic_auth: { username: "monitoring", password_file: "/etc/prometheus/secrets/remote_write_password" } },
        ]);
        const secret = one(resources, "kubernetes:core/v1:Secret", "prometheus-secrets");
        assert.ok("remote_write_password" in secret.stringData);
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
            const { root } = relocate(out, "prometheus", ["/etc/prometheus"]);
            for (const file of ["password", "alertmanager_password", "remote_write_password"]) {
                fs.mkdirSync(path.join(root, "etc/prometheus/secrets"), { recursive: true });
                fs.writeFileSync(path.join(root, "etc/prometheus/secrets", file), "dummy\n");
            }
            // A real CA for tls_config.ca_file (the mocks' certificate is a placeholder).
            const tlsDir = path.join(root, "etc/prometheus/tls");
            execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test-ca", "-keyout", path.join(tlsDir, "ca.key"), "-out", path.join(tlsDir, "ca.crt")], { stdio: "ignore" });
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

    it("changes only the rules ConfigMap when a threshold changes: no pod restarts", async () => {
        const again = await renderToDir("prod", prodValues({ thresholds: { httpErrorRatePercent: 7 } }));
        const key = (r: RecordedResource) => `${r.type} ${r.name}`;
        const before = new Map(resources.map((r) => [key(r), JSON.stringify(r.inputs)]));
        const changed = again.rendered.resources.filter((r) => before.get(key(r)) !== JSON.stringify(r.inputs)).map(key);
        assert.deepStrictEqual(changed, ["kubernetes:core/v1:ConfigMap prometheus-rules"]);
        assert.strictEqual(again.rendered.resources.length, resources.length);
    });

    it("applies monitoring:resources, the storage class and required anti-affinity", async () => {
        const tuned = await renderToDir(
            "prod",
            prodValues({
                kubernetes: { storageClass: "fast-ssd", antiAffinity: "required", discoveryNamespaces: ["apps"] },
                resources: { prometheus: { memoryLimit: "8Gi" }, reloader: { cpuLimit: "50m" } },
            }),
        );
        const r = tuned.rendered.resources;
        const prometheus = one(r, WORKLOADS[0], "prometheus");
        const [main, reloader] = prometheus.spec.template.spec.containers;
        assert.deepStrictEqual(main.resources.limits, { cpu: "2", memory: "8Gi" });
        assert.strictEqual(reloader.resources.limits.cpu, "50m");
        assert.strictEqual(prometheus.spec.volumeClaimTemplates[0].spec.storageClassName, "fast-ssd");
        assert.ok(prometheus.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution);
        const discovery = policy(r, "prometheus").egress.find((e: any) => !e.ports);
        assert.deepStrictEqual(discovery.to[0].namespaceSelector.matchExpressions[0].values, ["apps"]);
    });

    describe("configuration errors name the key", () => {
        async function error(values: Record<string, unknown>): Promise<string> {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "prod-config-"));
            const file = path.join(dir, "Pulumi.prod.yaml");
            fs.writeFileSync(file, yaml.dump({ config: Object.fromEntries(Object.entries(values).map(([k, v]) => [`monitoring:${k}`, v])) }));
            try {
                await renderStack("prod", file);
            } catch (err) {
                assert.ok(err instanceof ConfigError, String(err));
                return err.message;
            }
            assert.fail("the configuration was accepted");
        }

        it("no certificate source for the Ingresses", async () => {
            const { tls: _tls, ...values } = prodValues();
            assert.match(await error({ ...values, tls: { domain: "example.com" } }), /^monitoring:tls\.clusterIssuer: is not set/);
        });

        it("no host for a UI", async () => {
            assert.match(await error(prodValues({ tls: { clusterIssuer: "letsencrypt" } })), /^monitoring:tls\.hosts\.grafana: is not set/);
        });

        it("Grafana replicas without a database", async () => {
            const { grafanaDatabaseUrl: _db, ...values } = prodValues({ grafana: { replicas: 2 } });
            assert.match(await error(values), /^monitoring:grafanaDatabaseUrl: is not set, but grafana\.replicas is 2/);
        });

        it("a bad storage size", async () => {
            assert.match(await error(prodValues({ prometheus: { replicas: 2, storageSize: "50 GB" } })), /^monitoring:prometheus\.storageSize: "50 GB" is not a storage size/);
        });

        it("a remote_write user without its password", async () => {
            const { remoteWritePassword: _pw, ...values } = prodValues();
            assert.match(await error(values), /^monitoring:remoteWritePassword: is not set/);
        });

        it("a bad resource quantity and a bad CIDR", async () => {
            assert.match(await error(prodValues({ resources: { grafana: { memoryLimit: "lots" } } })), /^monitoring:resources\.grafana\.memoryLimit:/);
            assert.match(await error(prodValues({ kubernetes: { apiServerCidrs: ["10.0.0.1"] } })), /^monitoring:kubernetes\.apiServerCidrs\[0\]:/);
        });

        it("kube-state-metrics asked for on Docker", async () => {
            assert.match(await error({ platform: "docker", exporters: { kubeStateMetrics: true } }), /^monitoring:exporters\.kubeStateMetrics:/);
        });
    });
});
