import { BuiltInDashboard, DashboardFile, DashboardFolder, panelsOf, variableExpression } from "../../config/dashboards";
import { DEFAULT_HTTP, HttpConfig, httpRenames, isDefaultHttp } from "../../config/http";
import { renamePromql, PromqlRenames } from "../../config/promql";

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => typeof x === "object" && x !== null && !Array.isArray(x);

/** Built-in dashboards written with the default HTTP names, rewritten to follow monitoring:http. */
export const HTTP_DASHBOARDS = ["services/http-red"];

/** A dashboard file Grafana reads, relative to its provider's directory. */
export interface RenderedDashboard {
    readonly path: string;
    readonly content: string;
}

/** One file provider of provisioning/dashboards/*.yml. */
export interface DashboardProvider {
    readonly name: string;
    /** Folder title; absent: folders follow the directories under `path`. */
    readonly folder?: string;
    readonly path: string;
}

const dump = (json: Json): string => `${JSON.stringify(json, null, 2)}\n`;

/** The built-in dashboards as Grafana gets them: HTTP ones follow the stack's names. */
export function renderBuiltInDashboards(dashboards: readonly BuiltInDashboard[], http: HttpConfig): RenderedDashboard[] {
    return dashboards.map((d) => ({
        path: `${d.folder}/${d.file}`,
        content: dump(HTTP_DASHBOARDS.includes(d.name) && !isDefaultHttp(http) ? followHttpNames(d.json, http) : d.json),
    }));
}

/** The user's folders, one directory each (the provider sets the folder title). */
export function userDashboardDirs(folders: readonly DashboardFolder[]): { folder: string; dir: string; files: RenderedDashboard[] }[] {
    return folders.map((f, i) => ({
        folder: f.folder,
        dir: `${i + 1}-${f.folder.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 30) || "folder"}`,
        files: f.dashboards.map((d: DashboardFile) => ({ path: d.file, content: dump(d.json) })),
    }));
}

/**
 * A dashboard's queries with the HTTP metric and label names of this stack, through the PromQL
 * parser: selectors, matchers, groupings, variable queries and `{{label}}` legends.
 */
export function followHttpNames(dashboard: Json, http: HttpConfig): Json {
    const json = JSON.parse(JSON.stringify(dashboard)) as Json;
    const renames = httpRenames(http);
    const labels = renames.labels ?? {};
    const bucket = `${DEFAULT_HTTP.durationMetric}_bucket`;
    for (const panel of panelsOf(json)) {
        let readsBuckets = false;
        for (const target of (Array.isArray(panel.targets) ? panel.targets : []).filter(isObject)) {
            if (typeof target.expr === "string") {
                readsBuckets ||= target.expr.includes(bucket) && !target.expr.includes("histogram_quantile");
                target.expr = renamePromql(target.expr, renames);
            }
            if (typeof target.legendFormat === "string") target.legendFormat = renameLegend(target.legendFormat, labels);
        }
        // A heatmap of raw buckets shows the histogram's own unit.
        if (readsBuckets && http.durationUnit === "milliseconds") setUnit(panel, "ms");
    }
    const variables = ((json.templating as Json | undefined)?.list as unknown[] | undefined) ?? [];
    for (const variable of variables.filter(isObject)) {
        if (variable.type !== "query") continue;
        if (typeof variable.definition === "string") variable.definition = renameVariableQuery(variable.definition, renames);
        if (typeof variable.query === "string") variable.query = renameVariableQuery(variable.query, renames);
        else if (isObject(variable.query) && typeof variable.query.query === "string") {
            variable.query.query = renameVariableQuery(variable.query.query, renames);
        }
    }
    return json;
}

/** `label_values(<expr>, label)` and friends: only the PromQL inside is rewritten. */
function renameVariableQuery(query: string, renames: PromqlRenames): string {
    const expr = variableExpression(query);
    if (expr === "") return query;
    const at = query.indexOf(expr);
    return query.slice(0, at) + renamePromql(expr, renames) + query.slice(at + expr.length);
}

function renameLegend(legend: string, labels: Readonly<Record<string, string>>): string {
    return legend.replace(/\{\{\s*([A-Za-z_]\w*)\s*\}\}/g, (whole, label: string) => (labels[label] ? `{{${labels[label]}}}` : whole));
}

function setUnit(panel: Json, unit: string): void {
    const defaults = (panel.fieldConfig as Json | undefined)?.defaults as Json | undefined;
    if (defaults && defaults.unit === "s") defaults.unit = unit;
    const yAxis = (panel.options as Json | undefined)?.yAxis as Json | undefined;
    if (yAxis && yAxis.unit === "s") yAxis.unit = unit;
}
