// Alertmanager's routing, replayed offline on a route tree: which receivers an alert with given
// labels reaches, and after how long. Same rules as Alertmanager's dispatch.Route.Match: depth
// first, a matching child stops the search unless `continue` (tests compare it with
// `amtool config routes test`). The render's delivery check and `npm run test-alert` use it.
import { re2FullMatch } from "./formats";

/** A `route:` node as alertmanager.yml (and /api/v2/status `config.original`) spells it. */
export interface RouteNode {
    readonly receiver?: string;
    readonly matchers?: string[];
    /** Deprecated equality and regex maps, still accepted by Alertmanager. */
    readonly match?: Record<string, string>;
    readonly match_re?: Record<string, string>;
    readonly continue?: boolean;
    readonly group_by?: string[];
    readonly group_wait?: string;
    readonly group_interval?: string;
    readonly repeat_interval?: string;
    readonly mute_time_intervals?: string[];
    readonly active_time_intervals?: string[];
    readonly routes?: RouteNode[];
}

export interface ReceiverNode {
    readonly name: string;
    readonly [integration: string]: unknown;
}

export interface AlertmanagerDocument {
    readonly route?: RouteNode;
    readonly receivers?: ReceiverNode[];
}

/** A route an alert ends on, with the settings it inherited. */
export interface MatchedRoute {
    readonly receiver: string;
    /** Milliseconds Alertmanager waits before the first notification of a new group. */
    readonly groupWaitMs: number;
    readonly groupWait: string;
    readonly groupInterval: string;
    /** The matchers on the way from the root, for the user to see why. */
    readonly via: string[];
}

export interface LabelMatcher {
    readonly name: string;
    readonly op: "=" | "!=" | "=~" | "!~";
    readonly value: string;
}

/** Alertmanager's defaults for the root route. */
const ROOT_DEFAULTS = { groupWait: "30s", groupInterval: "5m" };

/** `severity="critical"`, `severity=critical`, `{a="b", c=~"d|e"}`: one line of a `matchers:` list. */
export function parseMatchers(line: string): LabelMatcher[] {
    const body = line.trim().replace(/^\{/, "").replace(/\}$/, "");
    const out: LabelMatcher[] = [];
    const re = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|[^,]*)\s*(?:,|$)/y;
    let rest = body.trim();
    while (rest.length > 0) {
        re.lastIndex = 0;
        const m = re.exec(rest);
        if (!m) throw new Error(`not a matcher: ${line}`);
        const raw = m[3].trim();
        const value = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
        out.push({ name: m[1], op: m[2] as LabelMatcher["op"], value });
        rest = rest.slice(m[0].length).trim();
    }
    return out;
}

function matchesOne(m: LabelMatcher, labels: Record<string, string>): boolean {
    const actual = labels[m.name] ?? "";
    switch (m.op) {
        case "=":
            return actual === m.value;
        case "!=":
            return actual !== m.value;
        case "=~":
            return re2FullMatch(m.value, actual);
        case "!~":
            return !re2FullMatch(m.value, actual);
    }
}

function routeMatchers(route: RouteNode): string[] {
    return [
        ...(route.matchers ?? []),
        ...Object.entries(route.match ?? {}).map(([k, v]) => `${k}=${JSON.stringify(v)}`),
        ...Object.entries(route.match_re ?? {}).map(([k, v]) => `${k}=~${JSON.stringify(v)}`),
    ];
}

/** Prometheus/Alertmanager duration (`30s`, `1m30s`, `2h`) in milliseconds. */
export function durationMs(text: string): number {
    const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };
    const parts = [...text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)];
    if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) throw new Error(`not a duration: ${text}`);
    return parts.reduce((sum, p) => sum + Number(p[1]) * units[p[2]], 0);
}

/** The routes an alert with these labels ends on; the root route when no child matches. */
export function matchRoutes(root: RouteNode, labels: Record<string, string>): MatchedRoute[] {
    const walk = (route: RouteNode, parent: Omit<MatchedRoute, "groupWaitMs">): MatchedRoute[] => {
        const matchers = routeMatchers(route);
        if (!matchers.flatMap(parseMatchers).every((m) => matchesOne(m, labels))) return [];
        const here = {
            receiver: route.receiver ?? parent.receiver,
            groupWait: route.group_wait ?? parent.groupWait,
            groupInterval: route.group_interval ?? parent.groupInterval,
            via: [...parent.via, ...matchers],
        };
        const found: MatchedRoute[] = [];
        for (const child of route.routes ?? []) {
            const matched = walk(child, here);
            found.push(...matched);
            if (matched.length > 0 && !child.continue) break;
        }
        return found.length > 0 ? found : [{ ...here, groupWaitMs: durationMs(here.groupWait) }];
    };
    return walk(root, { receiver: root.receiver ?? "", ...ROOT_DEFAULTS, via: [] });
}

/** What a receiver does, without any URL or key: `slack #alerts-critical, email oncall@example.com`. */
export function describeReceiver(receiver: ReceiverNode | undefined): string {
    if (!receiver) return "not defined in the running configuration";
    const parts: string[] = [];
    for (const [key, value] of Object.entries(receiver)) {
        if (!key.endsWith("_configs") || !Array.isArray(value)) continue;
        const kind = key.slice(0, -"_configs".length);
        for (const item of value as Record<string, unknown>[]) {
            const detail = kind === "slack" ? item.channel : kind === "email" ? item.to : undefined;
            parts.push(typeof detail === "string" && detail !== "" ? `${kind} ${detail}` : kind);
        }
    }
    return parts.length > 0 ? parts.join(", ") : "no integrations: the alert only shows in the Alertmanager UI";
}
