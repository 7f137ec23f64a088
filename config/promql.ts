/**
 * PromQL as the Prometheus UI reads it (@prometheus-io/lezer-promql): syntax checks and
 * parser-backed rewrites (metric and label renames), also for Grafana queries that hold
 * template variables such as `$job` or `[$__rate_interval]`.
 */
// The package is an ES module with a CommonJS build; under node16 resolution only require() reaches the latter.
type LezerPromql = typeof import("@prometheus-io/lezer-promql", { with: { "resolution-mode": "import" } });
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const { parser: promqlParser } = require("@prometheus-io/lezer-promql") as LezerPromql;
const parser = promqlParser;

/** A replacement of `expr.slice(from, to)`; from === to inserts. */
export interface Edit {
    readonly from: number;
    readonly to: number;
    readonly text: string;
}

/** Applies non-overlapping edits; insertions at one point land in the order they are listed. */
export function applyEdits(content: string, edits: readonly Edit[]): string {
    // Back to front, so earlier offsets stay valid; at one point the last listed goes in first.
    const sorted = edits.map((e, i) => ({ ...e, i })).sort((a, b) => b.from - a.from || b.to - a.to || b.i - a.i);
    for (let k = 1; k < sorted.length; k++) {
        if (sorted[k].to > sorted[k - 1].from) throw new Error(`overlapping edits at offset ${sorted[k].from}`);
    }
    return sorted.reduce((text, e) => text.slice(0, e.from) + e.text + text.slice(e.to), content);
}

/** Grafana's built-in variables, with a value of the kind PromQL expects in their place. */
export const BUILTIN_VALUES: Readonly<Record<string, string>> = {
    __rate_interval: "5m",
    __interval: "1m",
    __range: "1h",
    __auto: "1m",
    __rate_interval_ms: "300000",
    __interval_ms: "60000",
    __range_s: "3600",
    __range_ms: "3600000",
};
const VARIABLE = /\$\{([A-Za-z_]\w*)(?::[^}]*)?\}|\$([A-Za-z_]\w*)|\[\[([A-Za-z_]\w*)(?::[^\]]*)?\]\]/g;

/** A query with its Grafana variables replaced by valid stand-ins, and where each character came from. */
interface Substituted {
    readonly text: string;
    /** Offset in the original of each character of `text`; -1 inside a stand-in. */
    readonly origin: number[];
}

function substituteVariables(expr: string): Substituted {
    let text = "";
    const origin: number[] = [];
    let at = 0;
    for (const m of expr.matchAll(VARIABLE)) {
        for (let i = at; i < m.index; i++) origin.push(i);
        text += expr.slice(at, m.index);
        // Inside a string literal any text will do; elsewhere a duration or a number keeps the syntax.
        const standIn = BUILTIN_VALUES[(m[1] ?? m[2] ?? m[3]) as string] ?? "placeholder";
        text += standIn;
        for (let i = 0; i < standIn.length; i++) origin.push(-1);
        at = m.index + m[0].length;
    }
    for (let i = at; i < expr.length; i++) origin.push(i);
    return { text: text + expr.slice(at), origin };
}

/** The first syntax error of a PromQL expression (Grafana variables allowed), or undefined. */
export function promqlError(expr: string): string | undefined {
    const { text } = substituteVariables(expr);
    if (text.trim() === "") return "empty expression";
    let error: string | undefined;
    parser.parse(text).iterate({
        enter(node) {
            if (error) return false;
            if (!node.type.isError) return undefined;
            error = `syntax error at ${node.from}: ${JSON.stringify(text.slice(node.from, Math.max(node.to, node.from + 12)))}`;
            return false;
        },
    });
    return error;
}

/** What to rename in an expression. */
export interface PromqlRenames {
    /** Metric names in selectors, old -> new. */
    readonly metrics?: Readonly<Record<string, string>>;
    /** Label names (matchers, by/without, on/ignoring, group_left/right), old -> new. */
    readonly labels?: Readonly<Record<string, string>>;
    /**
     * Divides every histogram_quantile over one of these metrics by `by`, so a histogram in
     * milliseconds still yields seconds.
     */
    readonly scaleQuantiles?: { readonly metrics: readonly string[]; readonly by: number };
}

/** Edits (offsets into `expr`) that apply `renames`; throws on a syntax error. */
export function renameEdits(expr: string, renames: PromqlRenames): Edit[] {
    const sub = substituteVariables(expr);
    const tree = parser.parse(sub.text);
    const edits: Edit[] = [];
    // Where a node of the substituted text sits in `expr`; `contiguous`: no variable inside it.
    const original = (from: number, to: number, contiguous = true): { from: number; to: number } | undefined => {
        const a = sub.origin[from];
        const b = sub.origin[to - 1];
        return a >= 0 && b >= 0 && (!contiguous || b - a === to - 1 - from) ? { from: a, to: b + 1 } : undefined;
    };
    const rename = (from: number, to: number, table?: Readonly<Record<string, string>>) => {
        const renamed = table?.[sub.text.slice(from, to)];
        const at = original(from, to);
        if (renamed !== undefined && at) edits.push({ ...at, text: renamed });
    };
    const selectors: { at: number; name: string }[] = [];
    const quantiles: { from: number; to: number }[] = [];
    tree.iterate({
        enter(node) {
            if (node.type.isError) throw new Error(`cannot parse PromQL: ${expr}`);
            if (node.name === "LabelName") rename(node.from, node.to, renames.labels);
            else if (node.name === "Identifier" && node.node.parent?.name === "VectorSelector") {
                rename(node.from, node.to, renames.metrics);
                selectors.push({ at: node.from, name: sub.text.slice(node.from, node.to) });
            } else if (node.name === "HistogramQuantile") {
                const call = node.node.parent?.parent;
                if (call?.name === "FunctionCall") quantiles.push({ from: call.from, to: call.to });
            }
        },
    });
    const scale = renames.scaleQuantiles;
    if (scale && scale.by !== 1) {
        const buckets = new Set(scale.metrics.map((m) => `${m}_bucket`));
        for (const q of quantiles) {
            if (!selectors.some((s) => s.at > q.from && s.at < q.to && buckets.has(s.name))) continue;
            const at = original(q.from, q.to, false);
            if (!at) throw new Error(`cannot rewrite a quantile that starts or ends in a Grafana variable: ${expr}`);
            edits.push({ from: at.from, to: at.from, text: "(" }, { from: at.to, to: at.to, text: ` / ${scale.by})` });
        }
    }
    return edits;
}

/** `expr` with `renames` applied through the parser, never by text search. */
export function renamePromql(expr: string, renames: PromqlRenames): string {
    return applyEdits(expr, renameEdits(expr, renames));
}

/** Positions (in `expr`) of the number literals equal to `value`. */
export function numberLiterals(expr: string, value: number): { from: number; to: number }[] {
    const found: { from: number; to: number }[] = [];
    parser.parse(expr).iterate({
        enter(node) {
            if (node.name !== "NumberDurationLiteral" && node.name !== "NumberLiteral") return;
            const text = expr.slice(node.from, node.to);
            if (/^[0-9.eE+-]+$|^0x/i.test(text) && Number(text) === value) found.push({ from: node.from, to: node.to });
        },
    });
    return found;
}

/** Label matchers (`name`, `op`, quoted value) inserted into every vector selector of `expr`, parser-located. */
export function addMatcherToSelectors(expr: string, matcher: string): { from: number; to: number; text: string }[] {
    const edits: { from: number; to: number; text: string }[] = [];
    promqlParser.parse(expr).iterate({
        enter(node) {
            if (node.type.isError) throw new Error(`cannot parse PromQL: ${expr}`);
            if (node.name !== "VectorSelector") return;
            const matchers = node.node.getChild("LabelMatchers");
            if (!matchers) {
                edits.push({ from: node.to, to: node.to, text: `{${matcher}}` });
                return false;
            }
            const inside = expr.slice(matchers.from + 1, matchers.to - 1).trim();
            const comma = inside === "" || inside.endsWith(",") ? "" : ", ";
            edits.push({ from: matchers.to - 1, to: matchers.to - 1, text: `${comma}${matcher}` });
            return false;
        },
    });
    return edits;
}

/** A PromQL string literal: JSON's escapes are Go's for these characters. */
export const promqlString = (value: string): string => JSON.stringify(value);

/** A regex matching exactly these strings (RE2 syntax, which Prometheus anchors). */
export const exactAlternatives = (values: readonly string[]): string => values.map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");

/**
 * How an SLI expression reads its counters: `selector` (one bare selector, e.g.
 * `gateway_requests_total{code=~"5.."}`, rated by the stack) or `ranged` (an expression reading
 * ranges such as `[5m]`, whose ranges the stack sets to each SLO window); undefined otherwise.
 */
export function sliShape(expr: string): "selector" | "ranged" | undefined {
    const top = parser.parse(expr).topNode.firstChild;
    if (top?.name === "VectorSelector" && top.from === 0 && top.to === expr.length) return "selector";
    let ranged = false;
    parser.parse(expr).iterate({
        enter(node) {
            if (node.name === "MatrixSelector") ranged = true;
            return !ranged;
        },
    });
    return ranged ? "ranged" : undefined;
}

/** The metric name of a bare selector (`x{a="b"}` or `{__name__="x", ...}`), if it has one. */
export function selectorMetric(selector: string): string | undefined {
    let name: string | undefined;
    parser.parse(selector).iterate({
        enter(node) {
            if (node.name === "Identifier" && node.node.parent?.name === "VectorSelector") name = selector.slice(node.from, node.to);
            if (node.name === "UnquotedLabelMatcher" && selector.slice(node.from, node.to).startsWith("__name__=")) {
                const value = node.node.getChild("StringLiteral");
                if (value) name = JSON.parse(selector.slice(value.from, value.to)) as string;
            }
            return name === undefined;
        },
    });
    return name;
}

/** `expr` with the range of every matrix selector (`[5m]`) set to `window`, through the parser. */
export function withRange(expr: string, window: string): string {
    const edits: Edit[] = [];
    parser.parse(expr).iterate({
        enter(node) {
            if (node.name !== "MatrixSelector") return undefined;
            const range = node.node.getChild("DurationExpr");
            if (range) edits.push({ from: range.from, to: range.to, text: window });
            return false;
        },
    });
    return applyEdits(expr, edits);
}

/** A bare selector with its metric name replaced (`x{a="b"}` -> `x_bucket{a="b"}`), through the parser. */
export function renameSelectorMetric(selector: string, name: string): string {
    const identifier = parser.parse(selector).topNode.firstChild?.getChild("Identifier");
    if (!identifier) throw new Error(`no metric name to rename in ${selector}`);
    return applyEdits(selector, [{ from: identifier.from, to: identifier.to, text: name }]);
}

/**
 * The first syntax error of an expression Prometheus itself will evaluate (a rule, an SLI), or
 * undefined: unlike `promqlError`, a Grafana variable such as `$job` is an error here.
 */
export function promqlRuleError(expr: string): string | undefined {
    if (expr.trim() === "") return "empty expression";
    let error: string | undefined;
    parser.parse(expr).iterate({
        enter(node) {
            if (error) return false;
            if (!node.type.isError) return undefined;
            const near = expr.slice(node.from, Math.max(node.to, node.from + 12));
            error = near === "" ? "the expression ends too early" : `syntax error at ${node.from}: ${JSON.stringify(near)}`;
            return false;
        },
    });
    return error;
}
