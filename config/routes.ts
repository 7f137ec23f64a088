// monitoring:alerting.routes and monitoring:alerting.time_intervals, in alertmanager.yml's own words.
import { parseMatchers, RouteNode } from "./alert-routing";
import { ConfigError } from "./errors";
import { re2Error } from "./formats";
import * as v from "./validate";

/** A named set of times for mute_time_intervals / active_time_intervals, as alertmanager.yml writes it. */
export interface TimeInterval {
    readonly name: string;
    readonly time_intervals: Record<string, unknown>[];
}

const ROUTE_FIELDS = [
    "receiver", "matchers", "continue", "group_by", "group_wait", "group_interval", "repeat_interval",
    "mute_time_intervals", "active_time_intervals", "routes",
];
const INTERVAL_FIELDS = ["times", "weekdays", "days_of_month", "months", "years", "location"];
const ALERTMANAGER_DURATION = /^(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/;

/** An Alertmanager matcher (`severity="business"`, `team=~"pay|ops"`); regexes must compile. */
export function readMatcher(key: string, raw: unknown): string {
    const text = v.string(key, raw);
    try {
        const parsed = parseMatchers(text);
        if (parsed.length !== 1) throw new Error("one matcher per entry");
        // Alertmanager compiles regexes as RE2 (Go): (?i) works, lookaround does not.
        for (const m of parsed) if (m.op.endsWith("~") && re2Error(`^(?:${m.value})$`)) throw new Error("not RE2");
    } catch {
        throw new ConfigError(key, `${JSON.stringify(text)} is not a matcher; use e.g. severity="business" or team=~"pay|ops"`);
    }
    return text;
}

/** Alertmanager durations: units from y down to ms, in that order; zero only where Alertmanager takes it. */
function amDuration(key: string, raw: unknown, allowZero: boolean): string {
    const text = typeof raw === "string" ? raw : "";
    if (text === "" || !ALERTMANAGER_DURATION.test(text) || (!allowZero && v.durationMs(text) === 0)) {
        throw new ConfigError(key, `${JSON.stringify(raw)} is not ${allowZero ? "a duration" : "a duration above zero"}; use e.g. 30s, 5m or 4h`);
    }
    return text;
}

export function readTimeIntervals(key: string, raw: unknown): TimeInterval[] {
    const list = v.optional(raw, [] as TimeInterval[], (x) => v.list(key, x, (ikey, item) => {
        const obj = v.fields(ikey, item, ["name", "time_intervals"]);
        const name = v.string(`${ikey}.name`, obj.name);
        const intervals = v.list(`${ikey}.time_intervals`, obj.time_intervals, (k, ti) => {
            const fields = v.fields(k, ti, INTERVAL_FIELDS);
            for (const [field, value] of Object.entries(fields)) {
                if (field === "location") v.string(`${k}.location`, value);
                else v.list(`${k}.${field}`, value, (fk, fv) => (field === "times" ? v.fields(fk, fv, ["start_time", "end_time"]) : fv));
            }
            return fields;
        }, { nonEmpty: true });
        return { name, time_intervals: intervals };
    }));
    v.unique(key, list.map((t) => t.name), "time interval");
    return list;
}

/** Reads the user's routes; `receivers` are every name a route may send to. */
export function readRoutes(key: string, raw: unknown, receivers: readonly string[], intervals: readonly string[]): RouteNode[] {
    return v.optional(raw, [] as RouteNode[], (x) => v.list(key, x, (k, r) => readRoute(k, r, receivers, intervals, true)));
}

function readRoute(key: string, raw: unknown, receivers: readonly string[], intervals: readonly string[], top: boolean): RouteNode {
    const obj = v.fields(key, raw, ROUTE_FIELDS);
    if (top && obj.receiver === undefined) throw new ConfigError(`${key}.receiver`, "is missing; name the receiver these alerts go to");
    if (obj.matchers === undefined) {
        throw new ConfigError(`${key}.matchers`, 'is missing; a route without matchers would take every alert, e.g. matchers: [severity="business"]');
    }
    const route: Record<string, unknown> = {};
    if (obj.receiver !== undefined) {
        const receiver = v.string(`${key}.receiver`, obj.receiver);
        if (!receivers.includes(receiver)) {
            throw new ConfigError(`${key}.receiver`, `no receiver ${JSON.stringify(receiver)}; define it under monitoring:alerting.receivers or use one of ${receivers.join(", ")}`);
        }
        route.receiver = receiver;
    }
    route.matchers = v.list(`${key}.matchers`, obj.matchers, readMatcher, { nonEmpty: true });
    if (obj.continue !== undefined) route.continue = v.boolean(`${key}.continue`, obj.continue);
    if (obj.group_by !== undefined) {
        route.group_by = v.list(`${key}.group_by`, obj.group_by, (k, l) => (l === "..." ? "..." : v.labelName(k, l)), { nonEmpty: true });
    }
    if (obj.group_wait !== undefined) route.group_wait = amDuration(`${key}.group_wait`, obj.group_wait, true);
    for (const field of ["group_interval", "repeat_interval"] as const) {
        if (obj[field] !== undefined) route[field] = amDuration(`${key}.${field}`, obj[field], false);
    }
    for (const field of ["mute_time_intervals", "active_time_intervals"] as const) {
        if (obj[field] === undefined) continue;
        route[field] = v.list(`${key}.${field}`, obj[field], (k, name) => {
            const text = v.string(k, name);
            if (!intervals.includes(text)) throw new ConfigError(k, `no time interval ${JSON.stringify(text)} in monitoring:alerting.time_intervals`);
            return text;
        }, { nonEmpty: true });
    }
    if (obj.routes !== undefined) {
        route.routes = v.list(`${key}.routes`, obj.routes, (k, child) => readRoute(k, child, receivers, intervals, false));
    }
    return route as RouteNode;
}
