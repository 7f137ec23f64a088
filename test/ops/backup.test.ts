// npm run backup / restore against the real Prometheus of the live stack (admin API on, basic
// auth from the generated web.yml) and a stand-in shaped like Grafana's HTTP API.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ADMIN_API_OFF, BackupManifest, runBackup, snapshotCopyCommands, stripSecrets } from "../../scripts/backup";
import { runRestore } from "../../scripts/restore";
import { ServiceEndpoint } from "../../scripts/lib/stack-endpoints";
import { LiveStack } from "../live/harness";
import { suiteFailed } from "../live/expect";
import { vector } from "../live/api";
import { waitFor } from "../live/processes";
import { runScript, startLiveStack } from "./fixture";
import { GrafanaStandIn } from "./grafana-stand-in";
import { tempDir } from "../support/temp";

const SECRET_VALUES = ["leaked-basic-auth", "leaked-password", "leaked-secure-json", "leaked-token"];

/** A Grafana with a provisioned dashboard, one in a folder, one in General, and datasources holding secrets. */
function populatedGrafana(): GrafanaStandIn {
    const grafana = new GrafanaStandIn("grafana-admin-pw");
    grafana.folders.set("team-a", "Team A");
    grafana.addDashboard("stack-overview", "Stack overview", "", true);
    grafana.addDashboard("checkout", "Checkout", "team-a");
    grafana.addDashboard("scratch", "Scratch pad");
    grafana.datasources = [
        {
            id: 1,
            uid: "prometheus",
            name: "Prometheus",
            type: "prometheus",
            url: "http://prometheus:9090",
            basicAuth: true,
            basicAuthUser: "admin",
            basicAuthPassword: "leaked-basic-auth",
            password: "leaked-password",
            jsonData: { httpMethod: "POST", apiToken: "leaked-token" },
            secureJsonData: { basicAuthPassword: "leaked-secure-json" },
            secureJsonFields: { basicAuthPassword: true },
        },
        { id: 2, uid: "loki", name: "Loki", type: "loki", url: "http://loki:3100", jsonData: { maxLines: 1000 } },
    ];
    return grafana;
}

describe("ops: npm run backup and npm run restore", function () {
    this.timeout(60000);
    let stack: LiveStack;
    let noAdmin: LiveStack;
    let grafana: GrafanaStandIn;
    let prometheus: ServiceEndpoint;
    // Made in `before`, not when the file loads: a run that filters these tests out would leave it behind.
    let tmp: string;
    let out: string;

    before(async function () {
        this.timeout(120000);
        tmp = tempDir("monitoring-ops-backup-");
        out = path.join(tmp, "backup");
        const values = { scrapeInterval: "1s", evaluationInterval: "1s", prometheus: { adminApi: true } };
        stack = await startLiveStack(this, { name: "ops-backup", values }, ["prometheus"]);
        noAdmin = await startLiveStack(this, { name: "ops-backup-no-admin", values: { prometheus: { adminApi: false } } }, ["prometheus"]);
        grafana = populatedGrafana();
        await grafana.start();
        const service = stack.service("prometheus");
        prometheus = { url: service.url, password: service.password };
        // Something to snapshot: Prometheus' own samples in the head block.
        await waitFor("samples of up", async () => ((await vector(service, "up")).length > 0 ? true : undefined), { timeoutMs: 20000 });
    });

    after(async function () {
        const keep = suiteFailed(this);
        await Promise.all([stack?.dispose(keep), noAdmin?.dispose(keep), grafana?.stop()]);
        if (!keep && tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    const grafanaEndpoint = (g: GrafanaStandIn = grafana): ServiceEndpoint => ({ url: g.url, password: g.password });
    const options = (dir: string) => ({ out: dir, skipSnapshot: false, stack: "dev", platform: "docker" as const, namespace: "monitoring" });

    it("takes a TSDB snapshot in Prometheus' data folder and prints how to copy it out", async () => {
        const lines: string[] = [];
        const code = await runBackup({ prometheus, grafana: grafanaEndpoint() }, options(out), (l) => lines.push(l));
        assert.strictEqual(code, 0, lines.join("\n"));

        const manifest = JSON.parse(fs.readFileSync(path.join(out, "manifest.json"), "utf8")) as BackupManifest;
        assert.ok("snapshot" in manifest.prometheus, JSON.stringify(manifest.prometheus));
        const name = manifest.prometheus.snapshot;
        const snapshotDir = path.join(stack.service("prometheus").root, "prometheus", "snapshots", name);
        const blocks = fs.readdirSync(snapshotDir).filter((b) => fs.existsSync(path.join(snapshotDir, b, "meta.json")));
        assert.ok(blocks.length > 0, `no block in ${snapshotDir}: ${fs.readdirSync(snapshotDir).join(", ")}`);

        const copy = `docker cp monitoring-dev-prometheus:/prometheus/snapshots/${name} ${path.join(out, "prometheus-snapshot")}`;
        assert.deepStrictEqual(manifest.prometheus.copyCommands[0], copy);
        assert.ok(
            lines.some((l) => l.trim() === copy),
            lines.join("\n"),
        );
    });

    it("exports every dashboard with its folder, and datasources without any secret", () => {
        const manifest = JSON.parse(fs.readFileSync(path.join(out, "manifest.json"), "utf8")) as BackupManifest;
        const byUid = new Map(manifest.grafana.dashboards.map((d) => [d.uid, d]));
        assert.deepStrictEqual([...byUid.keys()].sort(), ["checkout", "scratch", "stack-overview"]);
        assert.deepStrictEqual(
            { folderUid: byUid.get("checkout")!.folderUid, folderTitle: byUid.get("checkout")!.folderTitle, provisioned: byUid.get("checkout")!.provisioned },
            { folderUid: "team-a", folderTitle: "Team A", provisioned: false },
        );
        assert.strictEqual(byUid.get("stack-overview")!.provisioned, true);
        const saved = JSON.parse(fs.readFileSync(path.join(out, byUid.get("checkout")!.file), "utf8"));
        assert.strictEqual(saved.dashboard.title, "Checkout");

        const text = fs.readFileSync(path.join(out, manifest.grafana.datasources.file), "utf8");
        for (const secret of SECRET_VALUES) assert.ok(!text.includes(secret), `${secret} is in the datasource export`);
        const datasources = JSON.parse(text) as Record<string, unknown>[];
        assert.deepStrictEqual(
            datasources.map((d) => d.name),
            ["Prometheus", "Loki"],
        );
        assert.strictEqual(datasources[0].basicAuthUser, "admin");
        assert.strictEqual(datasources[0].secureJsonData, undefined);
        assert.deepStrictEqual(datasources[0].secureJsonFields, { basicAuthPassword: true });
        assert.strictEqual(manifest.grafana.datasources.secretFieldsRemoved, 4);
    });

    it("posts the dashboards back with overwrite, skipping the provisioned one", async () => {
        const lines: string[] = [];
        grafana.requests.length = 0;
        const code = await runRestore(grafanaEndpoint(), { from: out, includeProvisioned: false }, (l) => lines.push(l));
        assert.strictEqual(code, 0, lines.join("\n"));
        const posts = grafana.requests.filter((r) => r.method === "POST" && r.url === "/api/dashboards/db").map((r) => r.body as any);
        assert.deepStrictEqual(posts.map((p) => [p.dashboard.uid, p.folderUid, p.overwrite, p.dashboard.id]).sort(), [
            ["checkout", "team-a", true, null],
            ["scratch", "", true, null],
        ]);
        assert.match(lines.join("\n"), /skipped {2}Stack overview \(stack-overview\): provisioned/);
    });

    it("recreates a missing folder with its uid and title on a fresh Grafana", async () => {
        const fresh = new GrafanaStandIn("other-pw");
        await fresh.start();
        try {
            const lines: string[] = [];
            const code = await runRestore(grafanaEndpoint(fresh), { from: out, includeProvisioned: true }, (l) => lines.push(l));
            assert.strictEqual(code, 0, lines.join("\n"));
            assert.deepStrictEqual([...fresh.folders], [["team-a", "Team A"]]);
            assert.deepStrictEqual([...fresh.dashboards.keys()].sort(), ["checkout", "scratch", "stack-overview"]);
            assert.strictEqual(fresh.dashboards.get("checkout")!.folderUid, "team-a");
        } finally {
            await fresh.stop();
        }
    });

    it("exits 1 and names the dashboard when Grafana refuses it", async () => {
        grafana.refuseSaves = true;
        try {
            const lines: string[] = [];
            const code = await runRestore(grafanaEndpoint(), { from: out, includeProvisioned: false }, (l) => lines.push(l));
            assert.strictEqual(code, 1);
            assert.match(lines.join("\n"), /^FAIL {5}Checkout \(checkout\): HTTP 500/m);
        } finally {
            grafana.refuseSaves = false;
        }
    });

    it("says how to turn the admin API on when it is off, and still exports Grafana", async () => {
        const service = noAdmin.service("prometheus");
        const dir = path.join(tmp, "no-admin");
        const lines: string[] = [];
        const code = await runBackup({ prometheus: { url: service.url, password: service.password }, grafana: grafanaEndpoint() }, options(dir), (l) =>
            lines.push(l),
        );
        assert.strictEqual(code, 1);
        assert.ok(
            lines.some((l) => l.includes(ADMIN_API_OFF)),
            lines.join("\n"),
        );
        assert.match(ADMIN_API_OFF, /pulumi config set --path monitoring:prometheus\.adminApi true/);
        assert.ok(fs.existsSync(path.join(dir, "grafana", "dashboards", "checkout.json")));
        assert.ok(!fs.existsSync(path.join(service.root, "prometheus", "snapshots")), "a snapshot was taken with the admin API off");
    });

    it("runs from the command line: flags and password variables, exit 0, no password printed; refuses a used folder", async () => {
        const dir = path.join(tmp, "cli");
        const env = { PROMETHEUS_PASSWORD: prometheus.password!, GRAFANA_PASSWORD: grafana.password };
        const args = ["--stack", "dev", "--prometheus-url", prometheus.url, "--grafana-url", grafana.url, "--out", dir];
        const run = await runScript("backup.ts", args, env);
        assert.strictEqual(run.code, 0, run.stdout + run.stderr);
        assert.match(run.stdout, /docker cp monitoring-dev-prometheus:\/prometheus\/snapshots\/\S+ /);
        assert.match(run.stdout, /grafana: 3 dashboards \(1 provisioned from dashboards\/\), 2 datasources \(4 secret fields removed\)/);
        for (const secret of Object.values(env)) assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), "a password was printed");

        const again = await runScript("backup.ts", args, env);
        assert.strictEqual(again.code, 2);
        assert.match(again.stdout, /is not empty; choose a new folder/);

        const restore = await runScript("restore.ts", ["--grafana-url", grafana.url, "--from", dir], { GRAFANA_PASSWORD: grafana.password });
        assert.strictEqual(restore.code, 0, restore.stdout + restore.stderr);
        assert.match(restore.stdout, /grafana: 2 dashboards restored, 0 failed/);
        assert.match(restore.stdout, /prometheus: snapshot \S+ is restored by hand/);
    });

    it("prints kubectl commands for a Kubernetes stack, in its namespace", () => {
        const commands = snapshotCopyCommands({ ...options("/b"), platform: "kubernetes", namespace: "observability" }, "20250101T000000Z-abc");
        assert.deepStrictEqual(commands, [
            "kubectl -n observability cp -c prometheus prometheus-0:/prometheus/snapshots/20250101T000000Z-abc /b/prometheus-snapshot",
            "kubectl -n observability exec -c prometheus prometheus-0 -- rm -rf /prometheus/snapshots/20250101T000000Z-abc",
        ]);
    });

    it("strips secrets at any depth but keeps booleans that only say a secret is set", () => {
        const removed = { count: 0 };
        assert.deepStrictEqual(stripSecrets({ a: [{ clientSecret: "x", keep: 1 }], secureJsonFields: { password: true }, password: "" }, removed), {
            a: [{ keep: 1 }],
            secureJsonFields: { password: true },
            password: "",
        });
        assert.strictEqual(removed.count, 1);
    });
});
