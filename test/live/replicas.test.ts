// Two Prometheus replicas (monitoring:prometheus.replicas: 2), as prod runs them: the rendered
// prometheus.yml says `replica: ${REPLICA_NAME}`, each process gets its own REPLICA_NAME (the pod
// name on Kubernetes), and only Prometheus 3 expands it. Alerts must reach Alertmanager without
// that label, or Alertmanager would hold (and send) one copy per replica.
import * as assert from "assert";
import * as yaml from "js-yaml";
import { requireTool } from "../support/tools";
import { alertmanagerAlerts, prometheusAlerts } from "./api";
import { suiteFailed } from "./expect";
import { basicAuth, LiveService } from "./harness";
import { sleep, waitFor } from "./processes";
import { Scenario } from "./scenario";

async function getText(service: LiveService, pathAndQuery: string): Promise<string> {
    const res = await fetch(`${service.url}${pathAndQuery}`, { headers: basicAuth(service.password ?? ""), signal: AbortSignal.timeout(10000) });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${service.id} ${pathAndQuery}: HTTP ${res.status}: ${text.slice(0, 300)}`);
    return text;
}

describe("live: two Prometheus replicas", function () {
    this.timeout(60000);
    let sc: Scenario;

    before(async function () {
        this.timeout(120000);
        for (const tool of ["prometheus", "alertmanager", "node_exporter"]) requireTool(this, tool);
        sc = await Scenario.start({ name: "prometheus-replicas", prometheusReplicas: 2 });
    });

    after(async function () {
        await sc?.dispose(suiteFailed(this));
    });

    it("renders one prometheus.yml whose replica label each process expands to its own name", async () => {
        const replicas = sc.stack.all("prometheus");
        assert.deepStrictEqual(replicas.map((p) => p.id), ["prometheus-0", "prometheus-1"]);
        for (const prometheus of replicas) {
            assert.match(prometheus.file("/etc/prometheus/prometheus.yml"), /replica: \$\{REPLICA_NAME\}/);
            const loaded = JSON.parse(await getText(prometheus, "/api/v1/status/config")).data.yaml as string;
            const labels = (yaml.load(loaded) as any).global.external_labels;
            assert.strictEqual(labels.replica, prometheus.id, `external labels of ${prometheus.id}: ${JSON.stringify(labels)}`);
            assert.strictEqual(labels.stack, "dev");
            // What a remote store or a federating Prometheus receives carries the expanded label.
            const federated = await waitFor(`${prometheus.id} to federate its own up series`, async () => {
                const text = await getText(prometheus, `/federate?${new URLSearchParams({ "match[]": 'up{job="prometheus"}' })}`);
                return /^up\{/m.test(text) ? text : undefined;
            }, { timeoutMs: 20000, context: () => sc.context() });
            for (const line of federated.split("\n").filter((l) => l.startsWith("up{"))) {
                assert.ok(line.includes(`replica="${prometheus.id}"`), `${prometheus.id} federates ${line}`);
            }
        }
    });

    it("drops the replica label before sending, so Alertmanager holds one alert from both replicas", async () => {
        const replicas = sc.stack.all("prometheus");
        const alertmanager = sc.stack.service("alertmanager");
        sc.app.set("dedup", true);
        await waitFor("LiveDedup to fire on both Prometheus replicas", async () => {
            const states = await Promise.all(replicas.map(async (p) => (await prometheusAlerts(p)).some((a) => a.labels.alertname === "LiveDedup" && a.state === "firing")));
            return states.every(Boolean) ? true : undefined;
        }, { timeoutMs: 30000, context: () => sc.context() });
        // Each replica posts a newly firing alert at once; give both posts time to land.
        await waitFor("both replicas to have sent alerts", async () => {
            const sent = await Promise.all(replicas.map(async (p) => {
                const text = await getText(p, "/metrics");
                return /^prometheus_notifications_sent_total\{[^}]*\} [1-9]/m.test(text);
            }));
            return sent.every(Boolean) ? true : undefined;
        }, { timeoutMs: 20000, context: () => sc.context() });
        await sleep(2000);
        const dedup = (await alertmanagerAlerts(alertmanager)).filter((a) => a.labels.alertname === "LiveDedup");
        assert.strictEqual(dedup.length, 1, `Alertmanager holds ${dedup.length} LiveDedup alerts: ${JSON.stringify(dedup.map((a) => a.labels))}`);
        assert.strictEqual(dedup[0].labels.replica, undefined, `replica label reached Alertmanager: ${JSON.stringify(dedup[0].labels)}`);
        // The other external labels stay: only the replica label is dropped.
        assert.strictEqual(dedup[0].labels.stack, "dev");
        sc.app.set("dedup", false);
    });
});
