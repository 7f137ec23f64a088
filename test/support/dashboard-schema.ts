// A runtime structural check of Grafana dashboard JSON, modelled on the `Dashboard`, `Panel`,
// `RowPanel`, `VariableModel`, `AnnotationQuery`, `DashboardLink`, `GridPos`, `FieldConfigSource`
// and `ThresholdsConfig` types of @grafana/schema. The key lists are typed against those
// types, so naming a field the schema does not have fails `tsc`; enum values and the newest
// schemaVersion are read from the package at run time. It checks:
// - Dashboard: only schema fields; title, uid (Grafana's 40-char form), schemaVersion and a
//   non-empty panels array required; id null; types of tags, refresh, time, graphTooltip...
// - Panel: only schema fields; type; unique numeric id; gridPos inside the 24-column grid, no
//   two panels overlapping; targets with unique refIds; transformations with an id; fieldConfig
//   { defaults, overrides } with FieldColorModeId, MappingType and ThresholdsConfig (base step
//   null, then increasing values), overrides with matcher.id and properties[].id.
// - RowPanel: collapsed, panels (nested only when collapsed), no rows inside rows.
// - VariableModel: name, a VariableType, datasource for query variables, hide/refresh/sort
//   from their enums. AnnotationQuery and DashboardLink: their required fields.
import {
    defaultDashboard, DashboardCursorSync, FieldColorModeId, MappingType, ThresholdsMode,
    VariableHide, VariableRefresh, VariableSort,
    type AnnotationQuery, type Dashboard, type DashboardLink, type DashboardLinkType, type GridPos,
    type Panel, type RowPanel, type VariableModel, type VariableType,
} from "@grafana/schema";

const DASHBOARD_KEYS = [
    "annotations", "description", "editable", "fiscalYearStartMonth", "gnetId", "graphTooltip", "id", "links",
    "liveNow", "panels", "preload", "refresh", "revision", "schemaVersion", "snapshot", "tags", "templating",
    "time", "timepicker", "timezone", "title", "uid", "version", "weekStart",
] as const satisfies readonly (keyof Dashboard)[];
const PANEL_KEYS = [
    "datasource", "description", "fieldConfig", "gridPos", "hideTimeOverride", "id", "interval", "libraryPanel",
    "links", "maxDataPoints", "maxPerRow", "options", "pluginVersion", "queryCachingTTL", "repeat",
    "repeatDirection", "targets", "timeFrom", "timeShift", "title", "transformations", "transparent", "type",
] as const satisfies readonly (keyof Panel)[];
const ROW_KEYS = ["collapsed", "datasource", "gridPos", "id", "panels", "repeat", "title", "type"] as const satisfies readonly (keyof RowPanel)[];
const VARIABLE_KEYS = [
    "allValue", "allowCustomValue", "current", "datasource", "description", "hide", "includeAll", "label", "multi",
    "name", "options", "query", "refresh", "regex", "skipUrlSync", "sort", "type",
] as const satisfies readonly (keyof VariableModel)[];
// Grafana also stores `definition` on query variables; the schema does not model it.
const VARIABLE_EXTRA_KEYS = ["definition"];
const ANNOTATION_REQUIRED = ["datasource", "enable", "iconColor", "name"] as const satisfies readonly (keyof AnnotationQuery)[];
const LINK_REQUIRED = ["asDropdown", "icon", "includeVars", "keepTime", "tags", "targetBlank", "title", "tooltip", "type"] as const satisfies readonly (keyof DashboardLink)[];
const LINK_TYPES = ["link", "dashboards"] as const satisfies readonly DashboardLinkType[];
const VARIABLE_TYPES = [
    "query", "adhoc", "groupby", "constant", "datasource", "interval", "textbox", "custom", "system", "snapshot", "switch",
] as const satisfies readonly VariableType[];
const GRID_KEYS = ["h", "w", "x", "y"] as const satisfies readonly (keyof GridPos)[];

/** Oldest schemaVersion we accept (Grafana 10.4); the newest comes from @grafana/schema. */
export const MIN_SCHEMA_VERSION = 39;
export const MAX_SCHEMA_VERSION = defaultDashboard.schemaVersion;

const numeric = (e: object) => Object.values(e).filter((v): v is number => typeof v === "number");
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Every structural problem of one dashboard, as "path: problem" strings. Empty when valid. */
export function dashboardProblems(raw: unknown): string[] {
    const p: string[] = [];
    if (!isObject(raw)) return ["<root>: not a JSON object"];
    unknownKeys(p, "<root>", raw, DASHBOARD_KEYS);
    if (typeof raw.title !== "string" || raw.title.trim() === "") p.push("title: required non-empty string");
    if (typeof raw.uid !== "string" || !/^[A-Za-z0-9_-]{1,40}$/.test(raw.uid)) p.push("uid: required, 1-40 of [A-Za-z0-9_-]");
    if (raw.id !== null && raw.id !== undefined) p.push("id: must be null in a provisioned file (Grafana assigns it)");
    const sv = raw.schemaVersion;
    if (typeof sv !== "number" || sv < MIN_SCHEMA_VERSION || sv > MAX_SCHEMA_VERSION) p.push(`schemaVersion: required number in ${MIN_SCHEMA_VERSION}..${MAX_SCHEMA_VERSION}`);
    if (!Array.isArray(raw.panels) || raw.panels.length === 0) p.push("panels: required non-empty array");
    if (raw.tags !== undefined && !(Array.isArray(raw.tags) && raw.tags.every((t) => typeof t === "string"))) p.push("tags: must be an array of strings");
    for (const k of ["refresh", "timezone", "description", "weekStart"]) if (raw[k] !== undefined && typeof raw[k] !== "string") p.push(`${k}: must be a string`);
    for (const k of ["editable", "liveNow", "preload"]) if (raw[k] !== undefined && typeof raw[k] !== "boolean") p.push(`${k}: must be a boolean`);
    if (raw.graphTooltip !== undefined && !numeric(DashboardCursorSync).includes(raw.graphTooltip as number)) p.push("graphTooltip: not a DashboardCursorSync value");
    if (raw.time !== undefined && !(isObject(raw.time) && typeof raw.time.from === "string" && typeof raw.time.to === "string")) p.push("time: must be { from: string, to: string }");
    for (const [i, l] of arrayAt(p, "links", raw.links).entries()) linkProblems(p, `links[${i}]`, l);
    const annotations = raw.annotations === undefined ? [] : isObject(raw.annotations) ? arrayAt(p, "annotations.list", raw.annotations.list) : (p.push("annotations: must be { list: [...] }"), []);
    for (const [i, a] of annotations.entries()) annotationProblems(p, `annotations.list[${i}]`, a);
    const variables = raw.templating === undefined ? [] : isObject(raw.templating) ? arrayAt(p, "templating.list", raw.templating.list) : (p.push("templating: must be { list: [...] }"), []);
    for (const [i, v] of variables.entries()) variableProblems(p, `templating.list[${i}]`, v);
    const panels = Array.isArray(raw.panels) ? raw.panels : [];
    const ids = new Set<number>();
    for (const [i, panel] of panels.entries()) panelProblems(p, `panels[${i}]`, panel, ids);
    overlapProblems(p, panels.filter(isObject));
    return p;
}

function panelProblems(p: string[], at: string, raw: unknown, ids: Set<number>, nested = false): void {
    if (!isObject(raw)) { p.push(`${at}: not an object`); return; }
    const label = `${at} "${String(raw.title ?? "")}"`;
    if (typeof raw.id !== "number" || ids.has(raw.id)) p.push(`${label}: id must be a unique number`);
    else ids.add(raw.id);
    gridProblems(p, label, raw.gridPos);
    if (raw.type === "row") {
        unknownKeys(p, label, raw, ROW_KEYS);
        if (nested) p.push(`${label}: rows cannot nest`);
        if (typeof raw.collapsed !== "boolean") p.push(`${label}: collapsed must be a boolean`);
        const inner = arrayAt(p, `${label}.panels`, raw.panels);
        if (raw.collapsed === false && inner.length > 0) p.push(`${label}: an expanded row keeps its panels at top level`);
        for (const [i, c] of inner.entries()) panelProblems(p, `${at}.panels[${i}]`, c, ids, true);
        return;
    }
    unknownKeys(p, label, raw, PANEL_KEYS);
    if (typeof raw.type !== "string" || raw.type === "") p.push(`${label}: type must be a plugin id`);
    if (raw.title !== undefined && typeof raw.title !== "string") p.push(`${label}: title must be a string`);
    const refIds = new Set<string>();
    for (const [i, t] of arrayAt(p, `${label}.targets`, raw.targets).entries()) {
        if (!isObject(t) || typeof t.refId !== "string" || refIds.has(t.refId)) p.push(`${label}.targets[${i}]: refId must be a unique string`);
        else refIds.add(t.refId);
    }
    for (const [i, t] of arrayAt(p, `${label}.transformations`, raw.transformations).entries()) {
        if (!isObject(t) || typeof t.id !== "string") p.push(`${label}.transformations[${i}]: id must be a string`);
    }
    if (raw.options !== undefined && !isObject(raw.options)) p.push(`${label}: options must be an object`);
    if (raw.fieldConfig !== undefined) fieldConfigProblems(p, `${label}.fieldConfig`, raw.fieldConfig);
}

function fieldConfigProblems(p: string[], at: string, raw: unknown): void {
    if (!isObject(raw) || !isObject(raw.defaults) || !Array.isArray(raw.overrides)) { p.push(`${at}: must be { defaults: {...}, overrides: [...] }`); return; }
    const d = raw.defaults;
    if (d.unit !== undefined && typeof d.unit !== "string") p.push(`${at}.defaults.unit: must be a string`);
    if (d.color !== undefined && !(isObject(d.color) && (Object.values(FieldColorModeId) as unknown[]).includes(d.color.mode))) p.push(`${at}.defaults.color.mode: not a FieldColorModeId`);
    if (d.thresholds !== undefined) thresholdProblems(p, `${at}.defaults.thresholds`, d.thresholds);
    for (const [i, m] of arrayAt(p, `${at}.defaults.mappings`, d.mappings).entries()) {
        if (!isObject(m) || !(Object.values(MappingType) as unknown[]).includes(m.type) || !isObject(m.options)) p.push(`${at}.defaults.mappings[${i}]: needs a MappingType and options`);
    }
    for (const [i, o] of raw.overrides.entries()) {
        if (!isObject(o) || !isObject(o.matcher) || typeof o.matcher.id !== "string" || !Array.isArray(o.properties)
            || !o.properties.every((x) => isObject(x) && typeof x.id === "string")) p.push(`${at}.overrides[${i}]: needs matcher.id and properties[].id`);
        else for (const prop of o.properties) if (prop.id === "thresholds") thresholdProblems(p, `${at}.overrides[${i}].thresholds`, prop.value);
    }
}

function thresholdProblems(p: string[], at: string, raw: unknown): void {
    if (!isObject(raw) || !(Object.values(ThresholdsMode) as unknown[]).includes(raw.mode) || !Array.isArray(raw.steps) || raw.steps.length === 0) {
        p.push(`${at}: needs a ThresholdsMode and at least one step`); return;
    }
    const steps = raw.steps as unknown[];
    if (!steps.every((s) => isObject(s) && typeof s.color === "string" && (s.value === null || typeof s.value === "number"))) { p.push(`${at}.steps: each needs color and value (number or null)`); return; }
    const values = steps.map((s) => (s as { value: number | null }).value);
    if (values[0] !== null) p.push(`${at}.steps[0]: the base step has value null`);
    if (values.slice(1).some((v, i) => v === null || (i > 0 && (values[i] as number) >= v))) p.push(`${at}.steps: values after the base must increase`);
}

function variableProblems(p: string[], at: string, raw: unknown): void {
    if (!isObject(raw)) { p.push(`${at}: not an object`); return; }
    unknownKeys(p, at, raw, [...VARIABLE_KEYS, ...VARIABLE_EXTRA_KEYS]);
    if (typeof raw.name !== "string" || !/^[A-Za-z_]\w*$/.test(raw.name)) p.push(`${at}: name must be an identifier`);
    if (!(VARIABLE_TYPES as readonly unknown[]).includes(raw.type)) p.push(`${at}: type must be one of ${VARIABLE_TYPES.join(", ")}`);
    if (raw.type === "query" && !isObject(raw.datasource)) p.push(`${at}: a query variable needs a datasource`);
    if (raw.query !== undefined && typeof raw.query !== "string" && !isObject(raw.query)) p.push(`${at}: query must be a string or an object`);
    if (raw.hide !== undefined && !numeric(VariableHide).includes(raw.hide as number)) p.push(`${at}: hide is not a VariableHide value`);
    if (raw.refresh !== undefined && !numeric(VariableRefresh).includes(raw.refresh as number)) p.push(`${at}: refresh is not a VariableRefresh value`);
    if (raw.sort !== undefined && !numeric(VariableSort).includes(raw.sort as number)) p.push(`${at}: sort is not a VariableSort value`);
    for (const k of ["multi", "includeAll", "skipUrlSync"]) if (raw[k] !== undefined && typeof raw[k] !== "boolean") p.push(`${at}: ${k} must be a boolean`);
    if (raw.options !== undefined && !Array.isArray(raw.options)) p.push(`${at}: options must be an array`);
    if (raw.current !== undefined && !isObject(raw.current)) p.push(`${at}: current must be an object`);
}

function annotationProblems(p: string[], at: string, raw: unknown): void {
    if (!isObject(raw)) { p.push(`${at}: not an object`); return; }
    for (const k of ANNOTATION_REQUIRED) if (raw[k] === undefined) p.push(`${at}: ${k} is required`);
    if (typeof raw.name !== "string" || typeof raw.enable !== "boolean" || typeof raw.iconColor !== "string") p.push(`${at}: name, iconColor (string) and enable (boolean) have the wrong type`);
}

function linkProblems(p: string[], at: string, raw: unknown): void {
    if (!isObject(raw)) { p.push(`${at}: not an object`); return; }
    for (const k of LINK_REQUIRED) if (raw[k] === undefined) p.push(`${at}: ${k} is required`);
    if (!(LINK_TYPES as readonly unknown[]).includes(raw.type)) p.push(`${at}: type must be link or dashboards`);
}

function gridProblems(p: string[], at: string, raw: unknown): void {
    if (!isObject(raw) || !GRID_KEYS.every((k) => typeof raw[k] === "number" && Number.isInteger(raw[k]) && (raw[k] as number) >= 0)) {
        p.push(`${at}: gridPos needs integer h, w, x, y`); return;
    }
    const g = raw as unknown as GridPos;
    if (g.w < 1 || g.h < 1 || g.x + g.w > 24) p.push(`${at}: gridPos must fit the 24-column grid (x + w <= 24, w and h >= 1)`);
}

function overlapProblems(p: string[], panels: Record<string, unknown>[]): void {
    const boxes = panels.filter((x) => isObject(x.gridPos)).map((x) => ({ title: String(x.title ?? ""), g: x.gridPos as GridPos }));
    for (const [i, a] of boxes.entries()) for (const b of boxes.slice(i + 1)) {
        if (a.g.x < b.g.x + b.g.w && b.g.x < a.g.x + a.g.w && a.g.y < b.g.y + b.g.h && b.g.y < a.g.y + a.g.h) p.push(`panels "${a.title}" and "${b.title}" overlap`);
    }
}

function unknownKeys(p: string[], at: string, raw: Record<string, unknown>, known: readonly string[]): void {
    for (const k of Object.keys(raw)) if (!known.includes(k)) p.push(`${at}: unknown field "${k}" (not in @grafana/schema)`);
}

function arrayAt(p: string[], at: string, raw: unknown): unknown[] {
    if (raw === undefined) return [];
    if (!Array.isArray(raw)) { p.push(`${at}: must be an array`); return []; }
    return raw;
}
