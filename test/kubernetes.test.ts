import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { ConfigError } from "../config";
import { RecordedResource } from "../scripts/lib/mock-runtime";
import { renderStack } from "../scripts/lib/render-stack";
import { mountFiles } from "../components/platform/kubernetes/files";
import { containers, DAEMONSET, DEPLOYMENT, of, one, podSpec, policy, PROD_NEEDLES, prodValues, selector, STATEFULSET, workloads } from "./support/prod";
import { RenderedDir, renderToDir, walk } from "./support/render";
import { tempDir } from "./support/temp";
import { inStack, withinStack } from "./support/stack-names";

describe("prod stack (Kubernetes) under mocks", () => {
    let out: RenderedDir;
    let resources: RecordedResource[];
    before(async () => {
        out = await renderToDir("prod", prodValues());
        resources = out.rendered.resources;
    });

    it("runs Prometheus x2 and Alertmanager x3 as StatefulSets, Grafana x2, node exporter and Alloy on every node", () => {
        assert.strictEqual(one(resources, STATEFULSET, "prometheus").spec.replicas, 2);
        assert.strictEqual(one(resources, STATEFULSET, "alertmanager").spec.replicas, 3);
        assert.strictEqual(one(resources, DEPLOYMENT, "grafana").spec.replicas, 2);
        for (const agent of ["node-exporter", "alloy"]) one(resources, DAEMONSET, agent);
        one(resources, DEPLOYMENT, "kube-state-metrics");
    });

    it("keeps a claim per Prometheus and Alertmanager replica, sized from the configuration", () => {
        const claim = (name: string) => one(resources, STATEFULSET, name).spec.volumeClaimTemplates[0].spec.resources.requests.storage;
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
        const prometheus = containers(of(resources, STATEFULSET, "prometheus")[0])[0];
        assert.strictEqual(prometheus.securityContext.readOnlyRootFilesystem, true);
        assert.ok(
            prometheus.volumeMounts.some((m: any) => m.mountPath === "/tmp"),
            "read-only root needs an emptyDir /tmp",
        );
    });

    it("protects every replicated workload with a PodDisruptionBudget and pod anti-affinity", () => {
        const replicated = workloads(resources).filter((w) => ((w.inputs as any).spec.replicas ?? 1) > 1);
        assert.deepStrictEqual(replicated.map(withinStack).sort(), ["alertmanager", "grafana", "prometheus"]);
        const budgets = of(resources, "kubernetes:policy/v1:PodDisruptionBudget").map((b) => (b.inputs as any).spec);
        for (const w of replicated) {
            const labels = (w.inputs as any).spec.template.metadata.labels;
            const budget = budgets.find((b) => Object.entries(b.selector.matchLabels).every(([k, v]) => labels[k] === v));
            assert.ok(budget, `${w.name} has no PodDisruptionBudget`);
            assert.strictEqual(budget.maxUnavailable, 1);
            const term = podSpec(w).affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm;
            assert.deepStrictEqual(term.labelSelector.matchLabels, selector(withinStack(w)));
            assert.strictEqual(term.topologyKey, "kubernetes.io/hostname");
        }
    });

    it("clusters Alertmanager through the headless Service, each pod a --cluster.peer", () => {
        const args: string[] = containers(of(resources, STATEFULSET, "alertmanager")[0])[0].args;
        for (let i = 0; i < 3; i++) {
            assert.ok(args.includes(`--cluster.peer=alertmanager-${i}.alertmanager-headless.monitoring.svc:9094`), `peer ${i} missing`);
        }
        const headless = one(resources, "kubernetes:core/v1:Service", "alertmanager-headless").spec;
        assert.strictEqual(headless.clusterIP, "None");
        assert.strictEqual(headless.publishNotReadyAddresses, true);
        // Gossip over mutual TLS runs on TCP alone.
        assert.deepStrictEqual(
            headless.ports.filter((p: any) => p.port === 9094).map((p: any) => p.protocol),
            ["TCP"],
        );
        assert.ok(args.includes("--cluster.tls-config=/etc/alertmanager/tls/cluster.yml"));
        assert.strictEqual(one(resources, STATEFULSET, "alertmanager").spec.serviceName, "alertmanager-headless");
    });

    it("sends alerts to every Alertmanager pod, not through the load-balanced Service, over verified TLS", () => {
        const config = yaml.load(out.file("prometheus", "/etc/prometheus/prometheus.yml")) as any;
        const [am] = config.alerting.alertmanagers;
        assert.deepStrictEqual(
            am.static_configs[0].targets,
            [0, 1, 2].map((i) => `alertmanager-${i}.alertmanager-headless.monitoring.svc:9093`),
        );
        assert.strictEqual(am.scheme, "https");
        assert.strictEqual(am.tls_config.ca_file, "/etc/prometheus/tls/ca.crt");
    });

    it("labels each Prometheus replica with its own pod name", () => {
        const config = yaml.load(out.file("prometheus", "/etc/prometheus/prometheus.yml")) as any;
        assert.strictEqual(config.global.external_labels.replica, "${REPLICA_NAME}");
        const env = containers(of(resources, STATEFULSET, "prometheus")[0])[0].env;
        assert.deepStrictEqual(env.find((e: any) => e.name === "REPLICA_NAME").valueFrom, { fieldRef: { fieldPath: "metadata.name" } });
        // Distinct per replica because each pod of a StatefulSet has its own name (prometheus-0, -1);
        // that Prometheus 3 expands ${VAR} in external labels is for a live test to show.
        const statefulSet = one(resources, STATEFULSET, "prometheus");
        assert.strictEqual(statefulSet.spec.replicas, 2);
        assert.strictEqual(statefulSet.spec.template.spec.containers[0].env.filter((e: any) => e.valueFrom?.fieldRef?.fieldPath === "metadata.name").length, 1);
        // Alerts leave without it, so Alertmanager deduplicates the pair's identical alerts.
        assert.deepStrictEqual(config.alerting.alert_relabel_configs, [{ action: "labeldrop", regex: "replica" }]);
    });

    it("serves every Ingress over TLS for its host and outputs the three HTTPS URLs", () => {
        const ingresses = of(resources, "kubernetes:networking.k8s.io/v1:Ingress");
        assert.deepStrictEqual(ingresses.map(withinStack).sort(), ["alertmanager", "grafana", "prometheus"]);
        for (const ingress of ingresses) {
            const { spec, metadata } = ingress.inputs as any;
            assert.strictEqual(spec.ingressClassName, "nginx");
            assert.strictEqual(metadata.annotations["cert-manager.io/cluster-issuer"], "letsencrypt-prod");
            assert.strictEqual(metadata.annotations["nginx.ingress.kubernetes.io/backend-protocol"], "HTTPS");
            const hosts = spec.tls.flatMap((t: any) => t.hosts);
            for (const rule of spec.rules) assert.ok(hosts.includes(rule.host), `${ingress.name}: ${rule.host} not in tls`);
            assert.ok(
                spec.tls.every((t: any) => t.secretName),
                `${ingress.name}: tls without secretName`,
            );
        }
        const o = out.rendered.outputs;
        assert.deepStrictEqual(
            [o.grafanaUrl, o.prometheusUrl, o.alertmanagerUrl],
            ["grafana", "prometheus", "alertmanager"].map((ui) => ({ value: `https://${ui}.monitoring.example.com`, secret: false })),
        );
        for (const key of ["grafanaAdminPassword", "prometheusPassword", "alertmanagerPassword"]) assert.strictEqual(o[key].secret, true);
    });

    it("mounts files as whole directories (never subPath) from ConfigMaps and Secrets", () => {
        for (const w of workloads(resources)) {
            for (const c of containers(w)) {
                for (const m of c.volumeMounts ?? []) assert.strictEqual(m.subPath, undefined, `${w.name}/${c.name} mounts ${m.mountPath} by subPath`);
            }
        }
        const sources = podSpec(of(resources, STATEFULSET, "prometheus")[0]).volumes.find((v: any) => v.projected).projected.sources;
        assert.ok(sources.some((s: any) => s.configMap?.name === "prometheus-rules"));
        assert.ok(sources.some((s: any) => s.secret?.name === "prometheus-secrets"));
    });

    it("splits a directory too large for one ConfigMap, still under one volume", () => {
        const big = "x".repeat(600 * 1024);
        const files = mountFiles("grafana", [
            { path: "/etc/grafana/dashboards/a.json", content: big, hotReload: true },
            { path: "/etc/grafana/dashboards/team/b.json", content: big, hotReload: true },
            { path: "/etc/grafana/dashboards/c d.json", content: big, hotReload: true },
        ]);
        assert.deepStrictEqual(
            files.sources.map((s) => s.name),
            ["grafana-dashboards-1", "grafana-dashboards-2", "grafana-dashboards-team"],
        );
        assert.deepStrictEqual(files.mounts, [{ name: "files-etc-grafana-dashboards", mountPath: "/etc/grafana/dashboards", readOnly: true }]);
        assert.deepStrictEqual(files.sources[1].items, [{ key: "c_d.json", path: "c d.json" }]);
        assert.deepStrictEqual(files.checksums, {}, "hot-reloaded files must not roll the pods");
    });

    it("mounts host paths read-only for node agents, and runs a shipper that asks for root as nobody", () => {
        const alloy = one(resources, DAEMONSET, "alloy").spec.template.spec;
        assert.deepStrictEqual([alloy.securityContext.runAsUser, alloy.securityContext.runAsGroup], [65534, 0]);
        // Each Alloy pod learns its node's name, to discover only that node's pods.
        assert.deepStrictEqual(
            alloy.containers[0].env.find((e: any) => e.name === "NODE_NAME"),
            { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
        );
        for (const agent of ["alloy", "node-exporter"]) {
            const pod = one(resources, DAEMONSET, agent).spec.template.spec;
            const hostMounts = pod.containers[0].volumeMounts.filter((m: any) => m.name.startsWith("host-"));
            assert.ok(hostMounts.length > 0, agent);
            for (const m of hostMounts) assert.strictEqual(m.readOnly, true, `${agent} ${m.mountPath}`);
            assert.deepStrictEqual(pod.tolerations, [{ operator: "Exists" }]);
        }
    });

    it("reloads Prometheus by itself and Alertmanager by SIGHUP, neither with a password", () => {
        const prometheus = of(resources, STATEFULSET, "prometheus")[0];
        assert.deepStrictEqual(
            containers(prometheus).map((c) => c.name),
            ["prometheus"],
            "Prometheus needs no reloader sidecar",
        );
        assert.ok(containers(prometheus)[0].args.includes("--enable-feature=auto-reload-config"));
        const alertmanager = of(resources, STATEFULSET, "alertmanager")[0];
        const reloader = containers(alertmanager).find((c) => c.name === "reloader");
        assert.ok(reloader, "alertmanager has no reloader");
        assert.strictEqual(reloader.image, containers(alertmanager)[0].image, "the sidecar runs Alertmanager's own image");
        assert.match(reloader.command[2], /cat '\/etc\/alertmanager\/alertmanager\.yml' '\/etc\/alertmanager\/templates\/monitoring\.tmpl' \| md5sum/);
        assert.match(reloader.command[2], /kill -HUP \$\(pidof 'alertmanager'\)/);
        assert.deepStrictEqual(reloader.env ?? [], [], "no variable, so no password");
        assert.strictEqual(podSpec(alertmanager).shareProcessNamespace, true);
        for (const service of ["prometheus", "alertmanager"]) {
            const annotations = (of(resources, STATEFULSET, service)[0].inputs as any).spec.template.metadata.annotations;
            assert.ok(annotations["checksum/secrets"], `${service}: a changed password must roll the pods`);
        }
        // Loki and Alloy roll on a checksum of their configuration.
        for (const [kind, service] of [
            [STATEFULSET, "loki"],
            [DAEMONSET, "alloy"],
        ]) {
            assert.match(String((one(resources, kind, service).spec.template.metadata.annotations ?? {})["checksum/config"]), /^[0-9a-f]{64}$/, service);
        }
    });

    it("checks health with promtool and amtool reading the password from a file, never with it in the spec or an argument", () => {
        const prometheus = containers(of(resources, STATEFULSET, "prometheus")[0])[0];
        assert.deepStrictEqual(prometheus.livenessProbe.exec.command, [
            "promtool",
            "check",
            "healthy",
            "--url=https://127.0.0.1:9090",
            "--http.config.file=/etc/prometheus/probe.yml",
        ]);
        assert.deepStrictEqual(prometheus.readinessProbe.exec.command, [
            "promtool",
            "check",
            "ready",
            "--url=https://127.0.0.1:9090",
            "--http.config.file=/etc/prometheus/probe.yml",
        ]);
        const client = yaml.load(out.file("prometheus", "/etc/prometheus/probe.yml")) as any;
        assert.deepStrictEqual(client.basic_auth, { username: "admin", password_file: "/etc/prometheus/secrets/password" });
        const alertmanager = containers(of(resources, STATEFULSET, "alertmanager")[0])[0];
        assert.deepStrictEqual(alertmanager.livenessProbe.exec.command.slice(0, 1), ["amtool"]);
        assert.ok(alertmanager.livenessProbe.exec.command.includes("--http.config.file=/etc/alertmanager/probe.yml"));
        const grafana = containers(of(resources, DEPLOYMENT, "grafana")[0])[0].livenessProbe;
        assert.deepStrictEqual(grafana.httpGet, { path: "/api/health", port: 3000, scheme: "HTTPS" });
    });

    it("lets secrets reach pods only as Secret volumes or secretKeyRef, never as text", () => {
        for (const w of workloads(resources)) {
            for (const c of containers(w)) {
                for (const e of c.env ?? []) {
                    if (e.valueFrom) {
                        assert.ok(e.valueFrom.secretKeyRef || e.valueFrom.fieldRef, `${w.name}/${c.name}: ${e.name} from ${JSON.stringify(e.valueFrom)}`);
                    } else {
                        // Grafana's public root URL is no secret.
                        assert.ok(!/PASSWORD$|TOKEN$|SECRET$|(?<!_ROOT)_URL$|_DSN$/.test(e.name), `${w.name}/${c.name}: ${e.name} has an inline value`);
                    }
                }
            }
        }
        const secrets = of(resources, "kubernetes:core/v1:Secret");
        assert.ok(secrets.length >= 6);
        for (const secret of secrets) assert.strictEqual((secret.inputs as any).stringData, "[secret]", `${secret.name} is not secret`);
        for (const map of of(resources, "kubernetes:core/v1:ConfigMap")) {
            const data = JSON.stringify((map.inputs as any).data);
            assert.ok(!/password|secret|tls\.key/i.test(Object.keys((map.inputs as any).data).join(" ")), `${map.name} holds a secret file`);
            for (const needle of PROD_NEEDLES) assert.ok(!data.includes(needle), `${needle} in ConfigMap ${map.name}`);
        }
        const files = walk(out.dir);
        for (const file of files) {
            const text = fs.readFileSync(file, "utf8");
            for (const needle of PROD_NEEDLES) assert.ok(!text.includes(needle), `${needle} found in ${file}`);
            assert.ok(!text.includes("mockpw"), `a generated password found in ${file}`);
            assert.ok(!text.includes("mock-private-key"), `a private key found in ${file}`);
        }
    });

    it("serves TLS between services from the stack's CA, with every name a service answers to", () => {
        const request = one(resources, "tls:index/certRequest:CertRequest", "prometheus-tls-request");
        for (const name of ["prometheus.monitoring.svc", "*.prometheus-headless.monitoring.svc", "localhost"]) assert.ok(request.dnsNames.includes(name), name);
        assert.strictEqual(one(resources, "tls:index/selfSignedCert:SelfSignedCert", "ca").isCaCertificate, true);
        const datasources = yaml.load(out.file("grafana", "/etc/grafana/provisioning/datasources/datasources.yml")) as any;
        const prometheus = datasources.datasources.find((d: any) => d.uid === "prometheus");
        assert.strictEqual(prometheus.url, "https://prometheus.monitoring.svc:9090");
        assert.strictEqual(prometheus.secureJsonData.tlsCACert, "$__file{/etc/grafana/tls/ca.crt}");
        const env = containers(of(resources, DEPLOYMENT, "grafana")[0])[0].env;
        assert.ok(env.some((e: any) => e.name === "GF_SERVER_PROTOCOL" && e.value === "https"));
    });

    it("discovers annotated pods and services with a read-only ClusterRole of its own", () => {
        const role = one(resources, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "prometheus");
        const listed = role.rules
            .filter((r: any) => r.verbs.join() === "get,list,watch")
            .flatMap((r: any) => r.resources)
            .sort();
        assert.deepStrictEqual(listed, ["endpoints", "endpointslices", "nodes", "pods", "services"]);
        // The kubelet's and the API server's metrics: get only, and nothing else.
        const others = role.rules.filter((r: any) => r.verbs.join() !== "get,list,watch");
        assert.deepStrictEqual(others, [
            { apiGroups: [""], resources: ["nodes/metrics"], verbs: ["get"] },
            { nonResourceURLs: ["/metrics"], verbs: ["get"] },
        ]);
        const binding = one(resources, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "prometheus");
        assert.deepStrictEqual(binding.subjects, [{ kind: "ServiceAccount", name: "prometheus", namespace: "monitoring" }]);
        const ksm = one(resources, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "kube-state-metrics");
        assert.ok(!ksm.rules.some((r: any) => r.resources.includes("secrets")), "kube-state-metrics must not read secrets");
        const config = yaml.load(out.file("prometheus", "/etc/prometheus/prometheus.yml")) as any;
        const pods = config.scrape_configs.find((j: any) => j.job_name === "kubernetes-pods");
        assert.strictEqual(pods.kubernetes_sd_configs[0].role, "pod");
        assert.deepStrictEqual(pods.relabel_configs[0], {
            source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"],
            regex: "true",
            action: "keep",
        });
        assert.ok(config.scrape_configs.some((j: any) => j.job_name === "kubernetes-services"));
        // Pods that read nothing get no API token.
        assert.strictEqual(podSpec(of(resources, STATEFULSET, "alertmanager")[0]).automountServiceAccountToken, false);
    });

    it("copies samples to the remote_write store with the password from a secret file", () => {
        const config = yaml.load(out.file("prometheus", "/etc/prometheus/prometheus.yml")) as any;
        assert.deepStrictEqual(config.remote_write, [
            {
                url: "https://mimir.example.com/api/v1/push",
                basic_auth: { username: "monitoring", password_file: "/etc/prometheus/secrets/remote_write_password" },
            },
        ]);
        const sources = podSpec(of(resources, STATEFULSET, "prometheus")[0]).volumes.find((v: any) => v.projected).projected.sources;
        const secretFiles = sources.filter((s: any) => s.secret?.name === "prometheus-secrets").flatMap((s: any) => s.secret.items.map((i: any) => i.path));
        assert.ok(secretFiles.includes("secrets/remote_write_password"), secretFiles.join(", "));
    });

    it("changes only the rules ConfigMap when a threshold changes: no pod restarts", async () => {
        const again = await renderToDir("prod", prodValues({ thresholds: { httpErrorRatePercent: 7 } }));
        const key = (r: RecordedResource) => `${r.type} ${r.name}`;
        const before = new Map(resources.map((r) => [key(r), JSON.stringify(r.inputs)]));
        const changed = again.rendered.resources.filter((r) => before.get(key(r)) !== JSON.stringify(r.inputs)).map(key);
        assert.deepStrictEqual(changed, [`kubernetes:core/v1:ConfigMap ${inStack("prometheus-rules")}`]);
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
        const prometheus = one(r, STATEFULSET, "prometheus");
        const [main] = prometheus.spec.template.spec.containers;
        assert.deepStrictEqual(main.resources.limits, { cpu: "2", memory: "8Gi" });
        const [, reloader] = one(r, STATEFULSET, "alertmanager").spec.template.spec.containers;
        assert.strictEqual(reloader.resources.limits.cpu, "50m");
        assert.strictEqual(prometheus.spec.volumeClaimTemplates[0].spec.storageClassName, "fast-ssd");
        assert.ok(prometheus.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution);
        const discovery = policy(r, "prometheus").egress.find((e: any) => !e.ports);
        assert.deepStrictEqual(discovery.to[0].namespaceSelector.matchExpressions[0].values, ["apps"]);
    });

    describe("configuration errors name the key", () => {
        async function error(values: Record<string, unknown>): Promise<string> {
            const dir = tempDir("prod-config-");
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

        it("Grafana's own database asked for on Docker", async () => {
            assert.match(
                await error({ platform: "docker", grafana: { database: { storageSize: "5Gi" } } }),
                /^monitoring:grafana\.database: is for Kubernetes/,
            );
        });

        it("Grafana replicas on Docker without a database URL", async () => {
            assert.match(
                await error({ platform: "docker", grafana: { replicas: 2 } }),
                /^monitoring:grafanaDatabaseUrl: is not set, but grafana\.replicas is 2/,
            );
        });

        it("a bad storage size", async () => {
            assert.match(
                await error(prodValues({ prometheus: { replicas: 2, storageSize: "50 GB" } })),
                /^monitoring:prometheus\.storageSize: "50 GB" is not a storage size/,
            );
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
