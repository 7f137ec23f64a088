// npm run backup -- --stack dev --out DIR [--skip-snapshot] [--namespace NS]
// A Prometheus TSDB snapshot (admin API) and every Grafana dashboard and datasource as JSON,
// secrets removed, with a manifest that `npm run restore` reads.
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { readStackFile } from "./lib/stack-file";
import {
    callService,
    callServiceJson,
    ENDPOINT_OPTIONS,
    ENDPOINT_USAGE,
    runCommand,
    errorMessage,
    HttpStatusError,
    oneLine,
    resolveEndpoints,
    scrub,
    secretsOf,
    ServiceEndpoint,
} from "./lib/stack-endpoints";

/** Where Prometheus keeps its TSDB in the container (components/prometheus.ts `--storage.tsdb.path`). */
const TSDB_PATH = "/prometheus";
export const MANIFEST_FILE = "manifest.json";
export const SNAPSHOT_DIR = "prometheus-snapshot";
/** Grafana's own PostgreSQL (components/grafana-database.ts): its first pod, container, role and database. */
const GRAFANA_DATABASE = { pod: "grafana-postgres-0", container: "grafana-postgres", role: "grafana", database: "grafana" };
export const GRAFANA_DATABASE_DUMP = path.join("grafana", "postgres.dump");

export interface DashboardEntry {
    readonly uid: string;
    readonly title: string;
    readonly folderUid: string;
    readonly folderTitle: string;
    /** Provisioned from the project's dashboards/ folder: the deploy brings it back. */
    readonly provisioned: boolean;
    /** Relative to the backup folder; holds Grafana's `/api/dashboards/uid` answer. */
    readonly file: string;
}

export interface BackupManifest {
    readonly createdAt: string;
    readonly stack?: string;
    readonly prometheus:
        | { readonly snapshot: string; readonly pathInContainer: string; readonly copyCommands: string[] }
        | { readonly skipped: string };
    readonly grafana: {
        readonly dashboards: DashboardEntry[];
        readonly datasources: { readonly file: string; readonly count: number; readonly secretFieldsRemoved: number };
    };
    /** `pg_dump` of Grafana's own PostgreSQL (Kubernetes, without `grafanaDatabaseUrl`). */
    readonly grafanaDatabase?: { readonly file: string; readonly bytes: number; readonly restoreCommand: string } | { readonly skipped: string };
}

export interface BackupOptions {
    readonly out: string;
    readonly skipSnapshot: boolean;
    readonly stack?: string;
    readonly platform: "docker" | "kubernetes";
    readonly namespace: string;
    /** The stack runs Grafana's own PostgreSQL (Kubernetes without `grafanaDatabaseUrl`): dump it. */
    readonly grafanaOwnDatabase?: boolean;
}

/** Runs argv and writes its stdout to `file`; rejects with its stderr when it fails. */
export type DumpRunner = (argv: string[], file: string) => Promise<void>;

export const runToFile: DumpRunner = (argv, file) =>
    new Promise((resolve, reject) => {
        const out = fs.createWriteStream(file);
        const child = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
        let stderr = "";
        child.stdout.pipe(out);
        child.stderr.on("data", (d) => (stderr += d));
        child.once("error", reject);
        child.once("close", (code) => out.end(() => (code === 0 ? resolve() : reject(new Error(`${path.basename(argv[0])} exited ${code}: ${oneLine(stderr)}`)))));
    });

/**
 * pg_dump inside Grafana's PostgreSQL pod, in custom format, over its unix socket (local trust:
 * no password leaves the pod).
 */
export function grafanaDatabaseDumpCommand(namespace: string): string[] {
    const { pod, container, role, database } = GRAFANA_DATABASE;
    return ["kubectl", "-n", namespace, "exec", pod, "-c", container, "--", "pg_dump", `--username=${role}`, `--dbname=${database}`, "--format=custom"];
}

/** Dumps Grafana's own database into the backup; a failure is reported, not thrown. */
export async function dumpGrafanaDatabase(options: BackupOptions, run: DumpRunner = runToFile): Promise<NonNullable<BackupManifest["grafanaDatabase"]>> {
    const file = path.join(options.out, GRAFANA_DATABASE_DUMP);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const { pod, container, role, database } = GRAFANA_DATABASE;
    try {
        await run(grafanaDatabaseDumpCommand(options.namespace), file);
        return {
            file: GRAFANA_DATABASE_DUMP,
            bytes: fs.statSync(file).size,
            restoreCommand: `kubectl -n ${options.namespace} exec -i ${pod} -c ${container} -- pg_restore --clean --if-exists --username=${role} --dbname=${database} < ${file}`,
        };
    } catch (err) {
        fs.rmSync(file, { force: true });
        return { skipped: errorMessage(err) };
    }
}

export const ADMIN_API_OFF =
    "the Prometheus admin API is off, so no snapshot was taken. Turn it on and deploy: " +
    "`pulumi config set --path monitoring:prometheus.adminApi true && pulumi up` " +
    "(or pass --skip-snapshot to back up Grafana only)";

/** POST /api/v1/admin/tsdb/snapshot: hard links of every block under <tsdb>/snapshots/<name>. */
export async function takeSnapshot(prometheus: ServiceEndpoint): Promise<string> {
    const res = await callService(prometheus, "/api/v1/admin/tsdb/snapshot", { method: "POST", timeoutMs: 120_000 });
    if (res.status !== 200) {
        if (/admin APIs disabled/i.test(res.text) || res.status === 404) throw new Error(ADMIN_API_OFF);
        throw new HttpStatusError("POST /api/v1/admin/tsdb/snapshot", res);
    }
    return (JSON.parse(res.text) as { data: { name: string } }).data.name;
}

/** The commands that copy the snapshot out of the container, then free its disk space. */
export function snapshotCopyCommands(options: BackupOptions, name: string): string[] {
    const inContainer = `${TSDB_PATH}/snapshots/${name}`;
    const dest = path.join(options.out, SNAPSHOT_DIR);
    if (options.platform === "kubernetes") {
        const ns = `-n ${options.namespace}`;
        return [
            `kubectl ${ns} cp -c prometheus prometheus-0:${inContainer} ${dest}`,
            `kubectl ${ns} exec -c prometheus prometheus-0 -- rm -rf ${inContainer}`,
        ];
    }
    const container = `monitoring-${options.stack ?? "<stack>"}-prometheus`;
    return [`docker cp ${container}:${inContainer} ${dest}`, `docker exec ${container} rm -rf ${inContainer}`];
}

const SECRET_KEY = /password|secret|token|api_?key|credentials/i;

/** A copy without `secureJsonData` and any string field whose name says it holds a secret. */
export function stripSecrets(value: unknown, removed: { count: number } = { count: 0 }): unknown {
    if (Array.isArray(value)) return value.map((v) => stripSecrets(v, removed));
    if (value === null || typeof value !== "object") return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
        if (key === "secureJsonData" || (SECRET_KEY.test(key) && typeof v === "string" && v !== "")) {
            removed.count++;
            continue;
        }
        out[key] = stripSecrets(v, removed);
    }
    return out;
}

interface SearchHit {
    readonly uid: string;
    readonly title: string;
    readonly type?: string;
}

interface DashboardAnswer {
    readonly dashboard: Record<string, unknown>;
    readonly meta: { folderUid?: string; folderTitle?: string; provisioned?: boolean };
}

/** Every dashboard uid, page by page. */
async function searchDashboards(grafana: ServiceEndpoint): Promise<SearchHit[]> {
    const limit = 1000;
    const hits: SearchHit[] = [];
    for (let page = 1; ; page++) {
        const batch = await callServiceJson<SearchHit[]>(grafana, `/api/search?type=dash-db&limit=${limit}&page=${page}`);
        hits.push(...batch.filter((h) => h.type === undefined || h.type === "dash-db"));
        if (batch.length < limit) return hits;
    }
}

function writeJson(file: string, value: unknown): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(value, null, 2) + "\n");
}

/** Dashboard file name from its uid: uids may hold characters a file name should not. */
function dashboardFile(uid: string): string {
    return path.join("grafana", "dashboards", `${uid.replace(/[^A-Za-z0-9._-]/g, "_")}.json`);
}

export async function exportGrafana(grafana: ServiceEndpoint, out: string): Promise<BackupManifest["grafana"]> {
    const dashboards: DashboardEntry[] = [];
    for (const hit of await searchDashboards(grafana)) {
        const answer = await callServiceJson<DashboardAnswer>(grafana, `/api/dashboards/uid/${encodeURIComponent(hit.uid)}`);
        const file = dashboardFile(hit.uid);
        writeJson(path.join(out, file), answer);
        dashboards.push({
            uid: hit.uid,
            title: hit.title,
            folderUid: answer.meta.folderUid ?? "",
            folderTitle: answer.meta.folderTitle ?? "General",
            provisioned: answer.meta.provisioned === true,
            file,
        });
    }
    const removed = { count: 0 };
    const datasources = stripSecrets(await callServiceJson<unknown[]>(grafana, "/api/datasources"), removed) as unknown[];
    const file = path.join("grafana", "datasources.json");
    writeJson(path.join(out, file), datasources);
    return { dashboards, datasources: { file, count: datasources.length, secretFieldsRemoved: removed.count } };
}

/** Runs the backup; returns the exit code (1 when the snapshot could not be taken). */
export async function runBackup(
    endpoints: { prometheus?: ServiceEndpoint; grafana: ServiceEndpoint },
    options: BackupOptions,
    print: (line: string) => void = console.log,
    run: DumpRunner = runToFile,
): Promise<number> {
    if (fs.existsSync(options.out) && fs.readdirSync(options.out).length > 0) {
        print(`--out ${options.out} is not empty; choose a new folder so no backup is overwritten`);
        return 2;
    }
    fs.mkdirSync(options.out, { recursive: true });
    let code = 0;

    let prometheus: BackupManifest["prometheus"];
    if (options.skipSnapshot || !endpoints.prometheus) {
        prometheus = { skipped: options.skipSnapshot ? "--skip-snapshot" : "no Prometheus URL" };
    } else {
        try {
            const snapshot = await takeSnapshot(endpoints.prometheus);
            const copyCommands = snapshotCopyCommands(options, snapshot);
            prometheus = { snapshot, pathInContainer: `${TSDB_PATH}/snapshots/${snapshot}`, copyCommands };
            print(`prometheus: snapshot ${snapshot} taken; copy it into the backup, then free its space:`);
            copyCommands.forEach((c) => print(`  ${c}`));
        } catch (err) {
            prometheus = { skipped: errorMessage(err) };
            print(`prometheus: ${errorMessage(err)}`);
            code = 1;
        }
    }

    const grafana = await exportGrafana(endpoints.grafana, options.out);
    const provisioned = grafana.dashboards.filter((d) => d.provisioned).length;
    print(
        `grafana: ${grafana.dashboards.length} dashboards (${provisioned} provisioned from dashboards/), ` +
            `${grafana.datasources.count} datasources (${grafana.datasources.secretFieldsRemoved} secret fields removed)`,
    );

    let grafanaDatabase: BackupManifest["grafanaDatabase"];
    if (options.platform === "kubernetes" && options.grafanaOwnDatabase) {
        grafanaDatabase = await dumpGrafanaDatabase(options, run);
        if ("skipped" in grafanaDatabase) {
            print(`grafana database: pg_dump failed: ${grafanaDatabase.skipped}`);
            code = 1;
        } else {
            print(`grafana database: ${grafanaDatabase.bytes} bytes of pg_dump in ${grafanaDatabase.file}; restore with: ${grafanaDatabase.restoreCommand}`);
        }
    }

    const manifest: BackupManifest = { createdAt: new Date().toISOString(), stack: options.stack, prometheus, grafana, ...(grafanaDatabase ? { grafanaDatabase } : {}) };
    writeJson(path.join(options.out, MANIFEST_FILE), manifest);
    print(`backup written to ${options.out} (${MANIFEST_FILE}); restore dashboards with: npm run restore -- --stack ${options.stack ?? "<stack>"} --from ${options.out}`);
    return code;
}

/**
 * Platform and namespace from the stack file (`monitoring:platform`, `monitoring:kubernetes.namespace`),
 * and whether Grafana runs on its own PostgreSQL (Kubernetes without `monitoring:grafanaDatabaseUrl`).
 */
function stackTarget(stack: string | undefined): Pick<BackupOptions, "platform" | "namespace" | "grafanaOwnDatabase"> {
    const file = stack ? `Pulumi.${stack}.yaml` : undefined;
    const config = file && fs.existsSync(file) ? readStackFile(file).config : {};
    const kubernetes = (config["monitoring:kubernetes"] ?? {}) as { namespace?: unknown };
    const platform = config["monitoring:platform"] === "kubernetes" ? "kubernetes" : "docker";
    return {
        platform,
        namespace: typeof kubernetes.namespace === "string" ? kubernetes.namespace : "monitoring",
        grafanaOwnDatabase: platform === "kubernetes" && !("monitoring:grafanaDatabaseUrl" in config),
    };
}

const USAGE = `usage: npm run backup -- --stack dev --out DIR [--skip-snapshot] [--namespace NS]\n  endpoints: ${ENDPOINT_USAGE}`;

async function main(): Promise<number> {
    const { values } = parseArgs({
        options: {
            ...ENDPOINT_OPTIONS,
            out: { type: "string" },
            "skip-snapshot": { type: "boolean", default: false },
            namespace: { type: "string" },
            help: { type: "boolean" },
        },
        strict: true,
    });
    if (values.help || !values.out) {
        (values.help ? console.log : console.error)(USAGE);
        return values.help ? 0 : 2;
    }
    const skipSnapshot = values["skip-snapshot"] ?? false;
    const endpoints = await resolveEndpoints(values, skipSnapshot ? ["grafana"] : ["prometheus", "grafana"]);
    const secrets = secretsOf(endpoints);
    const target = stackTarget(endpoints.stack);
    return runBackup(
        { prometheus: endpoints.services.prometheus, grafana: endpoints.services.grafana! },
        {
            out: values.out,
            skipSnapshot,
            stack: endpoints.stack,
            ...target,
            ...(values.namespace ? { namespace: values.namespace } : {}),
        },
        (line) => console.log(scrub(line, secrets)),
    );
}

if (require.main === module) runCommand("backup", main, USAGE);
