// What the Docker tests ask of a running stack: health, Prometheus' API through the published
// port, the stand-in receiver's notifications.
import Docker from "dockerode";
import { basicAuth } from "../live/harness";
import { waitFor } from "../live/processes";
import { inStack } from "../support/stack-names";
import { PlannedResource } from "./plan";
import { RECEIVER, RECEIVER_IMAGE, RECEIVER_PORT, buildStandIn } from "./stand-ins";

export const CONTAINER = "docker:index/container:Container";

/** The planned container a service's replica runs in (`prometheus`, `prometheus-1`). */
export function plannedContainer(plan: PlannedResource[], name: string): PlannedResource {
    const found = plan.find((r) => r.type === CONTAINER && r.name === inStack(name));
    if (!found) throw new Error(`the program declares no container ${name}`);
    return found;
}

/** The content the program uploads to `file` in a container (secret files included). */
export function uploaded(container: PlannedResource, file: string): string {
    const upload = (container.inputs.uploads as { file: string; content: string }[]).find((u) => u.file === file);
    if (!upload) throw new Error(`${container.name} gets no upload ${file}`);
    return upload.content.trim();
}

/** `http://127.0.0.1:<host port>` of a container's first published port. */
export function publishedUrl(container: PlannedResource): string {
    const port = (container.inputs.ports as { ip: string; external: number }[])[0];
    return `http://${port.ip}:${port.external}`;
}

/** Last health probe output and log lines of a container, for a failure message. */
export async function describeContainer(api: Docker, name: string): Promise<string> {
    try {
        const c = api.getContainer(name);
        const state = (await c.inspect()).State;
        const probe = state.Health?.Log?.slice(-1)[0];
        // Docker's multiplexed log stream carries binary frame headers.
        // eslint-disable-next-line no-control-regex
        const logs = (await c.logs({ stdout: true, stderr: true, tail: 8 })).toString("utf8").replace(/[\x00-\x08]/g, "");
        return `${name}: ${state.Status}/${state.Health?.Status ?? "no healthcheck"}; last probe: ${probe?.Output?.trim() ?? "-"}\n${logs}`;
    } catch (err) {
        return `${name}: ${(err as Error).message}`;
    }
}

/** Waits until every container reports `healthy` by its own healthcheck (fails fast when one exits). */
export async function waitHealthy(api: Docker, names: string[], timeoutMs = 90000): Promise<void> {
    let pending = names;
    await waitFor(
        `${names.length} containers to be healthy`,
        async () => {
            const states = await Promise.all(names.map(async (n) => ({ n, s: (await api.getContainer(n).inspect()).State })));
            const exited = states.find((x) => !x.s.Running);
            if (exited) throw new Error(`${exited.n} is ${exited.s.Status} (exit ${exited.s.ExitCode})`);
            pending = states.filter((x) => x.s.Health?.Status !== "healthy").map((x) => x.n);
            return pending.length === 0 ? true : undefined;
        },
        { timeoutMs, intervalMs: 500, context: () => `still not healthy: ${pending.join(", ")}` },
    ).catch(async (err: Error) => {
        const details = await Promise.all(pending.map((n) => describeContainer(api, n)));
        err.message += `\n${details.join("\n")}`;
        throw err;
    });
}

/** Prometheus' HTTP API through its published port, with its basic-auth password. */
export class PrometheusClient {
    constructor(
        private readonly url: string,
        private readonly password: string,
    ) {}

    async get<T>(path: string): Promise<T> {
        const res = await fetch(`${this.url}${path}`, { headers: basicAuth(this.password), signal: AbortSignal.timeout(5000) });
        if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status}`);
        return ((await res.json()) as { data: T }).data;
    }

    targets(): Promise<{ activeTargets: { labels: Record<string, string>; scrapeUrl: string; health: string; lastError: string }[] }> {
        return this.get("/api/v1/targets?state=active");
    }

    async vector(expr: string, time?: number): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
        const at = time === undefined ? "" : `&time=${time}`;
        return (
            await this.get<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(`/api/v1/query?query=${encodeURIComponent(expr)}${at}`)
        ).result;
    }
}

/** A webhook receiver container on the stack's network, answering to `receiver`; its log is read through a loopback port. */
export class ReceiverContainer {
    static readonly NAME = "monitoring-test-receiver";

    private constructor(private readonly hostPort: number) {}

    /** `http://receiver:8080/cgi-bin/hook`: what `monitoring:webhookUrl` points at. */
    static readonly URL = `http://receiver:${RECEIVER_PORT}/cgi-bin/hook`;

    static async start(api: Docker, network: string, hostPort: number): Promise<ReceiverContainer> {
        await buildStandIn(api, RECEIVER);
        const container = await api.createContainer({
            name: ReceiverContainer.NAME,
            Image: RECEIVER_IMAGE,
            ExposedPorts: { [`${RECEIVER_PORT}/tcp`]: {} },
            HostConfig: { NetworkMode: network, PortBindings: { [`${RECEIVER_PORT}/tcp`]: [{ HostIp: "127.0.0.1", HostPort: String(hostPort) }] } },
            NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: ["receiver"] } } },
        });
        await container.start();
        return new ReceiverContainer(hostPort);
    }

    /** Every webhook payload received so far. */
    async notifications(): Promise<{ status: string; alerts: { labels: Record<string, string>; status: string }[] }[]> {
        const res = await fetch(`http://127.0.0.1:${this.hostPort}/cgi-bin/hook`, { signal: AbortSignal.timeout(5000) });
        const text = await res.text();
        return text
            .split("\n")
            .filter((l) => l.trim())
            .map((l) => JSON.parse(l));
    }
}
