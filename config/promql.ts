// The PromQL parser Prometheus' own UI uses, for checks and parser-backed rewrites of expressions.

// The package is an ES module with a CommonJS build; under node16 resolution only require() reaches the latter.
type LezerPromql = typeof import("@prometheus-io/lezer-promql", { with: { "resolution-mode": "import" } });
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const { parser: promqlParser } = require("@prometheus-io/lezer-promql") as LezerPromql;

/** Undefined when `expr` parses; otherwise where it stops making sense, for an error message. */
export function promqlSyntaxError(expr: string): string | undefined {
    if (expr.trim() === "") return "the expression is empty";
    let at: number | undefined;
    promqlParser.parse(expr).iterate({
        enter(node) {
            if (at === undefined && node.type.isError) at = node.from;
            return at === undefined;
        },
    });
    if (at === undefined) return undefined;
    const near = expr.slice(Math.max(0, at - 20), at + 20).replace(/\s+/g, " ");
    return `unexpected input at character ${at + 1} (near ${JSON.stringify(near)})`;
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
export const exactAlternatives = (values: readonly string[]): string =>
    values.map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
