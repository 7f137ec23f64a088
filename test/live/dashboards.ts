// Every PromQL expression of every dashboard, with Grafana's variables filled in as Grafana
// would, run against the live Prometheus.
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { KUBERNETES_DASHBOARDS } from "../../components/dashboards";
import { shippedFiles } from "../../config/shipped-files";
import { basicAuth, LiveService, LiveStack } from "./harness";

// The package is an ES module with a CommonJS build; under node16 resolution only require() reaches the latter.
type LezerPromql = typeof import("@prometheus-io/lezer-promql", { with: { "resolution-mode": "import" } });

const { parser } = require("@prometheus-io/lezer-promql") as LezerPromql;

/** Grafana's built-in variables, as Grafana would set them for a dashboard over the last hour. */
const BUILTINS: Record<string, string> = {
    __rate_interval: "1m",
    __interval: "15s",
    __interval_ms: "15000",
    __range: "1h",
    __range_s: "3600",
    __range_ms: "3600000",
    __auto: "1m",
};

/** Which service exposes a metric, by prefix; `*` means every scraped service (process_, go_, up). */
const METRIC_OWNERS: [RegExp, string][] = [
    [/^node_/, "node-exporter"],
    [/^pg_/, "postgres-exporter"],
    [/^redis_/, "redis-exporter"],
    // Only an exporter watching a replica has these; the live stack runs a single MariaDB.
    [/^mysql_slave_status_/, "mysql-exporter watching a replica"],
    [/^mysql_/, "mysql-exporter"],
    [/^prometheus_|^ALERTS(_FOR_STATE)?$/, "prometheus"],
    [/^alertmanager_/, "alertmanager"],
    [/^(up|scrape_.*|process_.*|go_.*)$/, "*"],
    [/^live_/, "app"],
];

export interface DashboardQuery {
    readonly dashboard: string;
    readonly panel: string;
    /** The expression with every variable replaced. */
    readonly expr: string;
}

interface GrafanaVariable {
    readonly name: string;
    readonly type: string;
    readonly includeAll?: boolean;
    readonly allValue?: string | null;
    readonly current?: { value?: string | string[] };
    readonly query?: unknown;
    readonly datasource?: { type?: string; uid?: string } | string | null;
}

interface Panel {
    readonly title?: string;
    readonly type?: string;
    readonly datasource?: { type?: string; uid?: string } | string | null;
    readonly targets?: { expr?: string; datasource?: Panel["datasource"]; hide?: boolean }[];
    readonly panels?: Panel[];
}

function isLoki(ds: Panel["datasource"] | undefined): boolean {
    if (!ds) return false;
    const text = typeof ds === "string" ? ds : `${ds.type ?? ""} ${ds.uid ?? ""}`;
    return /loki/i.test(text);
}

/** The value Grafana substitutes for a variable: its current value, the `allValue` for "All". */
function variableValue(variable: GrafanaVariable): string {
    const current = variable.current?.value;
    const values = Array.isArray(current) ? current : current === undefined ? [] : [current];
    if (values.includes("$__all") || (values.length === 0 && variable.includeAll)) return variable.allValue ?? ".*";
    if (values.length > 1) return `(${values.join("|")})`;
    return values[0] ?? "";
}

/** Replaces `$var`, `${var}`, `${var:format}` and `[[var]]` by their values, longest names first. */
export function substitute(expr: string, variables: Record<string, string>): string {
    const names = Object.keys(variables)
        .sort((a, b) => b.length - a.length)
        .map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    if (!names.length) return expr;
    const re = new RegExp(`\\$\\{(${names.join("|")})(?::[^}]*)?\\}|\\[\\[(${names.join("|")})\\]\\]|\\$(${names.join("|")})(?![A-Za-z0-9_])`, "g");
    return expr.replace(re, (_m, a: string, b: string, c: string) => variables[a ?? b ?? c]);
}

/** The PromQL a query variable runs: `label_values(sel, label)` asks for `sel`'s series. */
function variableExpr(query: unknown): string | undefined {
    const text = typeof query === "string" ? query : (query as { query?: string } | undefined)?.query;
    if (!text) return undefined;
    const labelValues = /^\s*label_values\((.*),\s*\w+\s*\)\s*$/s.exec(text);
    if (labelValues) return labelValues[1];
    const queryResult = /^\s*query_result\((.*)\)\s*$/s.exec(text);
    if (queryResult) return queryResult[1];
    return undefined;
}

/** The parts of a dashboard's JSON model that hold queries. */
interface DashboardModel {
    readonly templating?: { readonly list?: GrafanaVariable[] };
    readonly panels?: Panel[];
    readonly annotations?: { readonly list?: { readonly name?: string; readonly expr?: string; readonly datasource?: Panel["datasource"] }[] };
}

/** Every Prometheus query of every dashboard (panels, nested rows, query variables, annotations). */
export function dashboardQueries(): DashboardQuery[] {
    const out: DashboardQuery[] = [];
    // The Kubernetes folder is provisioned on Kubernetes only: the loopback stack has none of its jobs.
    for (const dashboard of shippedFiles().dashboards.filter((d) => d.folder !== KUBERNETES_DASHBOARDS)) {
        const file = `${dashboard.name}.json`;
        const doc = dashboard.json as DashboardModel;
        const variables: GrafanaVariable[] = doc.templating?.list ?? [];
        const values: Record<string, string> = { ...BUILTINS };
        for (const v of variables) values[v.name] = variableValue(v);
        const add = (panel: string, expr: string) => out.push({ dashboard: file, panel, expr: substitute(expr, values) });

        for (const v of variables) {
            if (v.type !== "query" || isLoki(v.datasource ?? undefined)) continue;
            const expr = variableExpr(v.query);
            if (expr) add(`variable $${v.name}`, expr);
        }
        const walk = (panels: Panel[]) => {
            for (const panel of panels) {
                if (panel.panels) walk(panel.panels);
                for (const target of panel.targets ?? []) {
                    if (!target.expr || isLoki(target.datasource ?? panel.datasource)) continue;
                    add(panel.title ?? "(untitled)", target.expr);
                }
            }
        };
        walk(doc.panels ?? []);
        for (const annotation of doc.annotations?.list ?? []) {
            if (annotation.expr && !isLoki(annotation.datasource)) add(`annotation ${annotation.name}`, annotation.expr);
        }
    }
    return out;
}

/** Metric names an expression selects. */
export function metricNames(expr: string): string[] {
    const names = new Set<string>();
    parser.parse(expr).iterate({
        enter: (node) => {
            if (node.name === "VectorSelector") {
                const id = node.node.getChild("Identifier");
                if (id) names.add(expr.slice(id.from, id.to));
            }
        },
    });
    return [...names];
}

const COMPARISONS = new Set(["Eql", "Neq", "Gtr", "Lss", "Gte", "Lte"]);

/** An expression whose top level is a filtering comparison (`... > 0`, no `bool`): it may be empty by design. */
export function isFilter(expr: string): boolean {
    let node = parser.parse(expr).topNode.firstChild;
    while (node?.name === "ParenExpr") node = node.firstChild;
    if (node?.name !== "BinaryExpr") return false;
    const children: string[] = [];
    for (let c = node.firstChild; c; c = c.nextSibling) children.push(c.name);
    return children.some((n) => COMPARISONS.has(n)) && !children.includes("BoolModifier");
}

/** Recording rule name -> metric names its expression reads, from the rule files Prometheus loaded. */
function recordingRules(prometheus: LiveService): Map<string, string[]> {
    const dir = path.join(prometheus.root, "etc/prometheus/rules");
    const out = new Map<string, string[]>();
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".yml"))) {
        const doc = yaml.load(fs.readFileSync(path.join(dir, file), "utf8")) as { groups?: { rules: { record?: string; expr: string }[] }[] };
        for (const group of doc.groups ?? []) {
            for (const rule of group.rules) if (rule.record) out.set(rule.record, metricNames(String(rule.expr)));
        }
    }
    return out;
}

/** The services an expression's metrics come from; undefined when one is not known to run here. */
function owners(metrics: string[], rules: Map<string, string[]>, seen = new Set<string>()): Set<string> | undefined {
    const result = new Set<string>();
    for (const metric of metrics) {
        const recorded = rules.get(metric);
        if (recorded && !seen.has(metric)) {
            seen.add(metric);
            const inner = owners(recorded, rules, seen);
            if (!inner) return undefined;
            inner.forEach((o) => result.add(o));
            continue;
        }
        const owner = METRIC_OWNERS.find(([re]) => re.test(metric))?.[1];
        if (!owner) return undefined;
        result.add(owner);
    }
    return result;
}

export interface DashboardCheck {
    /** One line per problem: a query Prometheus rejects (or warns about), or a panel over running components without data. */
    readonly problems: string[];
    readonly queries: number;
    /** Panels (and query variables) that had to show data, by dashboard. */
    readonly required: Record<string, number>;
}

/** Runs every dashboard query against `prometheus`. */
export async function checkDashboards(prometheus: LiveService, stack: LiveStack): Promise<DashboardCheck> {
    const running = new Set([...stack.runnable.filter((s) => s.process?.alive).map((s) => s.spec.name), "app", "*"]);
    const rules = recordingRules(prometheus);
    const problems: string[] = [];
    const panels = new Map<string, { required: boolean; hasData: boolean }>();
    const queries = dashboardQueries();
    if (!queries.length) problems.push("no dashboard queries found under dashboards/");
    for (const q of queries) {
        const key = `${q.dashboard} / ${q.panel}`;
        const params = new URLSearchParams({ query: q.expr });
        const res = await fetch(`${prometheus.url}/api/v1/query?${params}`, { headers: basicAuth(prometheus.password!) });
        const body = (await res.json()) as { status: string; error?: string; warnings?: string[]; data?: { result: unknown[] } };
        if (body.status !== "success") {
            problems.push(`${key}: ${body.error}\n    ${q.expr}`);
            continue;
        }
        // "PromQL info: metric might not be a counter" is about exporters' names (pg_stat_*), not the query.
        for (const warning of (body.warnings ?? []).filter((w) => !w.startsWith("PromQL info:"))) {
            problems.push(`${key}: warning ${warning}\n    ${q.expr}`);
        }
        const own = owners(metricNames(q.expr), rules);
        const required = !isFilter(q.expr) && !!own && own.size > 0 && [...own].every((o) => running.has(o)) && ![...own].every((o) => o === "*");
        const entry = panels.get(key) ?? { required: false, hasData: false };
        entry.required ||= required;
        entry.hasData ||= (body.data?.result.length ?? 0) > 0;
        panels.set(key, entry);
    }
    const required: Record<string, number> = {};
    for (const [key, entry] of panels) {
        if (!entry.required) continue;
        const dashboard = key.split(" / ")[0];
        required[dashboard] = (required[dashboard] ?? 0) + 1;
        if (!entry.hasData) problems.push(`${key}: no data, although the components it shows are running`);
    }
    return { problems, queries: queries.length, required };
}
