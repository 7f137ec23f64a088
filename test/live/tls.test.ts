// The prod TLS paths on loopback, with the binaries we ship: every service gets a certificate from a
// throw-away CA through the platform's `serviceTls`, as on Kubernetes, and runs the files the program
// rendered for it. Prometheus scrapes the node, PostgreSQL and Redis exporters over verified TLS, and
// two Alertmanagers gossip over mutual TLS and send one notification.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tls from "tls";
import { requireTool } from "../support/tools";
import { suiteFailed } from "./expect";
import { PostgresServer, RedisServer } from "./fixtures";
import { basicAuth, LiveService, LiveStack, request } from "./harness";
import { LoopbackCa } from "./loopback-ca";
import { freePorts, killAllNow, sleep, waitFor } from "./processes";
import { makeLoopbackCertificate, NotificationReceiver } from "./receiver";
import { CLUSTER_FLAGS, TIMINGS } from "./scenario";

async function getJson(service: LiveService, pathAndQuery: string): Promise<any> {
    const res = await request(`${service.url}${pathAndQuery}`, { headers: basicAuth(service.password ?? ""), ca: service.ca });
    if (res.status !== 200) throw new Error(`${service.id} ${pathAndQuery}: HTTP ${res.status}: ${res.text.slice(0, 300)}`);
    return JSON.parse(res.text);
}

/** The certificate a TLS port presents, verified against `ca` for `servername`. */
function presentedCertificate(port: number, ca: string, servername: string): Promise<{ subject: string; authorized: boolean }> {
    return new Promise((resolve, reject) => {
        const socket = tls.connect({ host: "127.0.0.1", port, ca, servername }, () => {
            const cert = socket.getPeerCertificate();
            resolve({ subject: String(cert.subject?.CN), authorized: socket.authorized });
            socket.destroy();
        });
        socket.once("error", reject);
    });
}

describe("live: the prod TLS paths on loopback", function () {
    this.timeout(90000);

    describe("Prometheus scrapes the node, PostgreSQL and Redis exporters over TLS", () => {
        let stack: LiveStack | undefined;
        let postgres: PostgresServer | undefined;
        let redis: RedisServer | undefined;

        before(async function () {
            this.timeout(120000);
            for (const tool of ["prometheus", "node_exporter", "postgres_exporter", "redis_exporter", "postgres", "redis-server"]) requireTool(this, tool);
            const [pgPort, redisPort] = await freePorts(2);
            stack = await LiveStack.build({
                name: "tls-scrape",
                tls: true,
                values: {
                    scrapeInterval: "1s",
                    evaluationInterval: "1s",
                    logs: { enabled: false },
                    postgresDsn: `postgresql://postgres@127.0.0.1:${pgPort}/postgres?sslmode=disable`,
                    exporters: { postgres: true, redis: { address: `127.0.0.1:${redisPort}` } },
                },
            });
            const logDir = path.join(stack.root, "logs");
            postgres = new PostgresServer(stack.root, pgPort, logDir);
            redis = new RedisServer(stack.root, redisPort, logDir);
            await Promise.all([postgres.start(), redis.start()]);
            const services = ["prometheus", "node-exporter", "postgres-exporter", "redis-exporter"].map((s) => stack!.service(s));
            services.forEach((s) => s.start());
            await Promise.all(services.map((s) => s.ready()));
        });

        after(async function () {
            await Promise.all([stack?.stop(), postgres?.stop(), redis?.stop()]);
            await stack?.dispose(suiteFailed(this));
            killAllNow();
        });

        it("serves each exporter's metrics over TLS only, with the certificate the rendered web config names", async () => {
            for (const name of ["node-exporter", "postgres-exporter", "redis-exporter"]) {
                const exporter = stack!.service(name);
                assert.match(exporter.url, /^https:/, name);
                const port = Number(new URL(exporter.url).port);
                const cert = await presentedCertificate(port, exporter.ca!, LoopbackCa.serverName(name));
                assert.deepStrictEqual(cert, { subject: LoopbackCa.serverName(name), authorized: true }, name);
                // Plain HTTP on the same port gets no metrics.
                const plain = await request(exporter.url.replace("https:", "http:") + "/metrics").catch((err: Error) => ({ status: 0, text: err.message }));
                assert.notStrictEqual(plain.status, 200, `${name} answered plain HTTP`);
                assert.doesNotMatch(plain.text, /^# HELP/m, name);
            }
        });

        it("has Prometheus scrape them over https, verifying the CA and the certificate's name", async () => {
            const prometheus = stack!.service("prometheus");
            const jobs = ["node-exporter", "postgres-exporter", "redis-exporter"];
            const targets = await waitFor(
                "the three exporters to be up over TLS",
                async () => {
                    const active = (await getJson(prometheus, "/api/v1/targets?state=active")).data.activeTargets as any[];
                    const ours = active.filter((t) => jobs.includes(t.labels.job));
                    return ours.length === 3 && ours.every((t) => t.health === "up") ? ours : undefined;
                },
                { timeoutMs: 30000, context: () => stack!.logs() },
            );
            for (const t of targets) assert.match(t.scrapeUrl, /^https:\/\/127\.0\.0\.1:\d+\//, t.labels.job);
            // Data flows: the exporters reach their servers and Prometheus stores what they say.
            const res = await getJson(prometheus, `/api/v1/query?query=${encodeURIComponent("pg_up == 1 or redis_up == 1 or node_uname_info")}`);
            const names = res.data.result.map((s: any) => s.metric.__name__).sort();
            assert.deepStrictEqual(names, ["node_uname_info", "pg_up", "redis_up"]);
        });
    });

    describe("two Alertmanagers cluster over mutual TLS", () => {
        let stack: LiveStack | undefined;
        let receiver: NotificationReceiver | undefined;
        let certDir: string | undefined;

        before(async function () {
            this.timeout(120000);
            requireTool(this, "alertmanager");
            // Made here, not when the file loads: a filtered run would leave it behind.
            certDir = fs.mkdtempSync(path.join(os.tmpdir(), "monitoring-live-tls-receiver-"));
            const receiverCert = makeLoopbackCertificate(certDir);
            receiver = new NotificationReceiver(receiverCert);
            await receiver.start();
            stack = await LiveStack.build({
                name: "tls-cluster",
                tls: true,
                values: {
                    logs: { enabled: false },
                    alertmanager: { replicas: 2 },
                    alerting: {
                        slack: { channels: { critical: "#live-critical", warning: "#live-warnings", info: "#live-info" } },
                        // The cluster timings of the live scenarios (TIMINGS.cluster): seconds, not 15 s, to wait for a duplicate.
                        route: { groupWait: "1s", groupInterval: TIMINGS.cluster.groupInterval, repeatInterval: "1h" },
                    },
                    slackWebhookUrl: receiver.url("slack"),
                },
                env: { alertmanager: { SSL_CERT_FILE: receiverCert.certFile } },
                args: { alertmanager: CLUSTER_FLAGS },
            });
            const replicas = stack.all("alertmanager");
            replicas.forEach((s) => s.start());
            await Promise.all(replicas.map((s) => s.ready()));
        });

        after(async function () {
            await stack?.stop();
            await receiver?.stop();
            await stack?.dispose(suiteFailed(this));
            if (certDir) fs.rmSync(certDir, { recursive: true, force: true });
            killAllNow();
        });

        it("gossips over TLS on the cluster port: both see two members", async () => {
            const replicas = stack!.all("alertmanager");
            for (const am of replicas) {
                assert.ok(am.args.includes(`--cluster.tls-config=${path.join(am.root, "etc/alertmanager/tls/cluster.yml")}`), am.args.join(" "));
                const listen = am.args.find((a) => a.startsWith("--cluster.listen-address="))!;
                const port = Number(listen.slice(listen.lastIndexOf(":") + 1));
                const cert = await presentedCertificate(port, am.ca!, LoopbackCa.serverName("alertmanager")).catch((err: Error) => ({
                    subject: err.message,
                    authorized: false,
                }));
                // The peer port answers TLS with its certificate (then drops us: we bring no client certificate).
                assert.deepStrictEqual(cert, { subject: LoopbackCa.serverName("alertmanager"), authorized: true });
            }
            await waitFor(
                "both Alertmanagers to see 2 cluster members",
                async () => {
                    const statuses = await Promise.all(replicas.map((am) => getJson(am, "/api/v2/status")));
                    return statuses.every((s) => s.cluster.status === "ready" && s.cluster.peers.length === 2) ? true : undefined;
                },
                { timeoutMs: 30000, context: () => stack!.logs() },
            );
        });

        it("sends one notification for an alert both received", async () => {
            const replicas = stack!.all("alertmanager");
            const alert = [{ labels: { alertname: "LiveTlsCluster", severity: "critical", job: "live" }, annotations: { summary: "over TLS" } }];
            for (const am of replicas) {
                const res = await request(`${am.url}/api/v2/alerts`, {
                    method: "POST",
                    body: JSON.stringify(alert),
                    headers: basicAuth(am.password!),
                    ca: am.ca,
                });
                assert.strictEqual(res.status, 200, res.text);
            }
            await waitFor("the notification", async () => (receiver!.about("LiveTlsCluster", { state: "firing" }).length > 0 ? true : undefined), {
                timeoutMs: 30000,
                context: () => `${stack!.logs()}\n${receiver!.describe()}`,
            });
            // The second peer would send once its peer timeout passed without the first one's log entry.
            await sleep(TIMINGS.cluster.peerTimeoutMs + 3000);
            assert.strictEqual(receiver!.about("LiveTlsCluster", { state: "firing" }).length, 1, receiver!.describe());
        });
    });
});
