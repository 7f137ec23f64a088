// npm run backup dumps Grafana's own PostgreSQL (Kubernetes without grafanaDatabaseUrl) with pg_dump:
// the generated kubectl command, and a real pg_dump of a real PostgreSQL standing in for the pod.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BackupManifest, DumpRunner, dumpGrafanaDatabase, grafanaDatabaseDumpCommand, GRAFANA_DATABASE_DUMP, runBackup, runToFile } from "../../scripts/backup";
import { PostgresServer } from "../live/fixtures";
import { freePorts } from "../live/processes";
import { requireTool, toolPath } from "../support/tools";
import { GrafanaStandIn } from "./grafana-stand-in";

describe("ops: npm run backup dumps Grafana's own PostgreSQL", function () {
    this.timeout(60000);
    let tmp = "";
    let postgres: PostgresServer | undefined;
    let grafana: GrafanaStandIn | undefined;

    // Made here, not when the file loads: a filtered run would leave it behind.
    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "monitoring-ops-pgdump-"));
    });

    after(async () => {
        await Promise.all([postgres?.stop(), grafana?.stop()]);
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("runs pg_dump inside the database pod, over its socket, in custom format", () => {
        assert.deepStrictEqual(grafanaDatabaseDumpCommand("monitoring"), [
            "kubectl", "-n", "monitoring", "exec", "grafana-postgres-0", "-c", "grafana-postgres", "--",
            "pg_dump", "--username=grafana", "--dbname=grafana", "--format=custom",
        ]);
    });

    it("writes a dump pg_restore reads back, and records it in the manifest", async function () {
        requireTool(this, "postgres");
        const pgDump = path.join(path.dirname(fs.realpathSync(toolPath("postgres")!)), "pg_dump");
        const pgRestore = path.join(path.dirname(pgDump), "pg_restore");
        const [port] = await freePorts(1);
        postgres = new PostgresServer(tmp, port, path.join(tmp, "logs"));
        await postgres.start();
        // A table like Grafana's, so the dump has something to hold.
        execFileSync(toolPath("psql")!, ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-q", "-c",
            "CREATE TABLE dashboard_acl (id int PRIMARY KEY, role text); INSERT INTO dashboard_acl VALUES (1, 'Viewer');"], { stdio: "ignore" });

        // The pod stands in as the local server: same pg_dump arguments, reached over loopback.
        const calls: string[][] = [];
        const local: DumpRunner = (argv, file) => {
            calls.push(argv);
            const dumpArgs = argv.slice(argv.indexOf("--") + 2).map((a) => a.replace(/^--username=grafana$/, "--username=postgres").replace(/^--dbname=grafana$/, "--dbname=postgres"));
            return runToFile([pgDump, "-h", "127.0.0.1", "-p", String(port), ...dumpArgs], file);
        };
        grafana = new GrafanaStandIn("admin-pw");
        await grafana.start();
        const out = path.join(tmp, "backup");
        const lines: string[] = [];
        const code = await runBackup(
            { grafana: { url: grafana.url, password: "admin-pw" } },
            { out, skipSnapshot: true, stack: "prod", platform: "kubernetes", namespace: "monitoring", grafanaOwnDatabase: true },
            (l) => lines.push(l),
            local,
        );
        assert.strictEqual(code, 0, lines.join("\n"));
        assert.strictEqual(calls.length, 1);
        const manifest = JSON.parse(fs.readFileSync(path.join(out, "manifest.json"), "utf8")) as BackupManifest;
        const dump = manifest.grafanaDatabase as { file: string; bytes: number; restoreCommand: string };
        assert.strictEqual(dump.file, GRAFANA_DATABASE_DUMP);
        assert.ok(dump.bytes > 0);
        assert.match(dump.restoreCommand, /pg_restore --clean --if-exists/);
        const listing = execFileSync(pgRestore, ["--list", path.join(out, dump.file)], { encoding: "utf8" });
        assert.match(listing, /TABLE public dashboard_acl/);
    });

    it("reports a failed dump and exits 1, leaving no partial file", async () => {
        const out = path.join(tmp, "failed");
        const failing: DumpRunner = () => Promise.reject(new Error("kubectl exited 1: pods \"grafana-postgres-0\" not found"));
        const result = await dumpGrafanaDatabase({ out, skipSnapshot: true, platform: "kubernetes", namespace: "monitoring", grafanaOwnDatabase: true }, failing);
        assert.deepStrictEqual(result, { skipped: "kubectl exited 1: pods \"grafana-postgres-0\" not found" });
        assert.ok(!fs.existsSync(path.join(out, GRAFANA_DATABASE_DUMP)));
    });
});
