// The operating scripts' tests run against the live-test harness (test/live): the stack the
// program generates, on real Prometheus / Alertmanager / node_exporter over loopback.
import { execFile } from "child_process";
import * as http from "http";
import * as path from "path";
import { StackEndpoints } from "../../scripts/lib/stack-endpoints";
import { requireTool } from "../support/tools";
import { LiveStack, LiveStackOptions } from "../live/harness";
import { GrafanaStandIn } from "./grafana-stand-in";

const repoRoot = path.resolve(__dirname, "../..");

/** Builds the stack with `values` and starts `services` (all runnable ones by default). */
export async function startLiveStack(ctx: Mocha.Context, options: LiveStackOptions, services?: string[]): Promise<LiveStack> {
    for (const tool of ["prometheus", "alertmanager", "node_exporter"]) requireTool(ctx, tool);
    const stack = await LiveStack.build(options);
    try {
        if (services) {
            const chosen = services.map((s) => stack.service(s));
            chosen.forEach((s) => s.start());
            await Promise.all(chosen.map((s) => s.ready()));
        } else {
            await stack.start();
        }
    } catch (err) {
        await stack.dispose(false);
        throw err;
    }
    return stack;
}

/** What `pulumi stack output` would give the scripts for this live stack. */
export function liveEndpoints(stack: LiveStack, grafana?: { url: string; password: string }): StackEndpoints {
    const prometheus = stack.service("prometheus");
    const alertmanager = stack.service("alertmanager");
    return {
        services: {
            prometheus: { url: prometheus.url, password: prometheus.password },
            alertmanager: { url: alertmanager.url, password: alertmanager.password },
            ...(grafana ? { grafana } : {}),
        },
    };
}

export interface ScriptRun {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

/** Runs `scripts/<script>` the way `npm run` does (ts-node, transpile only), from the repo root. */
export function runScript(script: string, args: string[], env: Record<string, string> = {}): Promise<ScriptRun> {
    return new Promise((resolve) => {
        execFile(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", path.join("scripts", script), ...args],
            // No PATH to a pulumi binary is needed: the tests pass every URL and password.
            { cwd: repoRoot, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env }, timeout: 60_000 },
            (err, stdout, stderr) => {
                const code = err ? (typeof err.code === "number" ? err.code : 99) : 0;
                resolve({ code, stdout, stderr });
            },
        );
    });
}

/** `PASS|WARN|FAIL  <check>  <detail>` lines of a smoke report, by check name. */
export function parseReport(text: string): Map<string, { status: string; detail: string }> {
    const out = new Map<string, { status: string; detail: string }>();
    for (const line of text.split("\n")) {
        const m = /^(PASS|WARN|FAIL) {2}(\S(?:.*?\S)?) {2,}(.*)$/.exec(line);
        if (m) out.set(m[2], { status: m[1], detail: m[3] });
    }
    return out;
}

/**
 * Stand-ins on the loopback ports of the services that have no binary here (Grafana, Loki,
 * Promtail, cAdvisor...), so the stack looks whole to Prometheus and to the smoke test:
 * Grafana gets the API stand-in, the others answer 200 to /ready and an empty /metrics.
 */
export class StandIns {
    public readonly grafana: GrafanaStandIn;
    private readonly servers: http.Server[] = [];

    constructor(
        private readonly stack: LiveStack,
        grafanaPassword: string,
    ) {
        this.grafana = new GrafanaStandIn(grafanaPassword);
    }

    async start(): Promise<void> {
        for (const service of this.stack.notRunnable) {
            for (const port of service.spec.ports) {
                const loopback = this.stack.platform.portOf(service.spec.name, port.port, service.replica);
                if (service.spec.name === "grafana") {
                    this.grafana.metricsPassword = service.file("/etc/grafana/secrets/metrics_password").trim();
                    await this.grafana.start(loopback);
                    continue;
                }
                const server = http.createServer((req, res) => {
                    const body = req.url === "/ready" ? "ready\n" : req.url === "/metrics" ? "" : undefined;
                    res.writeHead(body === undefined ? 404 : 200, { "content-type": "text/plain" }).end(body ?? "not found\n");
                });
                await new Promise<void>((resolve) => server.listen(loopback, "127.0.0.1", () => resolve()));
                this.servers.push(server);
            }
        }
        if (!this.grafana.url) await this.grafana.start();
    }

    /** The URL of a stood-in service, e.g. Loki. */
    url(service: string): string | undefined {
        const found = this.stack.notRunnable.find((s) => s.spec.name === service);
        return found ? `http://127.0.0.1:${this.stack.platform.portOf(service, found.spec.ports[0].port, found.replica)}` : undefined;
    }

    async stop(): Promise<void> {
        await this.grafana.stop();
        for (const server of this.servers) {
            server.closeAllConnections();
            await new Promise((resolve) => server.close(resolve));
        }
    }
}
