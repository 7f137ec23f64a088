// Finds every query a dashboard runs (panel targets, query variables, annotations) and reads
// PromQL with the parser the Prometheus UI uses, @prometheus-io/lezer-promql.
import type * as LezerPromql from "@prometheus-io/lezer-promql" with { "resolution-mode": "import" };
import { BUILTIN_VALUES } from "../../config/promql";

// The package is ESM-only in its types but ships a CommonJS build, which is what mocha loads.

const { parser } = require("@prometheus-io/lezer-promql") as typeof LezerPromql;

export interface DatasourceRef {
    readonly type?: string;
    readonly uid?: string;
}

/** One query of a dashboard, with where it sits and which datasource runs it. */
export interface DashboardQuery {
    readonly kind: "panel" | "variable" | "annotation";
    readonly where: string;
    readonly datasource: unknown;
    /** The query text, or undefined for datasources without one (e.g. alertmanager). */
    readonly expr: string | undefined;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Panels at top level and inside collapsed rows. */
export function allPanels(dashboard: Json): Json[] {
    const top = ((dashboard.panels as unknown[] | undefined) ?? []).filter(isObject);
    return top.flatMap((p) => [p, ...((p.panels as unknown[] | undefined) ?? []).filter(isObject)]);
}

export function dashboardQueries(dashboard: Json): DashboardQuery[] {
    const out: DashboardQuery[] = [];
    for (const panel of allPanels(dashboard)) {
        if (panel.type === "row") continue;
        const targets = ((panel.targets as unknown[] | undefined) ?? []).filter(isObject);
        if (targets.length === 0 && panel.datasource !== undefined)
            out.push({ kind: "panel", where: `panel "${panel.title}"`, datasource: panel.datasource, expr: undefined });
        for (const t of targets) {
            out.push({
                kind: "panel",
                where: `panel "${panel.title}" target ${t.refId}`,
                datasource: t.datasource ?? panel.datasource,
                expr: typeof t.expr === "string" ? t.expr : undefined,
            });
        }
    }
    const templating = isObject(dashboard.templating) ? dashboard.templating : {};
    for (const v of ((templating.list as unknown[] | undefined) ?? []).filter(isObject)) {
        if (v.type !== "query") continue;
        const q = isObject(v.query) ? (v.query.query ?? v.query.stream) : v.query;
        out.push({ kind: "variable", where: `variable $${v.name}`, datasource: v.datasource, expr: variableExpression(typeof q === "string" ? q : "") });
    }
    const annotations = isObject(dashboard.annotations) ? dashboard.annotations : {};
    for (const a of ((annotations.list as unknown[] | undefined) ?? []).filter(isObject)) {
        if (a.builtIn === 1) continue;
        const expr = isObject(a.target) ? a.target.expr : a.expr;
        out.push({ kind: "annotation", where: `annotation "${a.name}"`, datasource: a.datasource, expr: typeof expr === "string" ? expr : undefined });
    }
    return out;
}

/** The PromQL/LogQL inside a Grafana variable query: label_values(<expr>, label) and query_result(<expr>). */
export function variableExpression(query: string): string {
    const q = query.trim();
    const labelValues = /^label_values\((.*),\s*[A-Za-z_]\w*\s*\)$/s.exec(q);
    if (labelValues) return labelValues[1].trim();
    if (/^label_values\(\s*[A-Za-z_]\w*\s*\)$/.test(q)) return "";
    const queryResult = /^query_result\((.*)\)$/s.exec(q);
    return queryResult ? queryResult[1].trim() : q;
}

export const GRAFANA_BUILTINS = new Set([...Object.keys(BUILTIN_VALUES), "__from", "__to", "__all", "__dashboard", "__org", "__user", "__name", "__timezone"]);
const VARIABLE = /\$\{([A-Za-z_]\w*)(?::[^}]*)?\}|\$([A-Za-z_]\w*)|\[\[([A-Za-z_]\w*)(?::[^\]]*)?\]\]/g;

/** Names of the template variables a query refers to. */
export function variablesIn(expr: string): string[] {
    return [...expr.matchAll(VARIABLE)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** The query with Grafana variables replaced by valid placeholders (durations, numbers or text). */
export function substituteVariables(expr: string): string {
    return expr.replace(VARIABLE, (_m, a?: string, b?: string, c?: string) => BUILTIN_VALUES[(a ?? b ?? c) as string] ?? "placeholder");
}

/** What reading one PromQL expression found. */
export interface PromqlReading {
    readonly errors: string[];
    readonly metrics: string[];
    /** Each selector's metric and the label names it matches on. */
    readonly selectors: { metric: string; labels: string[] }[];
    /** Values of exact or plain-alternation `job` matchers, e.g. job="a" or job=~"a|b". */
    readonly jobs: string[];
}

const RANGE_FUNCTIONS = new Set([
    "rate",
    "irate",
    "increase",
    "delta",
    "idelta",
    "deriv",
    "predict_linear",
    "changes",
    "resets",
    "absent_over_time",
    "avg_over_time",
    "min_over_time",
    "max_over_time",
    "sum_over_time",
    "count_over_time",
    "quantile_over_time",
    "stddev_over_time",
    "stdvar_over_time",
    "last_over_time",
    "present_over_time",
    "holt_winters",
    "double_exponential_smoothing",
]);

const COUNTER_SUFFIX = /(_total|_sum|_count|_bucket)$/;

export function readPromql(rawExpr: string): PromqlReading {
    const expr = substituteVariables(rawExpr);
    const errors: string[] = [];
    const metrics: string[] = [];
    const jobs: string[] = [];
    const selectors: { metric: string; labels: string[] }[] = [];
    if (expr.trim() === "") return { errors: ["empty expression"], metrics, jobs, selectors };
    const text = (from: number, to: number) => expr.slice(from, to);
    const unquote = (s: string) => s.replace(/^["'`]|["'`]$/g, "");
    const tree = parser.parse(expr);
    tree.iterate({
        enter(n) {
            if (n.type.isError) errors.push(`syntax error at ${n.from}: "${text(n.from, Math.max(n.to, n.from + 12))}"`);
        },
    });
    if (errors.length > 0) return { errors, metrics, jobs, selectors };
    const cursor = tree.cursor();
    do {
        const node = cursor.node;
        if (node.name === "VectorSelector") {
            const id = node.getChild("Identifier");
            const matchers = node.getChild("LabelMatchers");
            const quoted = matchers?.getChild("QuotedLabelName");
            const byName = matchers
                ?.getChildren("UnquotedLabelMatcher")
                .find((m) => text(m.getChild("LabelName")!.from, m.getChild("LabelName")!.to) === "__name__");
            if (id) metrics.push(text(id.from, id.to));
            else if (quoted) metrics.push(unquote(text(quoted.from, quoted.to)));
            else if (byName && byName.getChild("MatchOp")?.getChild("EqlSingle"))
                metrics.push(unquote(text(byName.getChild("StringLiteral")!.from, byName.getChild("StringLiteral")!.to)));
            else errors.push(`selector "${text(node.from, node.to)}" does not name one metric`);
            const labels = (matchers?.getChildren("UnquotedLabelMatcher") ?? [])
                .map((m) => text(m.getChild("LabelName")!.from, m.getChild("LabelName")!.to))
                .filter((l) => l !== "__name__");
            if (metrics.length > 0) selectors.push({ metric: metrics[metrics.length - 1], labels });
            for (const m of matchers?.getChildren("UnquotedLabelMatcher") ?? []) {
                const label = m.getChild("LabelName");
                const value = m.getChild("StringLiteral");
                const op = m.getChild("MatchOp");
                if (!label || !value || !op || text(label.from, label.to) !== "job" || op.getChild("Neq") || op.getChild("NeqRegex")) continue;
                const v = unquote(text(value.from, value.to));
                if (/^[\w-]+(\|[\w-]+)*$/.test(v) && v !== "placeholder") jobs.push(...v.split("|"));
            }
        } else if (node.name === "FunctionCall") {
            const fn = node.getChild("FunctionIdentifier");
            const name = fn ? text(fn.from, fn.to) : "";
            const args = node.getChild("FunctionCallBody");
            const argNodes: { name: string; from: number; to: number; node: typeof node }[] = [];
            for (let c = args?.firstChild; c; c = c.nextSibling)
                if (!["(", ")", ","].includes(c.name)) argNodes.push({ name: c.name, from: c.from, to: c.to, node: c });
            if (RANGE_FUNCTIONS.has(name) && !["MatrixSelector", "SubqueryExpr"].includes(argNodes[name === "quantile_over_time" ? 1 : 0]?.name ?? "")) {
                errors.push(`${name}() needs a range vector, e.g. ${name}(x[5m])`);
            }
            const ranged = argNodes[0]?.node.getChild("VectorSelector")?.getChild("Identifier");
            const rangedName = ranged ? text(ranged.from, ranged.to) : "";
            if (["rate", "increase"].includes(name) && rangedName && !COUNTER_SUFFIX.test(rangedName)) {
                errors.push(
                    `${name}(${rangedName}): Prometheus warns "might not be a counter" (no _total/_sum/_count/_bucket suffix) and Grafana shows it on the panel; use irate() or delta()`,
                );
            }
            const inner = argNodes[1]?.node;
            if (name === "histogram_quantile" && inner?.name === "AggregateExpr") {
                const modifier = inner.getChild("AggregateModifier");
                const labels =
                    modifier
                        ?.getChild("GroupingLabels")
                        ?.getChildren("LabelName")
                        .map((l) => text(l.from, l.to)) ?? [];
                if (modifier?.getChild("By") && !labels.includes("le")) errors.push("histogram_quantile() over an aggregation that drops the le label");
            }
        }
    } while (cursor.next());
    return { errors, metrics, jobs, selectors };
}

const LOGQL_PIPE = /\}\s*(\|=|\|~|!=|!~|\|\s*(json|logfmt|pattern|regexp|unpack|line_format|label_format|unwrap|drop|keep|decolorize)\b)/;
const LOGQL_RANGE = /\b(count_over_time|bytes_over_time|bytes_rate|rate|absent_over_time)\s*\(\s*\{/;

/** True for text that is LogQL rather than PromQL: a stream selector with a pipeline, or a log range aggregation. */
export function looksLikeLogql(expr: string): boolean {
    return LOGQL_PIPE.test(expr) || LOGQL_RANGE.test(expr) || /^\s*\{[^}]*\}\s*$/.test(expr);
}

/** Label names used in the stream selectors ({a="b", c=~"d"}) of a LogQL query. */
export function logqlStreamLabels(expr: string): string[] {
    const labels: string[] = [];
    for (const selector of expr.matchAll(/\{([^{}]*)\}/g)) {
        const body = selector[1].trim();
        if (!/^[A-Za-z_]\w*\s*(=~|!~|!=|=)\s*"/.test(body)) continue; // not a selector, e.g. a regex quantifier
        for (const m of body.matchAll(/([A-Za-z_]\w*)\s*(=~|!~|!=|=)\s*"(?:[^"\\]|\\.)*"/g)) labels.push(m[1]);
    }
    return labels;
}

/** Labels a series keeps, "all" when they depend on the scraped series, "scalar" for numbers. */
export type OutputLabels = ReadonlySet<string> | "all" | "scalar";

const EXPRESSIONS = new Set([
    "AggregateExpr",
    "BinaryExpr",
    "FunctionCall",
    "MatrixSelector",
    "NumberDurationLiteral",
    "NumberLiteral",
    "OffsetExpr",
    "ParenExpr",
    "StringLiteral",
    "SubqueryExpr",
    "UnaryExpr",
    "VectorSelector",
    "StepInvariantExpr",
]);
const KEEP_INPUT_LABELS = new Set(["topk", "bottomk", "limitk", "limit_ratio"]);

/**
 * The labels each recording rule's series carry, worked out from its expression: `sum by (job)`
 * keeps job, `a / b` keeps a's labels, a plain selector keeps whatever was scraped ("all").
 */
export function recordedLabels(rules: ReadonlyMap<string, string>): Map<string, OutputLabels> {
    const out = new Map<string, OutputLabels>();
    const of = (name: string, seen: Set<string>): OutputLabels => {
        const known = out.get(name);
        if (known) return known;
        const expr = rules.get(name);
        if (expr === undefined || seen.has(name)) return "all";
        const labels = labelsOf(parser.parse(expr).topNode, expr, (n) => of(n, new Set([...seen, name])));
        out.set(name, labels);
        return labels;
    };
    for (const name of rules.keys()) of(name, new Set());
    return out;
}

type Node = ReturnType<typeof parser.parse>["topNode"];

function labelsOf(node: Node, expr: string, rule: (name: string) => OutputLabels): OutputLabels {
    const text = (n: Node) => expr.slice(n.from, n.to);
    const kids: Node[] = [];
    for (let c = node.firstChild; c; c = c.nextSibling) if (EXPRESSIONS.has(c.name)) kids.push(c);
    const args = (body: Node | null) => {
        const list: Node[] = [];
        for (let c = body?.firstChild; c; c = c?.nextSibling) if (EXPRESSIONS.has(c.name)) list.push(c);
        return list;
    };
    const firstVector = (list: Node[]) => list.map((n) => labelsOf(n, expr, rule)).find((l) => l !== "scalar") ?? "scalar";
    switch (node.name) {
        case "NumberDurationLiteral":
        case "NumberLiteral":
        case "StringLiteral":
            return "scalar";
        case "VectorSelector": {
            const id = node.getChild("Identifier");
            return id ? rule(text(id)) : "all";
        }
        case "AggregateExpr": {
            const op = text(node.getChild("AggregateOp")!);
            const body = args(node.getChild("FunctionCallBody"));
            if (KEEP_INPUT_LABELS.has(op)) return firstVector(body.slice(-1));
            const modifier = node.getChild("AggregateModifier");
            if (!modifier) return new Set();
            if (modifier.getChild("Without")) return "all";
            return new Set(modifier.getChild("GroupingLabels")?.getChildren("LabelName").map(text) ?? []);
        }
        case "FunctionCall": {
            const fn = text(node.getChild("FunctionIdentifier")!);
            const body = args(node.getChild("FunctionCallBody"));
            if (["vector", "time", "scalar", "pi"].includes(fn)) return fn === "vector" ? new Set() : "scalar";
            if (fn === "histogram_quantile") {
                const inner = labelsOf(body[1], expr, rule);
                return inner === "all" || inner === "scalar" ? inner : new Set([...inner].filter((l) => l !== "le"));
            }
            if (fn === "label_replace" || fn === "label_join") {
                const inner = labelsOf(body[0], expr, rule);
                return inner === "all" || inner === "scalar" ? inner : new Set([...inner, text(body[1]).slice(1, -1)]);
            }
            return firstVector(body);
        }
        case "BinaryExpr": {
            const [lhs, rhs] = [labelsOf(kids[0], expr, rule), labelsOf(kids[1], expr, rule)];
            if (lhs === "scalar") return rhs;
            if (rhs === "scalar") return lhs;
            if (node.getChild("Or")) return lhs === "all" || rhs === "all" ? "all" : new Set([...lhs, ...rhs]);
            return node.getChild("MatchingModifierClause")?.getChild("GroupRight") ? rhs : lhs;
        }
        default:
            return kids.length > 0 ? labelsOf(kids[0], expr, rule) : "all";
    }
}
