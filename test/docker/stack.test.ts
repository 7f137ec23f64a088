// The dev stack on a real Docker engine: the containers `pulumi up --stack dev` would create,
// created from the program's own inputs (test/docker/applier.ts) with stand-in images
// (test/docker/stand-ins.ts), on a private engine (test/docker/engine.ts).
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { AppliedStack, DockerApplier } from "./applier";
import { DockerEngine, requireEngine } from "./engine";
import { freePorts, sleep, waitFor } from "../live/processes";
import { basicAuth } from "../live/harness";
import { PlannedResource, planStack } from "./plan";
import { CONTAINER, PrometheusClient, ReceiverContainer, plannedContainer, publishedUrl, uploaded, waitHealthy } from "./support";
import { withinStack } from "../support/stack-names";

const PASSWORD_FILE = { prometheus: "/etc/prometheus/secrets/password", alertmanager: "/etc/alertmanager/secrets/admin_password" };

/** A dev stack with every exporter we have a binary for, short timings, and every alert sent to the stand-in receiver. */
function devValues(ports: number[], extra: Record<string, unknown> = {}): Record<string, unknown> {
    const alertFor = { for: "3s" };
    return {
        platform: "docker",
        scrapeInterval: "3s",
        evaluationInterval: "1s",
        // Free host ports: other test runs may hold the defaults.
        ports: { prometheus: ports[0], alertmanager: ports[1], grafana: ports[2], loki: ports[3] },
        targets: [],
        webhookUrl: ReceiverContainer.URL,
        // Every alert to the receiver container (webhookUrl is the stack-wide webhook secret).
        alerting: {
            receivers: { "test-receiver": { webhook_configs: [{ send_resolved: true }] } },
            routes: [{ matchers: ['alertname=~".+"'], receiver: "test-receiver" }],
            route: { groupWait: "1s", groupInterval: "1s", repeatInterval: "1h" },
        },
        thresholds: { alerts: { TargetDown: alertFor, JobDown: alertFor } },
        postgresDsn: "postgresql://monitor:pgTestPw@127.0.0.1:5432/app?sslmode=disable",
        exporters: { postgres: true, redis: { address: "127.0.0.1:6379" }, blackbox: { probes: [{ url: "http://prometheus:9090/-/healthy" }] } },
        ...extra,
    };
}

describe("dev stack on a real Docker engine", function () {
    // Image imports and vfs copies are slow on a busy 2-core machine; healthchecks run every 15 s.
    this.timeout(300000);
    let engine: DockerEngine | undefined;
    const started = Date.now();
    const created: string[] = [];

    before(async function () {
        requireEngine(this);
        engine = await DockerEngine.start();
    });

    after(function () {
        const seconds = ((Date.now() - started) / 1000).toFixed(0);
        engine?.stopNow();
        if (engine) console.log(`      docker: ${created.length} containers created in ${seconds} s (${created.join(", ")})`);
    });

    describe("one replica each", function () {
        let plan: PlannedResource[];
        let applied: AppliedStack;
        let applier: DockerApplier;
        let prometheus: PrometheusClient;
        let receiver: ReceiverContainer;

        before(async function () {
            const ports = await freePorts(5);
            plan = await planStack("dev", devValues(ports));
            applier = new DockerApplier(engine!.api);
            applied = await applier.apply(plan);
            created.push(...applied.containers.keys());
            const network = plan.find((r) => r.type === "docker:index/network:Network")!.inputs.name as string;
            receiver = await ReceiverContainer.start(engine!.api, network, ports[4]);
            const container = plannedContainer(plan, "prometheus");
            prometheus = new PrometheusClient(publishedUrl(container), uploaded(container, PASSWORD_FILE.prometheus));
        });

        it("creates every container with a stand-in image and lists the others", function () {
            const names = [...applied.containers.values()];
            for (const service of ["prometheus", "alertmanager", "node-exporter", "postgres-exporter", "redis-exporter", "blackbox-exporter"]) {
                assert.ok(names.includes(service), `${service} was not created; created: ${names.join(", ")}`);
            }
            const declared = plan.filter((r) => r.type === CONTAINER).map(withinStack);
            assert.deepStrictEqual([...names, ...applied.listed.map((l) => l.name)].sort(), declared.sort());
            console.log(`      listed, not run (no stand-in image): ${applied.listed.map((l) => `${l.name} (${l.image})`).join(", ")}`);
        });

        it("brings every container to healthy by its own healthcheck", async function () {
            const names = [...applied.containers.keys()];
            await waitHealthy(engine!.api, names);
            for (const name of names) {
                const given = plan.find((r) => r.type === CONTAINER && r.inputs.name === name)!.inputs.healthcheck.tests;
                assert.deepStrictEqual((await engine!.api.getContainer(name).inspect()).Config.Healthcheck?.Test, given, name);
            }
        });

        it("scrapes every target of a created service through the Docker network (up == 1)", async function () {
            const listedHosts = applied.listed.map((l) => l.name);
            const hostOf = (url: string) => new URL(url).hostname;
            let down: string[] = [];
            await waitFor(
                "every created service's target to be up",
                async () => {
                    const { activeTargets } = await prometheus.targets();
                    const ours = activeTargets.filter((t) => !listedHosts.includes(hostOf(t.scrapeUrl)));
                    down = ours.filter((t) => t.health !== "up").map((t) => `${t.scrapeUrl}: ${t.health} ${t.lastError}`);
                    return ours.length > 0 && down.length === 0 ? ours : undefined;
                },
                { timeoutMs: 30000, intervalMs: 1000, context: () => down.join("\n") },
            ).then(async (ours) => {
                const jobs = new Set(ours.map((t) => t.labels.job));
                for (const job of ["prometheus", "alertmanager"]) assert.ok(jobs.has(job), `no ${job} job in ${[...jobs].join(", ")}`);
                const up = await prometheus.vector("up == 1");
                assert.ok(up.length >= ours.length, `up == 1 for ${up.length} series, ${ours.length} targets`);
            });
            // Targets of services with no stand-in are the only ones allowed down.
            const { activeTargets } = await prometheus.targets();
            for (const t of activeTargets.filter((t) => t.health !== "up")) {
                assert.ok(listedHosts.includes(hostOf(t.scrapeUrl)) || t.labels.job.includes("blackbox"), `${t.scrapeUrl} is ${t.health}: ${t.lastError}`);
            }
        });

        it("answers on 127.0.0.1 with basic auth only, and listens on no other host address", async function () {
            for (const [service, file] of Object.entries(PASSWORD_FILE)) {
                const container = plannedContainer(plan, service);
                const url = `${publishedUrl(container)}/-/healthy`;
                assert.strictEqual(new URL(url).hostname, "127.0.0.1");
                const status = async (headers: Record<string, string>) => (await fetch(url, { headers, signal: AbortSignal.timeout(5000) })).status;
                assert.strictEqual(await status({}), 401, `${service} without credentials`);
                assert.strictEqual(await status(basicAuth("wrong-password")), 401, `${service} with a wrong password`);
                assert.strictEqual(await status(basicAuth(uploaded(container, file))), 200, `${service} with its password`);
            }
            const published = plan
                .filter((r) => r.type === CONTAINER && applied.containers.has(r.inputs.name))
                .flatMap((r) => (r.inputs.ports as { external: number }[]).map((p) => p.external));
            assert.ok(published.length >= 2);
            const listeners = execFileSync("ss", ["-Hltn"], { encoding: "utf8" })
                .split("\n")
                .map((l) => l.trim().split(/\s+/)[3])
                .filter(Boolean);
            for (const port of published) {
                const on = listeners.filter((address) => address.endsWith(`:${port}`));
                assert.deepStrictEqual(on, [`127.0.0.1:${port}`], `host port ${port} listens on ${on.join(", ")}`);
            }
            for (const name of applied.containers.keys()) {
                const bindings = Object.values((await engine!.api.getContainer(name).inspect()).NetworkSettings.Ports ?? {}).flat();
                for (const b of bindings.filter(Boolean)) assert.strictEqual(b!.HostIp, "127.0.0.1", `${name} publishes on ${b!.HostIp}`);
            }
        });

        it("sends a target-down alert to the receiver through the container network", async function () {
            const node = plannedContainer(plan, "node-exporter").inputs.name as string;
            const { activeTargets } = await prometheus.targets();
            const nodeJob = activeTargets.find((t) => new URL(t.scrapeUrl).hostname === "node-exporter")!.labels.job;
            await engine!.api.getContainer(node).stop({ t: 1 });
            try {
                const alert = await waitFor(
                    `a TargetDown or JobDown alert for job ${nodeJob} at the receiver`,
                    async () => {
                        for (const n of await receiver.notifications()) {
                            const hit = n.alerts.find((a) => a.labels.job === nodeJob && a.status === "firing");
                            if (hit) return hit;
                        }
                        return undefined;
                    },
                    { timeoutMs: 60000, intervalMs: 1000 },
                );
                assert.match(alert.labels.alertname, /^(TargetDown|JobDown)$/);
            } finally {
                await engine!.api.getContainer(node).start();
            }
        });

        it("keeps Prometheus' data when its container is re-created on the same volume", async function () {
            const before = Math.floor(Date.now() / 1000) - 1;
            const samples = await prometheus.vector('up{job="prometheus"}', before);
            assert.strictEqual(samples.length, 1, "no sample to keep");
            const name = plannedContainer(plan, "prometheus").inputs.name as string;
            const oldId = (await engine!.api.getContainer(name).inspect()).Id;
            await applier.recreate(name);
            assert.notStrictEqual((await engine!.api.getContainer(name).inspect()).Id, oldId);
            const kept = await waitFor(
                "the old sample after the restart",
                async () => {
                    const found = await prometheus.vector('up{job="prometheus"}', before);
                    return found.length === 1 ? found : undefined;
                },
                { timeoutMs: 30000, intervalMs: 500 },
            );
            assert.deepStrictEqual(kept[0].value, samples[0].value);
        });
    });

    describe("two Prometheus and two Alertmanager replicas", function () {
        let plan: PlannedResource[];
        let applied: AppliedStack;

        before(async function () {
            await engine!.reset();
            const ports = await freePorts(5);
            // Only what the replicas need: no exporter besides node's.
            const { exporters: _e, postgresDsn: _p, ...values } = devValues(ports);
            plan = await planStack("dev", { ...values, prometheus: { replicas: 2 }, alertmanager: { replicas: 2 } });
            applied = await new DockerApplier(engine!.api).apply(plan);
            created.push(...applied.containers.keys());
        });

        it("gives each replica its own volume and brings all four to healthy", async function () {
            const replicas = ["prometheus", "prometheus-1", "alertmanager", "alertmanager-1"].map((n) => plannedContainer(plan, n).inputs.name as string);
            await waitHealthy(engine!.api, replicas);
            const volumes = await Promise.all(
                replicas.map(async (n) => (await engine!.api.getContainer(n).inspect()).Mounts.filter((m) => m.Type === "volume").map((m) => m.Name)),
            );
            assert.strictEqual(new Set(volumes.flat()).size, 4, `volumes: ${JSON.stringify(volumes)}`);
            for (const v of volumes) assert.strictEqual(v.length, 1);
            // Still running a while after healthy: a second Prometheus on a shared TSDB dies on its lock.
            await sleep(1000);
            for (const n of replicas) assert.ok((await engine!.api.getContainer(n).inspect()).State.Running, `${n} stopped`);
        });

        it("clusters the two Alertmanagers through the Docker network", async function () {
            const am = plannedContainer(plan, "alertmanager");
            const headers = basicAuth(uploaded(am, PASSWORD_FILE.alertmanager));
            await waitFor(
                "two Alertmanager peers",
                async () => {
                    const res = await fetch(`${publishedUrl(am)}/api/v2/status`, { headers, signal: AbortSignal.timeout(5000) });
                    const status = (await res.json()) as { cluster: { status: string; peers: unknown[] } };
                    return status.cluster.status === "ready" && status.cluster.peers.length === 2 ? true : undefined;
                },
                { timeoutMs: 30000, intervalMs: 1000 },
            );
        });
    });
    describe("afterwards", function () {
        it("stops the engine and leaves no daemon, shim, mount, bridge or data behind", async function () {
            const { root, pid } = engine!;
            const bridges = (await engine!.api.listNetworks())
                .filter((n) => n.Driver === "bridge" && n.Name !== "bridge")
                .map((n) => `br-${n.Id.slice(0, 12)}`);
            const ownBridge = fs.existsSync(path.join(root, "created-docker0"));
            engine!.stopNow();
            assert.ok(!fs.existsSync(root), `${root} is still there`);
            const state = fs.existsSync(`/proc/${pid}/stat`) ? fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(" ")[2] : "gone";
            assert.ok(["gone", "Z"].includes(state), `dockerd ${pid} is ${state}`);
            const users = fs
                .readdirSync("/proc")
                .filter((p) => /^\d+$/.test(p))
                .filter((p) => {
                    try {
                        return fs.readFileSync(`/proc/${p}/cmdline`, "utf8").includes(`${root}/`);
                    } catch {
                        return false;
                    }
                });
            assert.deepStrictEqual(users, [], "processes of the engine still run");
            assert.ok(!fs.readFileSync("/proc/self/mountinfo", "utf8").includes(`${root}/`), "mounts left under the engine's root");
            for (const bridge of [...bridges, ...(ownBridge ? ["docker0"] : [])]) assert.ok(!fs.existsSync(`/sys/class/net/${bridge}`), `${bridge} is left`);
        });
    });
});
