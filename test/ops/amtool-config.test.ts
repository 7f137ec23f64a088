// The amtool configuration RUNBOOK.md tells on-call to install (docs/amtool/), used by the real
// amtool against the generated Alertmanager with its basic auth: silences work with it, and
// without it Alertmanager refuses them. The runbook's selectors name labels its alerts carry.
import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { requireTool } from "../support/tools";
import { suiteFailed } from "../live/expect";
import { LiveStack } from "../live/harness";
import { startLiveStack } from "./fixture";

const ROOT = path.resolve(__dirname, "../..");
const AMTOOL_DIR = path.join(ROOT, "docs", "amtool");

function amtool(home: string, args: string[]): Promise<{ code: number; out: string }> {
    return new Promise((resolve) => {
        execFile(amtoolPath, args, { env: { HOME: home, PATH: process.env.PATH ?? "" }, timeout: 20_000 }, (err, stdout, stderr) => {
            resolve({ code: err ? (typeof err.code === "number" ? err.code : 99) : 0, out: stdout + stderr });
        });
    });
}
let amtoolPath = "amtool";

/** Installs amtool's config as RUNBOOK.md says, into `home`, pointing at `url`. */
function installAmtoolConfig(home: string, stack: "dev" | "prod", url: string, password?: string): void {
    const dir = path.join(home, ".config", "prometheus");
    fs.mkdirSync(dir, { recursive: true });
    const config = yaml.load(fs.readFileSync(path.join(AMTOOL_DIR, `amtool-${stack}.yml`), "utf8")) as Record<string, unknown>;
    const installed = { ...config, "alertmanager.url": url, "http.config.file": String(config["http.config.file"]).replace("@HOME@", home) };
    fs.writeFileSync(path.join(dir, "amtool.yml"), yaml.dump(installed));
    fs.copyFileSync(path.join(AMTOOL_DIR, `http-${stack}.yml`), path.join(dir, "amtool-http.yml"));
    if (password !== undefined) fs.writeFileSync(path.join(dir, "alertmanager-password"), password, { mode: 0o600 });
}

describe("ops: the runbook's amtool configuration", function () {
    this.timeout(60000);
    let stack: LiveStack;
    let home: string;
    let url: string;

    before(async function () {
        this.timeout(120000);
        amtoolPath = requireTool(this, "amtool");
        stack = await startLiveStack(this, { name: "amtool-config", values: {} }, ["alertmanager"]);
        url = stack.service("alertmanager").url;
        home = fs.mkdtempSync(path.join(os.tmpdir(), "monitoring-amtool-"));
    });

    after(async function () {
        await stack?.dispose(suiteFailed(this));
        if (home) fs.rmSync(home, { recursive: true, force: true });
    });

    it("adds, lists and expires a silence with the generated password", async () => {
        installAmtoolConfig(home, "dev", url, stack.service("alertmanager").password);
        const add = await amtool(home, ["silence", "add", "alertname=TargetDown", 'instance="db:9187"', "--duration=10m", "--comment=runbook test"]);
        assert.strictEqual(add.code, 0, add.out);
        const id = add.out.trim();
        const query = await amtool(home, ["silence", "query", "-q"]);
        assert.strictEqual(query.code, 0, query.out);
        assert.ok(query.out.includes(id), query.out);
        assert.strictEqual((await amtool(home, ["silence", "expire", id])).code, 0);
    });

    it("is refused without it (what the runbook's old alias did)", async () => {
        const bare = fs.mkdtempSync(path.join(os.tmpdir(), "monitoring-amtool-bare-"));
        try {
            const add = await amtool(bare, [`--alertmanager.url=${url}`, "silence", "add", "alertname=TargetDown", "--duration=10m", "--comment=runbook test"]);
            assert.notStrictEqual(add.code, 0, add.out);
            assert.match(add.out, /401|[Uu]nauthori[sz]ed/);
        } finally {
            fs.rmSync(bare, { recursive: true, force: true });
        }
    });

    it("ships a prod configuration with auth and the stack's CA", () => {
        const http = yaml.load(fs.readFileSync(path.join(AMTOOL_DIR, "http-prod.yml"), "utf8")) as any;
        assert.strictEqual(http.basic_auth.username, "admin");
        assert.ok(http.basic_auth.password_file);
        assert.ok(http.tls_config.ca_file);
        const config = yaml.load(fs.readFileSync(path.join(AMTOOL_DIR, "amtool-prod.yml"), "utf8")) as any;
        assert.match(config["alertmanager.url"], /^https:/);
    });

    it("silences only on labels the alerts carry (as their promtool unit tests expect them)", () => {
        const labels = alertLabels();
        const runbook = fs.readFileSync(path.join(ROOT, "RUNBOOK.md"), "utf8");
        const wrong: string[] = [];
        for (const [, args] of runbook.matchAll(/amtool (?:silence add|alert query) ([^`]*)`/g)) {
            const matchers = args.split(/\s+/).filter((a) => !a.startsWith("--") && /^[a-z_]+(=|!=|=~)/.test(a));
            const alert = /^alertname=(\w+)$/.exec(matchers.find((m) => m.startsWith("alertname=")) ?? "")?.[1];
            if (!alert || !labels.has(alert)) continue;
            for (const name of matchers.map((m) => m.split(/=|!=|=~/)[0])) {
                if (!labels.get(alert)!.has(name)) wrong.push(`${alert}: ${name}`);
            }
        }
        assert.deepStrictEqual(wrong, [], `runbook silences on labels the alert does not carry: ${wrong.join(", ")}`);
    });
});

/** Per alert, every label its firing unit-test cases expect (promtool compares them exactly). */
function alertLabels(): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    const dir = path.join(ROOT, "rules", "tests");
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".yml"))) {
        const doc = yaml.load(fs.readFileSync(path.join(dir, file), "utf8")) as any;
        for (const test of doc.tests ?? []) {
            for (const c of test.alert_rule_test ?? []) {
                const set = out.get(c.alertname) ?? new Set(["alertname"]);
                for (const alert of c.exp_alerts ?? []) Object.keys(alert.exp_labels ?? {}).forEach((l) => set.add(l));
                out.set(c.alertname, set);
            }
        }
    }
    return out;
}
