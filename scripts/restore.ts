// npm run restore -- --stack dev --from DIR [--include-provisioned]
// Posts the dashboards of a backup (npm run backup) back into Grafana, in their folders.
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { BackupManifest, DashboardEntry, MANIFEST_FILE, SNAPSHOT_DIR } from "./backup";
import {
    callService,
    callServiceJson,
    ENDPOINT_OPTIONS,
    ENDPOINT_USAGE,
    runCommand,
    oneLine,
    resolveEndpoints,
    scrub,
    secretsOf,
    ServiceEndpoint,
} from "./lib/stack-endpoints";

export interface RestoreOptions {
    readonly from: string;
    /** Also post dashboards Grafana provisions from files (Grafana refuses them unless allowUiUpdates). */
    readonly includeProvisioned: boolean;
}

export function readManifest(dir: string): BackupManifest {
    const file = path.join(dir, MANIFEST_FILE);
    if (!fs.existsSync(file)) throw new Error(`${file} not found: --from must be a folder written by npm run backup`);
    return JSON.parse(fs.readFileSync(file, "utf8")) as BackupManifest;
}

/**
 * The folder uid to post a dashboard into: its old folder, created when missing; the
 * General folder ("") when that fails.
 */
async function ensureFolder(grafana: ServiceEndpoint, entry: DashboardEntry, existing: Set<string>, print: (line: string) => void): Promise<string> {
    if (entry.folderUid === "" || existing.has(entry.folderUid)) return entry.folderUid;
    const res = await callService(grafana, "/api/folders", { method: "POST", body: { uid: entry.folderUid, title: entry.folderTitle } });
    if (res.status === 200) {
        existing.add(entry.folderUid);
        print(`folder   ${entry.folderTitle} (${entry.folderUid}) created`);
        return entry.folderUid;
    }
    print(`WARN     folder ${entry.folderTitle} (${entry.folderUid}) could not be created (HTTP ${res.status} ${oneLine(res.text, 80)}); using General`);
    return "";
}

/** Posts every dashboard back with overwrite; returns the exit code (1 when one failed). */
export async function runRestore(grafana: ServiceEndpoint, options: RestoreOptions, print: (line: string) => void = console.log): Promise<number> {
    const manifest = readManifest(options.from);
    const folders = await callServiceJson<{ uid: string }[]>(grafana, "/api/folders?limit=1000");
    const existing = new Set(folders.map((f) => f.uid));
    let failed = 0;
    let restored = 0;
    for (const entry of manifest.grafana.dashboards) {
        if (entry.provisioned && !options.includeProvisioned) {
            print(`skipped  ${entry.title} (${entry.uid}): provisioned from dashboards/, the deploy brings it back`);
            continue;
        }
        const saved = JSON.parse(fs.readFileSync(path.join(options.from, entry.file), "utf8")) as { dashboard: Record<string, unknown> };
        const folderUid = await ensureFolder(grafana, entry, existing, print);
        const res = await callService(grafana, "/api/dashboards/db", {
            method: "POST",
            body: {
                // id is per-database; uid identifies the dashboard, so overwrite replaces the same one.
                dashboard: { ...saved.dashboard, id: null },
                folderUid,
                overwrite: true,
                message: `restored from backup of ${manifest.createdAt}`,
            },
        });
        if (res.status === 200) {
            restored++;
            print(`restored ${entry.title} (${entry.uid}) in ${folderUid === "" ? "General" : entry.folderTitle}`);
        } else {
            failed++;
            print(`FAIL     ${entry.title} (${entry.uid}): HTTP ${res.status} ${oneLine(res.text, 120)}`);
        }
    }
    print(`grafana: ${restored} dashboards restored, ${failed} failed`);
    if ("snapshot" in manifest.prometheus) {
        print(
            `prometheus: snapshot ${manifest.prometheus.snapshot} is restored by hand (stop Prometheus, replace its data with ` +
                `${path.join(options.from, SNAPSHOT_DIR)}, start it): see docs/operations.md, "Restore"`,
        );
    }
    return failed > 0 ? 1 : 0;
}

const USAGE = `usage: npm run restore -- --stack dev --from DIR [--include-provisioned]\n  endpoints: ${ENDPOINT_USAGE}`;

async function main(): Promise<number> {
    const { values } = parseArgs({
        options: {
            ...ENDPOINT_OPTIONS,
            from: { type: "string" },
            "include-provisioned": { type: "boolean", default: false },
            help: { type: "boolean" },
        },
        strict: true,
    });
    if (values.help || !values.from) {
        (values.help ? console.log : console.error)(USAGE);
        return values.help ? 0 : 2;
    }
    const endpoints = await resolveEndpoints(values, ["grafana"]);
    const secrets = secretsOf(endpoints);
    return runRestore(endpoints.services.grafana!, { from: values.from, includeProvisioned: values["include-provisioned"] ?? false }, (line) =>
        console.log(scrub(line, secrets)),
    );
}

if (require.main === module) runCommand("restore", main, USAGE);
