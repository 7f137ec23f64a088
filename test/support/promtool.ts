// Runs promtool against rendered rule files: the stack's rules are written to
// <dir>/rules/*.yml and the unit tests to <dir>/rules/tests/*.yml, so each test's
// `rule_files: [../x.yml]` points at the rendered copy, as it points at rules/ on disk.
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { loadConfig, objectConfigSource } from "../../config";
import { RenderRulesOptions, RuleFile, HTTP_RULE_FILES } from "../../components/render/rules";
import { httpRenames, inHistogramUnit } from "../../config/http";
import { renamePromql } from "../../config/promql";
import { RULES_DIR } from "../../config/shipped-files";
import { monitoringValues, readStackFile } from "../../scripts/lib/stack-file";

const repoRoot = path.resolve(__dirname, "../..");

export interface PromtoolResult {
    readonly ok: boolean;
    readonly output: string;
}

/** Results by what promtool reads (see `inputKey`): byte-identical inputs are checked once per process. */
const results = new Map<string, PromtoolResult>();

export function promtool(bin: string, args: string[]): PromtoolResult {
    if (args[0] === "test" && args[1] === "rules" && args.length > 3 && args.slice(2).every((a) => !a.startsWith("-"))) {
        return unitTestsByFile(bin, args.slice(2));
    }
    const key = inputKey(bin, args);
    const known = results.get(key);
    if (known) return known;
    const run = spawnSync(bin, args, { encoding: "utf8", timeout: 100_000 });
    const result = { ok: run.status === 0, output: `${run.stdout ?? ""}${run.stderr ?? ""}${run.error ? String(run.error) : ""}` };
    results.set(key, result);
    return result;
}

/**
 * `promtool test rules` over many unit test files, each remembered on its own: the prod stack's
 * rules are the dev stack's plus the Kubernetes ones, so prod runs only the files dev has not.
 * The new files run in one promtool; when that fails, each runs alone so the output names it.
 */
function unitTestsByFile(bin: string, files: string[]): PromtoolResult {
    const keys = files.map((f) => inputKey(bin, ["test", "rules", f]));
    const unknown = files.filter((_f, i) => !results.has(keys[i]));
    if (unknown.length > 1) {
        const run = spawnSync(bin, ["test", "rules", ...unknown], { encoding: "utf8", timeout: 100_000 });
        if (run.status === 0) {
            for (const file of unknown) results.set(keys[files.indexOf(file)], { ok: true, output: `${run.stdout ?? ""}${run.stderr ?? ""}` });
        }
    }
    const each = files.map((f, i) => results.get(keys[i]) ?? promtool(bin, ["test", "rules", f]));
    return { ok: each.every((r) => r.ok), output: [...new Set(each.map((r) => r.output))].join("") };
}

/** How many promtool runs were answered from an earlier identical one. */
export function promtoolRunsSaved(): number {
    return saved;
}
let saved = 0;

/**
 * The flags and the content of every file promtool will read: each file argument and, for a
 * unit test file, the rule files it names (relative to itself). Paths do not matter, so the dev
 * and prod stacks' byte-identical rule sets share one run.
 */
function inputKey(bin: string, args: string[]): string {
    const hash = createHash("sha256").update(bin);
    for (const arg of args) {
        if (!fs.existsSync(arg) || !fs.statSync(arg).isFile()) {
            hash.update(`\0arg:${arg}`);
            continue;
        }
        const text = fs.readFileSync(arg, "utf8");
        hash.update(`\0file:${path.basename(arg)}\0${text}`);
        const doc = args.includes("test") ? (yaml.load(text) as { rule_files?: string[] } | undefined) : undefined;
        for (const rule of doc?.rule_files ?? []) {
            const file = path.resolve(path.dirname(arg), rule);
            hash.update(`\0rule:${rule}\0${fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "(missing)"}`);
        }
    }
    const key = hash.digest("hex");
    if (results.has(key)) saved++;
    return key;
}

/** The keys of a stack file the rules read; the rest of the stack is other tests' business. */
const RULE_KEYS = ["thresholds", "slos", "http", "runbookBaseUrl"];

/** The rules-related configuration of Pulumi.<stack>.yaml, or the defaults when the file is absent. */
export function stackRuleOptions(stack: string): { options: RenderRulesOptions; note?: string } {
    const file = path.join(repoRoot, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        return { options: loadConfig(objectConfigSource({}), stack), note: `${path.basename(file)} not found: rendered with the defaults` };
    }
    const values = monitoringValues(readStackFile(file));
    const picked = Object.fromEntries(Object.entries(values).filter(([k]) => RULE_KEYS.includes(k)));
    // As the Prometheus component does: the Kubernetes platform offers its cluster to watch.
    return { options: { ...loadConfig(objectConfigSource(picked), stack), kubernetesRules: values.platform === "kubernetes" } };
}

/** The unit tests whose rule files are all among `files` (the Kubernetes ones need rules/kubernetes-*.yml). */
export function testsFor<T extends { test: UnitTestFile }>(tests: readonly T[], files: readonly RuleFile[]): T[] {
    const names = new Set(files.map((f) => f.name));
    return tests.filter(({ test }) => test.rule_files.every((f) => names.has(path.basename(f))));
}

export function writeRuleFiles(dir: string, files: readonly RuleFile[]): string[] {
    fs.mkdirSync(path.join(dir, "rules"), { recursive: true });
    return files.map((f) => {
        const file = path.join(dir, "rules", f.name);
        fs.writeFileSync(file, f.content);
        return file;
    });
}

// ---------- unit test files ----------

export interface ExpAlert {
    exp_labels?: Record<string, string>;
    exp_annotations?: Record<string, string>;
}
export interface AlertCase {
    eval_time: string;
    alertname: string;
    exp_alerts?: ExpAlert[];
}
export interface TestGroup {
    name?: string;
    interval?: string;
    input_series?: { series: string; values: string }[];
    alert_rule_test?: AlertCase[];
    promql_expr_test?: unknown[];
}
export interface UnitTestFile {
    rule_files: string[];
    evaluation_interval?: string;
    tests: TestGroup[];
}

export function unitTestSources(): { name: string; test: UnitTestFile }[] {
    const dir = path.join(RULES_DIR, "tests");
    return fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".yml"))
        .sort()
        .map((name) => ({ name, test: yaml.load(fs.readFileSync(path.join(dir, name), "utf8")) as UnitTestFile }));
}

export function alertCases(test: UnitTestFile): AlertCase[] {
    return test.tests.flatMap((g) => g.alert_rule_test ?? []);
}

/**
 * A unit test as it must read for a stack: overridden severities in the expected labels,
 * the runbook base in the expected links, and the stack's HTTP label names in the inputs.
 */
export function adaptUnitTest(test: UnitTestFile, opts: RenderRulesOptions): UnitTestFile {
    const copy = JSON.parse(JSON.stringify(test)) as UnitTestFile;
    const usesHttp = copy.rule_files.some((f) => HTTP_RULE_FILES.includes(path.basename(f)));
    const renames = usesHttp ? httpRenames(opts.http) : {};
    const names: Record<string, string> = { ...renames.labels };
    const msBuckets = usesHttp && opts.http.durationUnit === "milliseconds";
    for (const group of copy.tests) {
        for (const input of group.input_series ?? []) {
            input.series = renamePromql(input.series, { metrics: renames.metrics, labels: renames.labels });
            // A millisecond histogram has its bounds in milliseconds.
            if (msBuckets && input.series.startsWith(`${opts.http.durationMetric}_bucket{`)) {
                input.series = input.series.replace(/\ble="([0-9.]+)"/, (_m, le: string) => `le="${inHistogramUnit(opts.http, Number(le))}"`);
            }
        }
        for (const c of group.alert_rule_test ?? []) {
            const severity = opts.thresholds.alerts[c.alertname]?.severity;
            for (const alert of c.exp_alerts ?? []) {
                const labels = alert.exp_labels ?? {};
                alert.exp_labels = Object.fromEntries(Object.entries(labels).map(([k, v]) => [names[k] ?? k, String(v)]));
                if (severity) alert.exp_labels.severity = severity;
                const link = alert.exp_annotations?.runbook_url;
                if (link?.startsWith("RUNBOOK.md#")) alert.exp_annotations!.runbook_url = opts.runbookBaseUrl + link;
            }
        }
    }
    return copy;
}

export function writeUnitTests(dir: string, tests: readonly { name: string; test: UnitTestFile }[]): string[] {
    fs.mkdirSync(path.join(dir, "rules", "tests"), { recursive: true });
    return tests.map(({ name, test }) => {
        const file = path.join(dir, "rules", "tests", name);
        fs.writeFileSync(file, yaml.dump(test, { lineWidth: -1, noRefs: true }));
        return file;
    });
}
