// The files the program ships beside its code: rules/*.yml and dashboards/**/*.json. This is the
// one place that reads them, once per process, while config loads; from there on they are data
// that StackConfig carries to the components and renderers (issue 16's rule).
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { jsonFilesUnder } from "./dashboards";
import type { BuiltInDashboard } from "./dashboards";

/** The project root, where rules/ and dashboards/ live. */
export const PROJECT_ROOT = path.resolve(__dirname, "..");
/** The stack's own rule files. */
export const RULES_DIR = path.join(PROJECT_ROOT, "rules");
/** The stack's own dashboards, one folder per Grafana folder. */
export const BUILT_IN_DASHBOARDS_DIR = path.join(PROJECT_ROOT, "dashboards");

/** One rule of a shipped rule file, as much of it as config checks need. */
export interface ShippedRule {
    readonly alert?: string;
    readonly record?: string;
    readonly labels: Readonly<Record<string, string>>;
}

/** A rule file of rules/: `name` is its basename (`postgres.yml`), `content` the text as users read it. */
export interface ShippedRuleFile {
    readonly name: string;
    readonly content: string;
    /** The file's groups, parsed. */
    readonly groups: readonly { readonly name: string; readonly rules: readonly ShippedRule[] }[];
}

/** Everything the program ships in rules/ and dashboards/, sorted by file name. */
export interface ShippedFiles {
    readonly rules: readonly ShippedRuleFile[];
    readonly dashboards: readonly BuiltInDashboard[];
}

let cache: ShippedFiles | undefined;

/** rules/*.yml and dashboards/**.json, read on the first call only. */
export function shippedFiles(): ShippedFiles {
    cache ??= { rules: readRuleFiles(), dashboards: readDashboards() };
    return cache;
}

/** The shipped rule file called `name` (e.g. `postgres.yml`); throws when there is none. */
export function shippedRuleFile(shipped: ShippedFiles, name: string): ShippedRuleFile {
    const file = shipped.rules.find((f) => f.name === name);
    if (!file) throw new Error(`rules/${name} does not exist; the rule files are ${shipped.rules.map((f) => f.name).join(", ")}`);
    return file;
}

function readRuleFiles(): ShippedRuleFile[] {
    return fs
        .readdirSync(RULES_DIR)
        .filter((f) => f.endsWith(".yml"))
        .sort()
        .map((name) => {
            const content = fs.readFileSync(path.join(RULES_DIR, name), "utf8");
            const doc = yaml.load(content) as { groups: { name: string; rules: { alert?: string; record?: string; labels?: Record<string, string> }[] }[] };
            const groups = doc.groups.map((g) => ({
                name: g.name,
                rules: g.rules.map((r) => ({ ...(r.alert ? { alert: r.alert } : { record: r.record }), labels: r.labels ?? {} })),
            }));
            return { name, content, groups };
        });
}

function readDashboards(): BuiltInDashboard[] {
    return jsonFilesUnder(BUILT_IN_DASHBOARDS_DIR).map((file) => {
        const rel = path.relative(BUILT_IN_DASHBOARDS_DIR, file).split(path.sep).join("/");
        const json = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
        return {
            name: rel.replace(/\.json$/, ""),
            folder: path.posix.dirname(rel),
            file: path.posix.basename(rel),
            uid: String(json.uid),
            title: String(json.title),
            json,
        };
    });
}
