// npm run smoke -- --stack dev|prod [--wait SECONDS] [endpoint flags]
// After a deploy: ports, health endpoints, scrape targets and the Watchdog alert, one line
// per check. Exits 1 when a check FAILs; a down application target is only a WARN.
import * as net from "net";
import { parseArgs } from "util";
import {
    callService,
    callServiceJson,
    ENDPOINT_OPTIONS,
    ENDPOINT_USAGE,
    runCommand,
    errorMessage,
    oneLine,
    resolveEndpoints,
    scrub,
    secretsOf,
    ServiceEndpoint,
    ServiceName,
    StackEndpoints,
} from "./lib/stack-endpoints";

export type Status = "PASS" | "WARN" | "FAIL";

export interface CheckResult {
    readonly status: Status;
    readonly check: string;
    readonly detail: string;
}

/** Scrape jobs the stack itself runs: one of them down means the stack is broken. */
const STACK_JOBS = [/^prometheus$/, /^alertmanager$/, /^grafana$/, /^node-exporter$/, /^cadvisor$/, /^loki$/, /^alloy$/, /^promtail$/, /-exporter$/, /^blackbox/];

export function isStackJob(job: string): boolean {
    return STACK_JOBS.some((re) => re.test(job));
}

const pass = (check: string, detail: string): CheckResult => ({ status: "PASS", check, detail });
const warn = (check: string, detail: string): CheckResult => ({ status: "WARN", check, detail });
const fail = (check: string, detail: string): CheckResult => ({ status: "FAIL", check, detail });

/** A TCP connect to the URL's host and port. */
export function portOpen(url: string, timeoutMs = 3000): Promise<string | undefined> {
    const u = new URL(url);
    const port = Number(u.port || (u.protocol === "https:" ? 443 : 80));
    const host = u.hostname.replace(/^\[|\]$/g, "");
    return new Promise((resolve) => {
        const socket = net.connect({ host, port });
        const done = (problem: string | undefined): void => {
            socket.destroy();
            resolve(problem);
        };
        socket.setTimeout(timeoutMs, () => done(`no answer in ${timeoutMs / 1000}s`));
        socket.once("connect", () => done(undefined));
        socket.once("error", (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
    });
}

async function checkPort(service: ServiceName, endpoint: ServiceEndpoint): Promise<CheckResult> {
    const u = new URL(endpoint.url);
    const address = `${u.hostname}:${u.port || (u.protocol === "https:" ? 443 : 80)}`;
    const problem = await portOpen(endpoint.url);
    return problem ? fail(`port ${service}`, `${address} closed (${problem})`) : pass(`port ${service}`, `${address} open`);
}

async function checkEndpoint(check: string, endpoint: ServiceEndpoint, path: string): Promise<CheckResult> {
    try {
        const res = await callService(endpoint, path);
        const body = oneLine(res.text, 80);
        if (res.status === 200) return pass(check, `200 ${body}`);
        if (res.status === 401) return fail(check, "401: wrong or missing password for user admin");
        return fail(check, `HTTP ${res.status} ${body}`);
    } catch (err) {
        return fail(check, errorMessage(err));
    }
}

/** Basic auth must be on: an anonymous request to the API is refused. */
async function checkAuthRequired(service: ServiceName, endpoint: ServiceEndpoint, path: string): Promise<CheckResult> {
    try {
        const res = await callService(endpoint, path, { anonymous: true });
        return res.status === 401
            ? pass(`${service} auth`, "anonymous request refused (401)")
            : warn(`${service} auth`, `anonymous request got HTTP ${res.status}: anyone who reaches the port can use the API`);
    } catch (err) {
        return fail(`${service} auth`, errorMessage(err));
    }
}

async function checkGrafana(endpoint: ServiceEndpoint): Promise<CheckResult[]> {
    const results: CheckResult[] = [];
    try {
        const health = await callServiceJson<{ database?: string; version?: string }>(endpoint, "/api/health", { anonymous: true });
        results.push(
            health.database === "ok"
                ? pass("grafana /api/health", `database ok, version ${health.version ?? "unknown"}`)
                : fail("grafana /api/health", `database ${health.database ?? "unknown"}`),
        );
    } catch (err) {
        return [fail("grafana /api/health", errorMessage(err))];
    }
    if (endpoint.password !== undefined) {
        const res = await callService(endpoint, "/api/user").catch((err: unknown) => ({ status: 0, text: errorMessage(err) }));
        results.push(
            res.status === 200
                ? pass("grafana login", "admin password accepted")
                : res.status === 401
                  ? fail(
                        "grafana login",
                        "admin password refused: Grafana sets it only on first start, so an older grafana data volume keeps the old one " +
                            "(reset it with `grafana cli admin reset-admin-password` inside the container)",
                    )
                  : fail("grafana login", `HTTP ${res.status} ${oneLine(res.text, 80)}`),
        );
    }
    return results;
}

interface ActiveTarget {
    readonly labels: Record<string, string>;
    readonly scrapePool?: string;
    readonly scrapeUrl?: string;
    readonly health: "up" | "down" | "unknown";
    readonly lastError?: string;
}

/** One line per scrape job: stack jobs down are FAIL, the user's applications down are WARN. */
export async function checkTargets(prometheus: ServiceEndpoint): Promise<CheckResult[]> {
    let targets: ActiveTarget[];
    try {
        const res = await callServiceJson<{ data: { activeTargets: ActiveTarget[] } }>(prometheus, "/api/v1/targets?state=active");
        targets = res.data.activeTargets;
    } catch (err) {
        return [fail("targets", errorMessage(err))];
    }
    if (targets.length === 0) return [fail("targets", "Prometheus has no active scrape target")];

    const byJob = new Map<string, ActiveTarget[]>();
    for (const t of targets) {
        const job = t.labels.job ?? t.scrapePool ?? "unknown";
        byJob.set(job, [...(byJob.get(job) ?? []), t]);
    }
    return [...byJob.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([job, list]) => {
            const up = list.filter((t) => t.health === "up").length;
            const notUp = list.filter((t) => t.health !== "up");
            const check = `target ${job}`;
            if (notUp.length === 0) return pass(check, `${up}/${list.length} up`);
            const first = notUp[0];
            const why = `${first.labels.instance ?? first.scrapeUrl}: ${first.health === "unknown" ? "not scraped yet" : first.lastError || "down"}`;
            const detail = `${up}/${list.length} up (${why}${notUp.length > 1 ? `, and ${notUp.length - 1} more` : ""})`;
            if (isStackJob(job)) return fail(check, detail);
            return warn(check, `${detail}: your application, the stack itself is healthy`);
        });
}

/** Watchdog is `vector(1)`: always firing, so its absence means rules or alert delivery are broken. */
async function checkWatchdog(prometheus: ServiceEndpoint, alertmanager: ServiceEndpoint | undefined): Promise<CheckResult[]> {
    const results: CheckResult[] = [];
    try {
        const res = await callServiceJson<{ data: { alerts: { labels: Record<string, string>; state: string; activeAt?: string }[] } }>(
            prometheus,
            "/api/v1/alerts",
        );
        const watchdog = res.data.alerts.find((a) => a.labels.alertname === "Watchdog");
        results.push(
            watchdog?.state === "firing"
                ? pass("watchdog in prometheus", `firing since ${watchdog.activeAt ?? "start"}`)
                : fail(
                      "watchdog in prometheus",
                      watchdog ? `state ${watchdog.state}` : "not firing: is the Watchdog rule loaded? (Prometheus /api/v1/rules)",
                  ),
        );
    } catch (err) {
        results.push(fail("watchdog in prometheus", errorMessage(err)));
    }
    if (alertmanager) {
        try {
            const filter = encodeURIComponent('alertname="Watchdog"');
            const alerts = await callServiceJson<{ receivers?: { name: string }[] }[]>(alertmanager, `/api/v2/alerts?filter=${filter}`);
            const receivers = [...new Set(alerts.flatMap((a) => (a.receivers ?? []).map((r) => r.name)))];
            results.push(
                alerts.length > 0
                    ? pass("watchdog in alertmanager", `received, routed to ${receivers.join(", ") || "no receiver"}`)
                    : fail(
                          "watchdog in alertmanager",
                          "not received: right after a start Prometheus resends firing alerts only once a minute (use --wait 90); " +
                              "otherwise it cannot deliver alerts (check Prometheus /api/v1/alertmanagers and its logs)",
                      ),
            );
        } catch (err) {
            results.push(fail("watchdog in alertmanager", errorMessage(err)));
        }
    }
    return results;
}

/** Every check, in a stable order. */
export async function runChecks(endpoints: StackEndpoints): Promise<CheckResult[]> {
    const { prometheus, alertmanager, grafana, loki } = endpoints.services;
    const known = (["prometheus", "alertmanager", "grafana", "loki"] as const).filter((s) => endpoints.services[s]);
    const groups: Promise<CheckResult[]>[] = [Promise.all(known.map((s) => checkPort(s, endpoints.services[s]!)))];
    if (prometheus) {
        groups.push(
            Promise.all([
                checkEndpoint("prometheus /-/healthy", prometheus, "/-/healthy"),
                checkEndpoint("prometheus /-/ready", prometheus, "/-/ready"),
                checkAuthRequired("prometheus", prometheus, "/api/v1/status/buildinfo"),
            ]),
        );
    }
    if (alertmanager) {
        groups.push(
            Promise.all([
                checkEndpoint("alertmanager /-/healthy", alertmanager, "/-/healthy"),
                checkEndpoint("alertmanager /-/ready", alertmanager, "/-/ready"),
                checkAuthRequired("alertmanager", alertmanager, "/api/v2/status"),
            ]),
        );
    }
    if (grafana) groups.push(checkGrafana(grafana));
    if (loki) groups.push(Promise.all([checkEndpoint("loki /ready", loki, "/ready")]));
    if (prometheus) {
        groups.push(checkTargets(prometheus));
        groups.push(checkWatchdog(prometheus, alertmanager));
    }
    return (await Promise.all(groups)).flat();
}

/**
 * Runs the checks; with `waitSeconds`, runs them again every 2s while any FAILs, so a stack
 * that was just deployed gets time to scrape and evaluate once.
 */
export async function runSmoke(endpoints: StackEndpoints, waitSeconds = 0): Promise<CheckResult[]> {
    const deadline = Date.now() + waitSeconds * 1000;
    for (;;) {
        const results = await runChecks(endpoints);
        if (!results.some((r) => r.status === "FAIL") || Date.now() + 2000 > deadline) return results;
        await new Promise((r) => setTimeout(r, 2000));
    }
}

export function exitCode(results: CheckResult[]): number {
    return results.some((r) => r.status === "FAIL") ? 1 : 0;
}

/** `PASS  <check>  <detail>` lines, then a summary; every known password scrubbed. */
export function formatReport(results: CheckResult[], secrets: string[]): string {
    const width = Math.max(...results.map((r) => r.check.length));
    const lines = results.map((r) => `${r.status}  ${r.check.padEnd(width)}  ${r.detail}`);
    const count = (s: Status): number => results.filter((r) => r.status === s).length;
    const [passed, warned, failed] = [count("PASS"), count("WARN"), count("FAIL")];
    const warnings = `${warned} warning${warned === 1 ? "" : "s"}`;
    const summary =
        failed > 0
            ? `smoke test: FAIL (${failed} failed, ${warnings}, ${passed} passed)`
            : warned > 0
              ? `smoke test: WARN (${warnings}, ${passed} passed; the stack itself is healthy)`
              : `smoke test: PASS (${passed} checks)`;
    return scrub([...lines, summary].join("\n"), secrets);
}

const USAGE = `usage: npm run smoke -- --stack dev|prod [--wait SECONDS]\n  endpoints: ${ENDPOINT_USAGE}`;

async function main(): Promise<number> {
    const { values } = parseArgs({ options: { ...ENDPOINT_OPTIONS, wait: { type: "string" }, help: { type: "boolean" } }, strict: true });
    if (values.help) {
        console.log(USAGE);
        return 0;
    }
    const wait = Number(values.wait ?? 0);
    if (!Number.isFinite(wait) || wait < 0) {
        console.error(`--wait ${values.wait}: not a number of seconds`);
        return 2;
    }
    const endpoints = await resolveEndpoints(values, ["prometheus", "alertmanager", "grafana"], ["loki"]);
    const results = await runSmoke(endpoints, wait);
    console.log(formatReport(results, secretsOf(endpoints)));
    return exitCode(results);
}

if (require.main === module) runCommand("smoke test", main, USAGE);
