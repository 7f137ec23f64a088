import { HttpConfig, httpRenames } from "../../config/http";
import { SloConfig } from "../../config/slos";
import type { ShippedFiles } from "../../config/shipped-files";
import { AlertOverride, alertEnabled, THRESHOLD_NAMES, THRESHOLDS, ThresholdName, ThresholdsConfig } from "../../config/thresholds";

export { THRESHOLDS, THRESHOLD_NAMES } from "../../config/thresholds";
export type { ThresholdSpec, ThresholdName } from "../../config/thresholds";

import { runbookLink } from "./runbook";
import { customSliJobs, renderSloRules } from "./slo-rules";
export { runbookLink } from "./runbook";

const quote = (s: string) => JSON.stringify(s);
import { addMatcherToSelectors, applyEdits, Edit, exactAlternatives, numberLiterals, promqlString, renameEdits } from "../../config/promql";

/** A rendered rule file; `name` is its basename under /etc/prometheus/rules/. */
export interface RuleFile {
    readonly name: string;
    readonly content: string;
}

export interface RenderRulesOptions {
    /** The rule files of rules/, as users read them. */
    readonly shipped: Pick<ShippedFiles, "rules">;
    readonly thresholds: ThresholdsConfig;
    readonly slos: readonly SloConfig[];
    readonly http: HttpConfig;
    /** Prefix of the on-disk `runbook_url: "RUNBOOK.md#..."`; ends with /. */
    readonly runbookBaseUrl: string;
    /** Prometheus watches a Kubernetes cluster: load rules/kubernetes-*.yml too (they read its jobs only). */
    readonly kubernetesRules?: boolean;
}

/** Rule files that read the Kubernetes cluster's jobs: loaded only where Prometheus watches a cluster. */
export const KUBERNETES_RULE_FILE = /^kubernetes-.*\.yml$/;

/** Files written with the default HTTP names, rewritten to follow monitoring:http. */
export const HTTP_RULE_FILES = ["http.yml", "slo.yml"];
export { SLO_WINDOWS } from "./slo-rules";
/** The rule file recording every job's HTTP error ratios over the SLO windows. */
const SLO_WINDOW_FILE = "slo.yml";

/** Every rule file with the stack's thresholds, overrides, label names and runbook links applied. */
export function renderRuleFiles(opts: RenderRulesOptions): RuleFile[] {
    const files = opts.shipped.rules
        .filter((file) => opts.kubernetesRules || !KUBERNETES_RULE_FILE.test(file.name))
        .flatMap((file) => {
            const content = renderRuleFile(file, opts);
            return content === undefined ? [] : [{ name: file.name, content }];
        });
    if (opts.slos.length > 0) files.push({ name: "slos.yml", content: renderSloRules(opts) });
    return files;
}

// ---------- locating rules in the YAML text, so edits keep the file as written ----------

/** Where a rule's parts sit in its file. Offsets are into the file content. */
export interface LocatedRule {
    readonly kind: "alert" | "record";
    readonly name: string;
    /** Offsets of the rule's first line and of the line after it (trailing blank lines included). */
    readonly start: number;
    readonly end: number;
    /** The PromQL as YAML reads it (block scalars without their indentation). */
    readonly expr: string;
    /** File offset of each character of `expr`. */
    readonly exprOffsets: readonly number[];
    /** Offset just after the last character of the expression (end of its last line). */
    readonly exprEnd: number;
    /** Indentation of the rule's keys (expr, for, labels, ...). */
    readonly keyIndent: string;
    /** Offset of the line after the expression, where a `for:` line goes when there is none. */
    readonly afterExpr: number;
    readonly forValue?: { readonly from: number; readonly to: number };
    readonly severityValue?: { readonly from: number; readonly to: number };
}

interface Line {
    readonly text: string;
    readonly start: number;
}

function splitLines(content: string): Line[] {
    const lines: Line[] = [];
    let start = 0;
    for (const text of content.split("\n")) {
        lines.push({ text, start });
        start += text.length + 1;
    }
    return lines;
}

const indentOf = (text: string): number => text.length - text.trimStart().length;

/** Finds every rule of a file written in the house layout: `- alert|record:` then `expr:` plain or `|`. */
export function locateRules(content: string, file = "rule file"): LocatedRule[] {
    const lines = splitLines(content);
    const rules: LocatedRule[] = [];
    for (let i = 0; i < lines.length; i++) {
        const head = /^(\s*)- (alert|record): (\S+)\s*$/.exec(lines[i].text);
        if (!head) continue;
        const keyIndent = `${head[1]}  `;
        let end = i + 1;
        while (end < lines.length && (lines[end].text.trim() === "" || indentOf(lines[end].text) >= keyIndent.length)) end++;
        const rule = { kind: head[2] as "alert" | "record", name: head[3], keyIndent };
        const extent = { start: lines[i].start, end: end < lines.length ? lines[end].start : content.length };
        rules.push({ ...locateParts(lines, i + 1, end, rule, `${file}: ${rule.name}`), ...extent });
    }
    return rules;
}

/** Where each group of a file in the house layout (`  - name: <group>`) starts and ends. */
export function locateGroups(content: string): { name: string; start: number; end: number }[] {
    const heads = splitLines(content).filter((l) => /^ {2}- name: \S+\s*$/.test(l.text));
    return heads.map((l, n) => ({
        name: l.text
            .trim()
            .slice("- name: ".length)
            .replace(/^["']|["']$/g, ""),
        start: l.start,
        end: n + 1 < heads.length ? heads[n + 1].start : content.length,
    }));
}

function locateParts(
    lines: Line[],
    from: number,
    to: number,
    rule: Pick<LocatedRule, "kind" | "name" | "keyIndent">,
    where: string,
): Omit<LocatedRule, "start" | "end"> {
    const exprAt = lines.findIndex((l, n) => n >= from && n < to && l.text.startsWith(`${rule.keyIndent}expr:`));
    if (exprAt < 0) throw new Error(`${where}: no expr at the rule's indentation`);
    const value = lines[exprAt].text.slice(rule.keyIndent.length + "expr:".length).trim();
    const offsets: number[] = [];
    let expr = "";
    let last = exprAt;
    if (/^[|>][-+]?$/.test(value)) {
        if (value[0] === ">") throw new Error(`${where}: folded (>) expressions are not supported; use |`);
        let n = exprAt + 1;
        while (n < to && (lines[n].text.trim() === "" || indentOf(lines[n].text) > rule.keyIndent.length)) n++;
        while (n > exprAt + 1 && lines[n - 1].text.trim() === "") n--;
        const body = lines.slice(exprAt + 1, n);
        const blockIndent = Math.min(...body.filter((l) => l.text.trim() !== "").map((l) => indentOf(l.text)));
        body.forEach((l, k) => {
            const text = l.text.slice(blockIndent);
            if (k > 0) {
                expr += "\n";
                offsets.push(l.start - 1);
            }
            for (let c = 0; c < text.length; c++) offsets.push(l.start + blockIndent + c);
            expr += text;
        });
        last = n - 1;
    } else {
        if (/^["']/.test(value)) throw new Error(`${where}: quoted expressions are not supported; write it plain or with |`);
        const line = lines[exprAt];
        const at = line.text.indexOf(value, rule.keyIndent.length + "expr:".length);
        for (let c = 0; c < value.length; c++) offsets.push(line.start + at + c);
        expr = value;
    }
    const valueOf = (pattern: RegExp) => {
        for (let n = from; n < to; n++) {
            const m = pattern.exec(lines[n].text);
            if (m) return { from: lines[n].start + m[1].length, to: lines[n].start + m[0].length };
        }
        return undefined;
    };
    return {
        ...rule,
        expr,
        exprOffsets: offsets,
        exprEnd: lines[last].start + lines[last].text.length,
        afterExpr: lines[last].start + lines[last].text.length + 1,
        forValue: valueOf(new RegExp(`^(${rule.keyIndent}for: )\\S+`)),
        severityValue: valueOf(new RegExp(`^(${rule.keyIndent}  severity: )\\S+`)),
    };
}

// ---------- PromQL edits ----------

export { numberLiterals } from "../../config/promql";

/** Label names (matchers, by/without, on/ignoring, group_left/right) renamed in a PromQL expression. */
export function renameLabels(expr: string, names: Readonly<Record<string, string>>): string {
    return applyEdits(expr, renameEdits(expr, { labels: names }));
}

const formatNumber = (n: number): string => String(n);

/** Which threshold names feed each alert. */
const THRESHOLDS_BY_ALERT = new Map<string, ThresholdName[]>();
for (const name of THRESHOLD_NAMES) {
    for (const alert of THRESHOLDS[name].alerts) THRESHOLDS_BY_ALERT.set(alert, [...(THRESHOLDS_BY_ALERT.get(alert) ?? []), name]);
}

/** The alerts `enabled: false` (on the alert or its group) removes, and groups left with no rule at all. */
function scopeEdits(file: RuleFile, rules: LocatedRule[], opts: RenderRulesOptions): { edits: Edit[]; removed: Set<LocatedRule> } {
    const removed = new Set<LocatedRule>();
    const edits: Edit[] = [];
    for (const group of locateGroups(file.content)) {
        const inGroup = rules.filter((r) => r.start >= group.start && r.start < group.end);
        const off = inGroup.filter((r) => r.kind === "alert" && !alertEnabled(opts.thresholds, r.name, group.name));
        off.forEach((r) => removed.add(r));
        if (off.length === 0) continue;
        if (off.length === inGroup.length) edits.push({ from: group.start, to: group.end, text: "" });
        else edits.push(...off.map((r) => ({ from: r.start, to: r.end, text: "" })));
    }
    return { edits, removed };
}

/** `job!~"a|b"` on every selector of an alert the user scoped away from some jobs. */
function excludeJobsMatcher(override: AlertOverride | undefined): string | undefined {
    return override?.excludeJobs?.length ? `job!~${promqlString(exactAlternatives(override.excludeJobs))}` : undefined;
}

/** The file as rendered, or undefined when every group in it is turned off. */
function renderRuleFile(file: RuleFile, opts: RenderRulesOptions): string | undefined {
    const renames = httpRenames(opts.http);
    const labelMap = renames.labels ?? {};
    const renameHttp = HTTP_RULE_FILES.includes(file.name);
    const located = locateRules(file.content, file.name);
    const customJobs = customSliJobs(opts.slos);
    const { edits, removed } = scopeEdits(file, located, opts);
    if (located.length > 0 && removed.size === located.length) return undefined;
    for (const rule of located.filter((r) => !removed.has(r))) {
        const toFile = (at: number) => rule.exprOffsets[at];
        // An insertion may sit at the very end of the expression, past its last character.
        const point = (at: number) => (at < rule.exprOffsets.length ? toFile(at) : toFile(at - 1) + 1);
        const exprEdit = (from: number, to: number, text: string) =>
            edits.push(from === to ? { from: point(from), to: point(from), text } : { from: toFile(from), to: toFile(to - 1) + 1, text });
        const exprInsert = (at: number, text: string) => exprEdit(at, at, text);
        for (const name of THRESHOLDS_BY_ALERT.get(rule.name) ?? []) {
            const spec = THRESHOLDS[name];
            const hits = numberLiterals(rule.expr, spec.default);
            if (hits.length !== 1) {
                throw new Error(`${file.name}: ${rule.name} must hold ${name}'s default ${spec.default} exactly once; found ${hits.length}`);
            }
            const value = opts.thresholds.values[name];
            if (value !== spec.default) exprEdit(hits[0].from, hits[0].to, formatNumber(value));
        }
        if (renameHttp) {
            // Dashboards read job_route:* by `route` whatever the services call it (outermost, so listed first and last).
            const relabel = rule.kind === "record" && rule.name.startsWith("job_route:") && labelMap.route;
            if (relabel) exprEdit(0, 0, "label_replace(");
            for (const e of renameEdits(rule.expr, renames)) exprEdit(e.from, e.to, e.text);
            if (relabel) exprEdit(rule.expr.length, rule.expr.length, `, "route", "$1", "${labelMap.route}", "(.*)")`);
        }
        // A job whose SLO brings its own SLI records its error ratios in slos.yml, not here as well.
        if (file.name === SLO_WINDOW_FILE && rule.kind === "record" && customJobs.length > 0) {
            const matcher = `job!~${promqlString(exactAlternatives(customJobs))}`;
            for (const e of addMatcherToSelectors(rule.expr, matcher)) exprInsert(e.from, e.text);
        }
        if (rule.kind === "alert") {
            const override = opts.thresholds.alerts[rule.name];
            const exclude = excludeJobsMatcher(override);
            if (exclude) for (const e of addMatcherToSelectors(rule.expr, exclude)) exprInsert(e.from, e.text);
            edits.push(...overrideEdits(rule, override, file.name));
        }
    }
    let content = applyEdits(file.content, edits);
    if (renameHttp) {
        content = content.replace(/\$labels\.(code|route)\b/g, (whole, label: string) => (labelMap[label] ? `$labels.${labelMap[label]}` : whole));
    }
    // A function, not a replacement string: `$&` or `$1` in the user's URL are patterns there.
    return content.replace(
        /^(\s+runbook_url: )"(RUNBOOK\.md#[^"]*)"/gm,
        (_line, prefix: string, link: string) => `${prefix}${quote(runbookLink(opts.runbookBaseUrl, link))}`,
    );
}

function overrideEdits(rule: LocatedRule, override: AlertOverride | undefined, file: string): Edit[] {
    const edits: Edit[] = [];
    if (override?.for) {
        edits.push(
            rule.forValue
                ? { from: rule.forValue.from, to: rule.forValue.to, text: override.for }
                : { from: rule.afterExpr, to: rule.afterExpr, text: `${rule.keyIndent}for: ${override.for}\n` },
        );
    }
    if (override?.severity) {
        if (!rule.severityValue) throw new Error(`${file}: ${rule.name} has no severity label`);
        edits.push({ ...rule.severityValue, text: override.severity });
    }
    return edits;
}
