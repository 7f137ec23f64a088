// monitoring:ruleFiles: the user's own Prometheus rule files, given as files, folders or globs.
// Read once here; everything after works on the parsed data (issue 16's rule).
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { ConfigError } from "./errors";
import { promqlRuleError } from "./promql";
import * as v from "./validate";

/** One rule of a user's file, as Prometheus reads it. */
export interface UserRule {
    readonly alert?: string;
    readonly record?: string;
    readonly expr: string;
    /** Static labels; a templated value (`{{ ... }}`) is kept as written. */
    readonly labels: Record<string, string>;
}

export interface UserRuleGroup {
    readonly name: string;
    readonly rules: UserRule[];
}

/** A user rule file, read and checked, ready to mount. */
export interface UserRuleFile {
    /** Unique file name under Prometheus' rules folder, derived from the path (always `.yml`, which Prometheus loads). */
    readonly name: string;
    /** Where it was read from, as the user wrote it (relative to the project), for messages. */
    readonly source: string;
    readonly content: string;
    readonly groups: UserRuleGroup[];
}

const KEY = "ruleFiles";
const RULE_EXTENSIONS = [".yml", ".yaml"];
const GLOB_CHARS = /[*?[]/;

/**
 * Reads every entry of monitoring:ruleFiles; `reserved` are the stack's own group names, `cwd`
 * is where relative paths start (the project folder).
 */
export function readRuleFiles(raw: unknown, reserved: readonly string[], cwd = process.cwd()): UserRuleFile[] {
    const entries = v.optional(raw, [] as string[], (x) => v.list(KEY, x, v.string));
    const paths: { file: string; key: string }[] = [];
    entries.forEach((entry, i) => {
        for (const file of expand(`${KEY}[${i}]`, entry, cwd)) {
            if (!paths.some((p) => p.file === file)) paths.push({ file, key: `${KEY}[${i}]` });
        }
    });
    // Names start at the deepest folder holding every file: short, and stable while the set is.
    const common = paths.length === 0 ? cwd : commonFolder(paths.map((p) => p.file));
    const names = new Set<string>();
    const files = paths.map(({ file, key }) => {
        const relative = path.relative(cwd, file);
        const source = relative.startsWith("..") ? file : relative;
        const name = uniqueName(path.relative(common, file), names);
        names.add(name);
        return readOne(key, file, source, name);
    });
    checkGroupNames(files, reserved);
    return files;
}

/** A file, a folder (its .yml/.yaml files, recursively) or a glob: the files it stands for, sorted. */
function expand(key: string, entry: string, cwd: string): string[] {
    const absolute = path.resolve(cwd, entry);
    if (GLOB_CHARS.test(entry)) {
        const segments = entry.split("/");
        const base = path.resolve(cwd, segments.slice(0, segments.findIndex((s) => GLOB_CHARS.test(s))).join("/") || ".");
        const pattern = globRegExp(absolute);
        const found = fs.existsSync(base) ? walk(base).filter((f) => pattern.test(f) && isRuleFile(f)) : [];
        if (found.length === 0) throw new ConfigError(key, `${JSON.stringify(entry)} matches no .yml or .yaml file`);
        return found;
    }
    let stat: fs.Stats;
    try {
        stat = fs.statSync(absolute);
    } catch {
        throw new ConfigError(key, `${JSON.stringify(entry)}: no such file or folder (relative paths start at ${cwd})`);
    }
    if (!stat.isDirectory()) return [absolute];
    const found = walk(absolute).filter(isRuleFile);
    if (found.length === 0) throw new ConfigError(key, `the folder ${JSON.stringify(entry)} holds no .yml or .yaml file`);
    return found;
}

const isRuleFile = (file: string) => RULE_EXTENSIONS.includes(path.extname(file).toLowerCase());

function walk(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true })
        .sort((a, b) => a.name.localeCompare(b.name))
        .flatMap((e) => {
            const full = path.join(dir, e.name);
            return e.isDirectory() ? walk(full) : e.isFile() ? [full] : [];
        });
}

/** `*` and `?` within one path segment, `**` across segments, `[abc]` classes. */
export function globRegExp(pattern: string): RegExp {
    let re = "";
    for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i];
        if (c === "*" && pattern[i + 1] === "*") {
            const slash = pattern[i + 2] === "/";
            re += slash ? "(?:.*/)?" : ".*";
            i += slash ? 2 : 1;
        } else if (c === "*") re += "[^/]*";
        else if (c === "?") re += "[^/]";
        else if (c === "[") {
            const end = pattern.indexOf("]", i + 1);
            if (end < 0) re += "\\[";
            else {
                re += `[${pattern.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\")}]`;
                i = end;
            }
        } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
    }
    return new RegExp(`^${re}$`);
}

function commonFolder(files: string[]): string {
    let common = path.dirname(files[0]);
    while (!files.every((f) => f.startsWith(common.endsWith(path.sep) ? common : common + path.sep))) common = path.dirname(common);
    return common;
}

/** `team-a/alerts.yaml` -> `user-team-a-alerts.yml`: two files called alerts.yml no longer overwrite each other. */
function uniqueName(relative: string, taken: Set<string>): string {
    const stem = relative.replace(/\.(ya?ml)$/i, "").replace(/[^A-Za-z0-9_.-]+/g, "-").replace(/^-+|-+$/g, "");
    let name = `user-${stem}.yml`;
    for (let n = 2; taken.has(name); n++) name = `user-${stem}-${n}.yml`;
    return name;
}

function readOne(key: string, file: string, source: string, name: string): UserRuleFile {
    const where = (detail: string) => new ConfigError(key, `${source}: ${detail}`);
    let content: string;
    try {
        content = fs.readFileSync(file, "utf8");
    } catch (err) {
        throw where(`cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    let doc: unknown;
    try {
        doc = yaml.load(content);
    } catch (err) {
        throw where(`is not YAML: ${(err as Error).message.split("\n")[0]}`);
    }
    if (typeof doc !== "object" || doc === null || !Array.isArray((doc as { groups?: unknown }).groups)) {
        throw where("is not a Prometheus rule file; expected `groups:` with a list of groups");
    }
    const groups = ((doc as { groups: unknown[] }).groups).map((g, n) => readGroup(g, n, where));
    const seen = new Set<string>();
    for (const group of groups) {
        if (seen.has(group.name)) throw where(`group ${JSON.stringify(group.name)} appears twice; group names must be unique`);
        seen.add(group.name);
    }
    return { name, source, content, groups };
}

function readGroup(raw: unknown, n: number, where: (detail: string) => ConfigError): UserRuleGroup {
    const group = raw as { name?: unknown; rules?: unknown };
    if (typeof group !== "object" || group === null || typeof group.name !== "string" || group.name === "") {
        throw where(`group ${n + 1} has no name`);
    }
    if (!Array.isArray(group.rules)) throw where(`group ${JSON.stringify(group.name)} has no list of rules`);
    const rules = group.rules.map((r, k) => readRule(r, k, (detail) => where(`group ${JSON.stringify(group.name)}, ${detail}`)));
    return { name: group.name, rules };
}

function readRule(raw: unknown, n: number, where: (detail: string) => ConfigError): UserRule {
    const rule = (raw ?? {}) as { alert?: unknown; record?: unknown; expr?: unknown; labels?: unknown };
    const named = typeof rule.alert === "string" ? rule.alert : typeof rule.record === "string" ? rule.record : undefined;
    const label = named ? `rule ${named}` : `rule ${n + 1}`;
    if ((rule.alert === undefined) === (rule.record === undefined) || !named) {
        throw where(`${label}: give exactly one of alert or record`);
    }
    if (typeof rule.expr !== "string" && typeof rule.expr !== "number") throw where(`${label}: expr is missing`);
    const expr = String(rule.expr);
    const error = promqlRuleError(expr);
    if (error) throw where(`${label}: expr is not valid PromQL: ${error}`);
    const labels: Record<string, string> = {};
    if (rule.labels !== undefined && rule.labels !== null) {
        if (typeof rule.labels !== "object" || Array.isArray(rule.labels)) throw where(`${label}: labels is not a map`);
        for (const [k, value] of Object.entries(rule.labels)) labels[k] = String(value);
    }
    return { ...(rule.alert !== undefined ? { alert: named } : { record: named }), expr, labels };
}

/** Prometheus names groups per file, but one name twice reads as one group in every UI and alert. */
function checkGroupNames(files: UserRuleFile[], reserved: readonly string[]): void {
    const owner = new Map<string, string>(reserved.map((group) => [group, "the stack's own rules"]));
    for (const file of files) {
        for (const group of file.groups) {
            const first = owner.get(group.name);
            if (first && first !== file.source) {
                throw new ConfigError(KEY, `group ${JSON.stringify(group.name)} is in both ${first} and ${file.source}; group names must be unique`);
            }
            owner.set(group.name, file.source);
        }
    }
}
