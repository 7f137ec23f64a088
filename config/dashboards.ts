import * as fs from "fs";
import * as path from "path";
import { ConfigError } from "./errors";
import { promqlError } from "./promql";
import * as v from "./validate";

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => typeof x === "object" && x !== null && !Array.isArray(x);

/** The stack's datasources: fixed UIDs (dashboards reference these, so they never change), by plugin type. */
export const STACK_DATASOURCES = {
    prometheus: { uid: "prometheus", name: "Prometheus" },
    alertmanager: { uid: "alertmanager", name: "Alertmanager" },
    loki: { uid: "loki", name: "Loki" },
} as const;
export type DatasourceType = keyof typeof STACK_DATASOURCES;

/** Datasources Grafana always has: its own, mixed, and the one that reuses another panel's data. */
const GRAFANA_DATASOURCES = new Set(["grafana", "-- Grafana --", "-- Mixed --", "-- Dashboard --", "datasource"]);

/** One dashboard Grafana is given, ready to provision. */
export interface DashboardFile {
    /** Path below the folder's directory, e.g. `kafka.json`. */
    readonly file: string;
    readonly uid: string;
    readonly title: string;
    readonly json: Json;
}

/** A Grafana folder of the user's dashboards (`monitoring:dashboards`). */
export interface DashboardFolder {
    /** The folder's title in Grafana. */
    readonly folder: string;
    readonly dashboards: DashboardFile[];
}

/** A built-in dashboard: `name` is its path under dashboards/ without .json, e.g. `datastores/kafka`. */
export interface BuiltInDashboard extends DashboardFile {
    readonly name: string;
    readonly folder: string;
}

/** Every .json file under `dir`, sorted. */
export function jsonFilesUnder(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs
        .readdirSync(dir, { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".json"))
        .map((f) => path.join(dir, f))
        .filter((f) => fs.statSync(f).isFile())
        .sort();
}

/** `*`, `?` and `**` of a glob as a regular expression over `/`-separated paths. */
function globRegex(pattern: string): RegExp {
    let re = "";
    for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i];
        if (c === "*" && pattern[i + 1] === "*") {
            re += pattern[i + 2] === "/" ? "(?:.*/)?" : ".*";
            i += pattern[i + 2] === "/" ? 2 : 1;
        } else if (c === "*") re += "[^/]*";
        else if (c === "?") re += "[^/]";
        else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
    return new RegExp(`^${re}$`);
}

/** The files a `path` names: one file, every .json under a folder, or the matches of a glob. */
export function dashboardPaths(key: string, given: string, cwd = process.cwd()): string[] {
    const absolute = path.resolve(cwd, given);
    if (!/[*?]/.test(given)) {
        if (!fs.existsSync(absolute)) throw new ConfigError(key, `${JSON.stringify(given)} does not exist (relative paths start at ${cwd})`);
        if (fs.statSync(absolute).isFile()) return [absolute];
        const files = jsonFilesUnder(absolute);
        if (files.length === 0) throw new ConfigError(key, `${JSON.stringify(given)} holds no .json file`);
        return files;
    }
    const parts = absolute.split(path.sep);
    const firstGlob = parts.findIndex((p) => /[*?]/.test(p));
    const base = parts.slice(0, firstGlob).join(path.sep) || path.sep;
    const regex = globRegex(parts.slice(firstGlob).join("/"));
    const files = fs.existsSync(base)
        ? fs
              .readdirSync(base, { recursive: true, encoding: "utf8" })
              .filter((f) => regex.test(f.split(path.sep).join("/")))
              .map((f) => path.join(base, f))
              .filter((f) => fs.statSync(f).isFile())
              .sort()
        : [];
    if (files.length === 0) throw new ConfigError(key, `${JSON.stringify(given)} matches no file`);
    return files;
}

/** Where a dashboard came from, for messages: the key and the file. */
interface Origin {
    readonly key: string;
    readonly file: string;
}

const fail = (origin: Origin, detail: string): never => {
    throw new ConfigError(origin.key, `${origin.file}: ${detail}`);
};

/** Maps `__inputs` placeholders and foreign datasource UIDs onto the stack's datasources. */
function resolveDatasources(json: Json, origin: Origin, available: readonly DatasourceType[], aliases: Record<string, DatasourceType>): Json {
    const inputs = Array.isArray(json.__inputs) ? json.__inputs.filter(isObject) : [];
    const values = new Map<string, string>();
    for (const input of inputs) {
        const name = String(input.name);
        if (input.type === "datasource") {
            const type = String(input.pluginId) as DatasourceType;
            if (!available.includes(type)) {
                fail(origin, `__inputs ${name} wants a ${String(input.pluginId)} datasource; the stack has ${available.join(", ")}`);
            }
            values.set(name, STACK_DATASOURCES[type].uid);
        } else if (input.type === "constant") values.set(name, String(input.value ?? ""));
    }
    // ${DS_PROMETHEUS} from the export, everywhere Grafana's import would have put the chosen value.
    const fill = (text: string): string => text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => values.get(name) ?? whole);
    const filled = deepMapStrings(json, fill);
    const datasourceVariables = (((filled.templating as Json | undefined)?.list as unknown[] | undefined) ?? [])
        .filter(isObject)
        .filter((x) => x.type === "datasource");
    const variables = new Set(datasourceVariables.map((x) => String(x.name)));
    // A datasource variable preselects the stack's datasource of its type, not the exporter's.
    for (const variable of datasourceVariables) {
        const type = variable.query as DatasourceType;
        if (available.includes(type)) variable.current = { text: STACK_DATASOURCES[type].name, value: STACK_DATASOURCES[type].uid };
    }
    const reference = (where: string, ds: unknown): unknown => {
        if (typeof ds === "string") {
            const text = fill(ds);
            if (GRAFANA_DATASOURCES.has(text) || (/^\$\{?\w+\}?$/.test(text) && variables.has(text.replace(/[${}]/g, "")))) return text;
            const type = typeByName(text, available, aliases);
            return type
                ? { type, uid: STACK_DATASOURCES[type].uid }
                : fail(origin, `${where}: datasource ${JSON.stringify(text)} is none of the stack's (${stackNames(available)}); map it under datasources`);
        }
        if (!isObject(ds)) return ds;
        const uid = typeof ds.uid === "string" ? fill(ds.uid) : undefined;
        const type = typeof ds.type === "string" ? ds.type : undefined;
        if (uid && (GRAFANA_DATASOURCES.has(uid) || GRAFANA_DATASOURCES.has(type ?? ""))) return { ...ds, uid };
        if (uid && /^\$\{?\w+\}?$/.test(uid)) {
            if (variables.has(uid.replace(/[${}]/g, ""))) return { ...ds, uid };
            fail(origin, `${where}: datasource ${uid} is neither an __inputs entry nor a datasource variable`);
        }
        const mapped =
            (uid !== undefined ? aliases[uid] : undefined) ??
            (type && available.includes(type as DatasourceType) ? (type as DatasourceType) : undefined) ??
            (uid ? typeByName(uid, available, {}) : undefined);
        if (!mapped) {
            return fail(
                origin,
                `${where}: datasource ${JSON.stringify({ type, uid })} has no match among the stack's (${stackNames(available)}); map its uid under datasources`,
            );
        }
        return { ...ds, type: mapped, uid: STACK_DATASOURCES[mapped].uid };
    };
    const out = walkDatasources(filled, reference);
    delete out.__inputs;
    return out;
}

function stackNames(available: readonly DatasourceType[]): string {
    return available.map((t) => `${t} (uid ${STACK_DATASOURCES[t].uid})`).join(", ");
}

function typeByName(text: string, available: readonly DatasourceType[], aliases: Record<string, DatasourceType>): DatasourceType | undefined {
    return aliases[text] ?? available.find((t) => STACK_DATASOURCES[t].uid === text || STACK_DATASOURCES[t].name === text);
}

function deepMapStrings(json: Json, map: (text: string) => string): Json {
    const visit = (node: unknown): unknown =>
        typeof node === "string"
            ? map(node)
            : Array.isArray(node)
              ? node.map(visit)
              : isObject(node)
                ? Object.fromEntries(Object.entries(node).map(([k, x]) => [k, visit(x)]))
                : node;
    return visit(json) as Json;
}

/** A copy of the dashboard with every `datasource` field (panels, targets, variables, annotations) passed through `map`. */
function walkDatasources(json: Json, map: (where: string, ds: unknown) => unknown): Json {
    const copy = JSON.parse(JSON.stringify(json)) as Json;
    const visit = (node: unknown, where: string): void => {
        if (Array.isArray(node)) return node.forEach((x, i) => visit(x, `${where}[${i}]`));
        if (!isObject(node)) return;
        for (const [k, value] of Object.entries(node)) {
            if (k === "datasource" && value !== null && value !== undefined) node[k] = map(describe(node, where), value);
            else visit(value, `${where}.${k}`);
        }
    };
    visit(copy, "");
    return copy;
}

function describe(node: Json, where: string): string {
    if (typeof node.title === "string") return `panel "${node.title}"`;
    if (typeof node.refId === "string") return `${where.replace(/^\./, "")} (refId ${node.refId})`;
    if (typeof node.name === "string") return `${where.includes("annotations") ? "annotation" : "variable"} "${node.name}"`;
    return where.replace(/^\./, "") || "dashboard";
}

/** Every panel, including those inside rows (new layout) and old `rows[].panels`. */
export function panelsOf(json: Json): Json[] {
    const top = [
        ...(Array.isArray(json.panels) ? json.panels : []),
        ...(Array.isArray(json.rows) ? json.rows.filter(isObject).flatMap((r) => (Array.isArray(r.panels) ? r.panels : [])) : []),
    ].filter(isObject);
    return top.flatMap((p) => [p, ...(Array.isArray(p.panels) ? p.panels.filter(isObject) : [])]);
}

/** One PromQL query of a dashboard and where it sits. */
export interface PromqlQuery {
    readonly where: string;
    readonly expr: string;
}

/** The Prometheus queries of a dashboard (panel targets, query variables, annotations); the default datasource is Prometheus. */
export function promqlQueries(json: Json): PromqlQuery[] {
    const isProm = (ds: unknown, fallback: boolean): boolean =>
        ds === undefined || ds === null
            ? fallback
            : isObject(ds)
              ? ds.type === "prometheus" || ds.uid === STACK_DATASOURCES.prometheus.uid
              : ds === STACK_DATASOURCES.prometheus.uid || ds === STACK_DATASOURCES.prometheus.name;
    const out: PromqlQuery[] = [];
    for (const panel of panelsOf(json)) {
        const panelProm = isProm(panel.datasource, true);
        for (const t of (Array.isArray(panel.targets) ? panel.targets : []).filter(isObject)) {
            if (typeof t.expr === "string" && t.expr.trim() !== "" && isProm(t.datasource, panelProm)) {
                out.push({ where: `panel "${String(panel.title ?? panel.id)}" (refId ${String(t.refId)})`, expr: t.expr });
            }
        }
    }
    for (const variable of (((json.templating as Json | undefined)?.list as unknown[] | undefined) ?? []).filter(isObject)) {
        if (variable.type !== "query" || !isProm(variable.datasource, true)) continue;
        const q = isObject(variable.query) ? variable.query.query : variable.query;
        const expr = typeof q === "string" ? variableExpression(q) : "";
        if (expr !== "") out.push({ where: `variable "${String(variable.name)}"`, expr });
    }
    for (const a of (((json.annotations as Json | undefined)?.list as unknown[] | undefined) ?? []).filter(isObject)) {
        if (a.builtIn === 1 || !isProm(a.datasource, false)) continue;
        const expr = isObject(a.target) ? a.target.expr : a.expr;
        if (typeof expr === "string" && expr.trim() !== "") out.push({ where: `annotation "${String(a.name)}"`, expr });
    }
    return out;
}

/** The PromQL inside a Grafana variable query: label_values(<expr>, label) and query_result(<expr>); "" when there is none. */
export function variableExpression(query: string): string {
    const q = query.trim();
    const labelValues = /^label_values\((.*),\s*[A-Za-z_]\w*\s*\)$/s.exec(q);
    if (labelValues) return labelValues[1].trim();
    if (/^(label_values\(\s*[A-Za-z_]\w*\s*\)|label_names\(.*\)|metrics\(.*\))$/s.test(q)) return "";
    const queryResult = /^query_result\((.*)\)$/s.exec(q);
    return queryResult ? queryResult[1].trim() : q;
}

/** Checks one dashboard and maps its datasources; `origin` names the key and file in errors. */
export function prepareDashboard(
    raw: string,
    origin: Origin,
    available: readonly DatasourceType[],
    aliases: Record<string, DatasourceType> = {},
): { uid: string; title: string; json: Json } {
    let parsed: unknown;
    try {
        parsed = JSON.parse(raw);
    } catch (err) {
        return fail(origin, `is not JSON (${(err as Error).message})`);
    }
    // An export from "Share > Export" sometimes wraps the model as {dashboard: {...}}.
    const model = isObject(parsed) && isObject(parsed.dashboard) && !("panels" in parsed) ? parsed.dashboard : parsed;
    if (!isObject(model)) return fail(origin, "is not a dashboard (a JSON object)");
    if (typeof model.title !== "string" || model.title.trim() === "") fail(origin, "has no title");
    if (typeof model.uid !== "string" || !/^[A-Za-z0-9_-]{1,40}$/.test(model.uid)) {
        fail(origin, `uid ${JSON.stringify(model.uid)} is not 1-40 of [A-Za-z0-9_-]; give the dashboard a fixed uid so links to it survive`);
    }
    const json = resolveDatasources(model, origin, available, aliases);
    // Provisioned dashboards get their id from Grafana's database.
    json.id = null;
    for (const q of promqlQueries(json)) {
        const error = promqlError(q.expr);
        if (error) fail(origin, `${q.where}: PromQL ${JSON.stringify(q.expr)} does not parse (${error})`);
    }
    return { uid: model.uid as string, title: model.title as string, json };
}

/** Reads `monitoring:dashboards`: every file of every entry, checked, into its folder. */
export function readUserDashboards(raw: unknown, available: readonly DatasourceType[], builtIn: readonly DashboardFile[]): DashboardFolder[] {
    const key = "dashboards";
    const entries = v.optional(raw, [] as Json[], (x) => v.list(key, x, (k, item) => v.fields(k, item, ["folder", "path", "datasources"])));
    const seenUid = new Map<string, string>(builtIn.map((d) => [d.uid, `the built-in dashboard ${d.title}`]));
    const folders = new Map<string, DashboardFile[]>();
    entries.forEach((entry, i) => {
        const at = `${key}[${i}]`;
        if (entry.folder === undefined) throw new ConfigError(`${at}.folder`, "is missing; name the Grafana folder the dashboards go into");
        if (entry.path === undefined) throw new ConfigError(`${at}.path`, "is missing; give a dashboard JSON file, a folder of them or a glob");
        const folder = v.string(`${at}.folder`, entry.folder);
        if (folder.length > 189 || /[/\\]/.test(folder))
            throw new ConfigError(`${at}.folder`, `${JSON.stringify(folder)} is not a folder title (no / or \\, at most 189 characters)`);
        const aliases = readAliases(`${at}.datasources`, entry.datasources, available);
        const list = folders.get(folder) ?? [];
        for (const file of dashboardPaths(`${at}.path`, v.string(`${at}.path`, entry.path))) {
            const origin = { key: `${at}.path`, file: path.relative(process.cwd(), file) || file };
            const d = prepareDashboard(fs.readFileSync(file, "utf8"), origin, available, aliases);
            if (seenUid.has(d.uid)) fail(origin, `uid "${d.uid}" is also used by ${seenUid.get(d.uid)}; each dashboard needs its own`);
            seenUid.set(d.uid, origin.file);
            const sameTitle = list.find((x) => x.title === d.title);
            if (sameTitle) fail(origin, `title "${d.title}" is already used in folder "${folder}"; Grafana needs unique titles per folder`);
            list.push({ file: uniqueFileName(list, path.basename(file)), ...d });
        }
        folders.set(folder, list);
    });
    return [...folders].map(([folder, dashboards]) => ({ folder, dashboards }));
}

function uniqueFileName(taken: readonly DashboardFile[], wanted: string): string {
    let name = wanted;
    for (let n = 2; taken.some((d) => d.file === name); n++) name = wanted.replace(/(\.json)?$/, `-${n}.json`);
    return name;
}

/** `datasources: {"love-prom": prometheus}`: foreign UIDs or names mapped onto a stack datasource by type. */
function readAliases(key: string, raw: unknown, available: readonly DatasourceType[]): Record<string, DatasourceType> {
    const obj = v.object(key, raw ?? {});
    const out: Record<string, DatasourceType> = {};
    for (const [foreign, type] of Object.entries(obj)) out[foreign] = v.oneOf(`${key}.${foreign}`, type, available);
    return out;
}
