// The Prometheus and Alertmanager HTTP APIs, as the live tests call them (with basic auth).
import { basicAuth, LiveService } from "./harness";

export interface Sample {
    readonly metric: Record<string, string>;
    readonly value: [number, string];
}

export interface PrometheusAlert {
    readonly labels: Record<string, string>;
    readonly state: "pending" | "firing";
}

export interface AlertmanagerAlert {
    readonly labels: Record<string, string>;
    readonly status: { readonly state: string; readonly inhibitedBy: string[]; readonly silencedBy: string[] };
}

async function getJson(service: LiveService, pathAndQuery: string): Promise<any> {
    const res = await fetch(`${service.url}${pathAndQuery}`, {
        headers: basicAuth(service.password ?? ""),
        signal: AbortSignal.timeout(10000),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${service.id} ${pathAndQuery}: HTTP ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text);
}

/** Runs an instant query; throws with Prometheus' error message when the query is invalid. */
export async function query(prometheus: LiveService, expr: string, time?: number): Promise<{ resultType: string; result: unknown[] }> {
    const params = new URLSearchParams({ query: expr, ...(time !== undefined ? { time: String(time) } : {}) });
    const body = await getJson(prometheus, `/api/v1/query?${params}`);
    return body.data;
}

/** An instant vector query's samples. */
export async function vector(prometheus: LiveService, expr: string, time?: number): Promise<Sample[]> {
    const data = await query(prometheus, expr, time);
    if (data.resultType !== "vector") throw new Error(`${expr} returned a ${data.resultType}, not a vector`);
    return data.result as Sample[];
}

export async function prometheusAlerts(prometheus: LiveService): Promise<PrometheusAlert[]> {
    return (await getJson(prometheus, "/api/v1/alerts")).data.alerts;
}

export async function activeTargets(
    prometheus: LiveService,
): Promise<{ labels: Record<string, string>; scrapeUrl: string; health: string; lastError: string }[]> {
    return (await getJson(prometheus, "/api/v1/targets?state=active")).data.activeTargets;
}

export async function alertmanagerAlerts(alertmanager: LiveService): Promise<AlertmanagerAlert[]> {
    return getJson(alertmanager, "/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true");
}

export async function alertmanagerStatus(alertmanager: LiveService): Promise<{ cluster: { status: string; peers: { name: string }[] } }> {
    return getJson(alertmanager, "/api/v2/status");
}

/** HTTP status of an unauthenticated / wrongly authenticated GET. */
export async function statusWith(url: string, headers: Record<string, string>): Promise<number> {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer();
    return res.status;
}
