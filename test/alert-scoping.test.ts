// Issue 11, part 2 and 3: built-in alerts turned off or scoped away from jobs, and the user's
// rule folders and globs read, named and checked at load.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { ConfigError, loadConfig, objectConfigSource } from "../config";
import { readRuleFiles } from "../config/rule-files";
import { renderRuleFiles } from "../components/render/rules";
import { promtool, writeRuleFiles } from "./support/promtool";
import { requireTool } from "./support/tools";

interface Rule { alert?: string; record?: string; expr: string; labels?: Record<string, string> }
type RuleDoc = { groups: { name: string; rules: Rule[] }[] };
const load = (values: Record<string, unknown>) => loadConfig(objectConfigSource(values), "test");
const alertsOf = (values: Record<string, unknown>) =>
    renderRuleFiles(load(values)).flatMap((f) => (yaml.load(f.content) as RuleDoc).groups.flatMap((g) => g.rules)).filter((r) => r.alert);

function configError(fn: () => unknown, key: string, ...parts: (string | RegExp)[]): void {
    assert.throws(fn, (err: unknown) => {
        assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
        assert.ok(err.message.startsWith(`monitoring:${key}:`), err.message);
        for (const part of parts) assert.match(err.message, typeof part === "string" ? new RegExp(part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) : part);
        return true;
    });
}

describe("alert scoping: enabled, groups and excluded jobs", () => {
    it("removes an alert turned off, and only that alert", () => {
        const all = alertsOf({});
        const scoped = alertsOf({ thresholds: { alerts: { TargetDown: { enabled: false } } } });
        assert.deepStrictEqual(all.map((r) => r.alert).filter((a) => a !== "TargetDown"), scoped.map((r) => r.alert));
        assert.ok(all.some((r) => r.alert === "TargetDown"));
    });

    it("turns a whole group's alerts off, keeping its recording rules and the file's other groups", () => {
        const files = renderRuleFiles(load({ thresholds: { groups: { host: { enabled: false } } } }));
        const host = files.find((f) => f.name === "host.yml");
        const docs = files.map((f) => yaml.load(f.content) as RuleDoc);
        assert.ok(!docs.some((d) => d.groups.some((g) => g.name === "host")), "the host group is still rendered");
        assert.ok(!alertsOf({ thresholds: { groups: { host: { enabled: false } } } }).some((r) => r.alert === "HostMemoryHigh"));
        // Recording rules of the file survive: dashboards read them.
        const before = (yaml.load(renderRuleFiles(load({})).find((f) => f.name === "host.yml")!.content) as RuleDoc)
            .groups.flatMap((g) => g.rules).filter((r) => r.record).length;
        const after = host ? (yaml.load(host.content) as RuleDoc).groups.flatMap((g) => g.rules).filter((r) => r.record).length : 0;
        assert.strictEqual(after, before);
    });

    it("adds job!~ to every selector of an alert scoped away from jobs, through the parser", () => {
        const scoped = alertsOf({ thresholds: { alerts: { JobDown: { excludeJobs: ["optional-app", "batch.v2"] }, TargetDown: { excludeJobs: ["optional-app"] } } } });
        assert.strictEqual(scoped.find((r) => r.alert === "JobDown")!.expr, 'sum by (job) (up{job!~"optional-app|batch\\\\.v2"}) == 0');
        assert.strictEqual(scoped.find((r) => r.alert === "TargetDown")!.expr, 'up{job!~"optional-app"} == 0');
    });

    it("refuses unknown groups and bad job names, naming the key", () => {
        configError(() => load({ thresholds: { groups: { hosts: { enabled: false } } } }), "thresholds.groups.hosts", "no such rule group");
        configError(() => load({ thresholds: { alerts: { TargetDown: { excludeJobs: ["a b"] } } } }), "thresholds.alerts.TargetDown.excludeJobs[0]");
        configError(() => load({ thresholds: { alerts: { TargetDown: { enabled: "no" } } } }), "thresholds.alerts.TargetDown.enabled");
    });

    it("promtool accepts the scoped rule files", function () {
        const bin = requireTool(this, "promtool");
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scoping-"));
        try {
            const files = renderRuleFiles(load({
                thresholds: {
                    alerts: { JobDown: { excludeJobs: ["optional-app"] }, HTTPHighErrorRate: { excludeJobs: ["a"], enabled: true }, Watchdog: { enabled: false } },
                    groups: { host: { enabled: false }, redis: { enabled: false } },
                },
            }));
            const result = promtool(bin, ["check", "rules", ...writeRuleFiles(dir, files)]);
            assert.ok(result.ok, result.output);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("user rule files: files, folders and globs", () => {
    let dir: string;
    const write = (rel: string, content: string) => {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), content);
    };
    const group = (name: string, rules: Rule[]) => yaml.dump({ groups: [{ name, rules }] });
    const read = (entries: string[]) => readRuleFiles(entries, ["targets"], dir);

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "user-rules-"));
        write("team-a/alerts.yml", group("team-a", [{ alert: "A", expr: "up == 0", labels: { severity: "business" } }]));
        write("team-b/alerts.yaml", group("team-b", [{ record: "job:x:rate5m", expr: "sum by (job) (rate(x[5m]))" }]));
        write("team-b/nested/more.yml", group("team-b-more", [{ alert: "B", expr: "vector(1)" }]));
        write("team-b/README.md", "not a rule file");
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("reads a folder recursively, .yml and .yaml, and names each file after its path", () => {
        const files = read(["team-a/alerts.yml", "team-b"]);
        assert.deepStrictEqual(files.map((f) => [f.source, f.name]), [
            ["team-a/alerts.yml", "user-team-a-alerts.yml"],
            ["team-b/alerts.yaml", "user-team-b-alerts.yml"],
            ["team-b/nested/more.yml", "user-team-b-nested-more.yml"],
        ]);
        assert.deepStrictEqual(files[0].groups, [{ name: "team-a", rules: [{ alert: "A", expr: "up == 0", labels: { severity: "business" } }] }]);
    });

    it("expands globs (* within a folder, ** across folders) and reads a file named twice once", () => {
        assert.deepStrictEqual(read(["*/alerts.y*ml"]).map((f) => f.source), ["team-a/alerts.yml", "team-b/alerts.yaml"]);
        assert.deepStrictEqual(read(["team-b/**/*.yml", "team-b/nested/more.yml"]).map((f) => f.source), ["team-b/nested/more.yml"]);
        assert.deepStrictEqual(read([path.join(dir, "team-a/*.yml")]).map((f) => f.name), ["user-alerts.yml"]);
    });

    it("names the key and the entry when nothing is there", () => {
        configError(() => read(["nope.yml"]), "ruleFiles[0]", '"nope.yml": no such file or folder');
        configError(() => read(["team-a", "nothing/*.yml"]), "ruleFiles[1]", "matches no .yml or .yaml file");
    });

    it("names the file and the rule of an expression PromQL cannot parse", () => {
        write("bad.yml", group("bad", [{ alert: "Fine", expr: "up" }, { alert: "Broken", expr: "sum(rate(x[5m])" }]));
        configError(() => read(["bad.yml"]), "ruleFiles[0]", 'bad.yml: group "bad", rule Broken: expr is not valid PromQL');
        write("bad.yml", group("bad", [{ alert: "Fn", expr: "rates(x[5m]) > 1" }]));
        configError(() => read(["bad.yml"]), "ruleFiles[0]", "rule Fn: expr is not valid PromQL");
        write("bad.yml", group("bad", [{ alert: "Grafana", expr: 'up{job="$job"} == 0 and up{job=$job}' }]));
        configError(() => read(["bad.yml"]), "ruleFiles[0]", "rule Grafana: expr is not valid PromQL");
    });

    it("refuses a file that is not YAML or not a rule file", () => {
        write("broken.yml", "groups: [\n");
        configError(() => read(["broken.yml"]), "ruleFiles[0]", "broken.yml: is not YAML");
        write("broken.yml", "alerts: []\n");
        configError(() => read(["broken.yml"]), "ruleFiles[0]", "is not a Prometheus rule file");
        write("broken.yml", group("g", [{ expr: "up" } as Rule]));
        configError(() => read(["broken.yml"]), "ruleFiles[0]", "rule 1: give exactly one of alert or record");
    });

    it("refuses a group name used twice, across files or with the stack's own groups", () => {
        write("copy.yml", group("team-a", [{ alert: "C", expr: "up" }]));
        configError(() => read(["team-a", "copy.yml"]), "ruleFiles", 'group "team-a" is in both team-a/alerts.yml and copy.yml');
        write("copy.yml", group("targets", [{ alert: "C", expr: "up" }]));
        configError(() => read(["copy.yml"]), "ruleFiles", "the stack's own rules");
    });

    it("mounts every file under its own name, which Prometheus' rule_files glob loads", async () => {
        const config = load({ ruleFiles: [path.join(dir, "team-a"), path.join(dir, "team-b")] });
        assert.deepStrictEqual(config.ruleFiles.map((f) => f.name), ["user-team-a-alerts.yml", "user-team-b-alerts.yml", "user-team-b-nested-more.yml"]);
    });
});
