// Builds the stack with the real program under Pulumi's mocks, on the loopback platform, and
// runs every service it can with the files the program generated.
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as os from "os";
import * as path from "path";
import { loadConfig, objectConfigSource, pulumiConfigSource, SECRET_KEYS } from "../../config";
import { ServiceSpec } from "../../components/platform/spec";
import { deployMonitoring } from "../../components/program";
import { resolveOutput, runUnderMocks } from "../../scripts/lib/mock-runtime";
import { toolPath } from "../support/tools";
import { LoopbackCa } from "./loopback-ca";
import { LoopbackPlatform } from "./loopback-platform";
import { freePorts, LiveProcess, waitFor } from "./processes";

/** The test binary that runs each service's image. Services not listed have no binary here. */
const BINARIES: Record<string, string> = {
    prometheus: "prometheus",
    alertmanager: "alertmanager",
    "node-exporter": "node_exporter",
    "postgres-exporter": "postgres_exporter",
    "redis-exporter": "redis_exporter",
    "mysql-exporter": "mysqld_exporter",
    "blackbox-exporter": "blackbox_exporter",
};

/** Where a binary says it serves queries: Prometheus answers /-/healthy, but 503 on its API until its TSDB is open. */
const READY_PATHS: Record<string, string> = { prometheus: "/-/ready" };

/** Flags whose value is a listen address: each replica gets its own loopback port instead. */
const LISTEN_FLAGS = ["--web.listen-address", "--cluster.listen-address"];

export interface LiveStackOptions {
    /** Names the temp folder and logs. */
    readonly name: string;
    /** Stack configuration, keys without the `monitoring:` prefix; secret keys in plain text. */
    readonly values: Record<string, unknown>;
    /** Extra environment per service name (e.g. SSL_CERT_FILE for Alertmanager). */
    readonly env?: Record<string, Record<string, string>>;
    /** Extra flags per service name, for timings only tests shorten (e.g. Prometheus' alert resend delay). */
    readonly args?: Record<string, string[]>;
    /** Give every service a certificate from a throw-away CA, as Kubernetes does: the prod TLS paths. */
    readonly tls?: boolean;
}

/** One replica of one service, with its files written under its own folder. */
export class LiveService {
    public process?: LiveProcess;
    /** Files resolved by the program, keyed by path in the container. */
    constructor(
        public readonly spec: ServiceSpec,
        public readonly replica: number,
        /** Folder standing in for the container's file system. */
        public readonly root: string,
        public readonly command: string | undefined,
        public readonly args: string[],
        public readonly env: Record<string, string>,
        private readonly platform: LoopbackPlatform,
        private readonly logDir: string,
        /** The CA (PEM) its certificate chains to, when the stack serves TLS. */
        public readonly ca?: string,
    ) {}

    /** Whether its first port serves TLS. */
    get tls(): boolean {
        return Boolean(this.spec.ports[0]?.tls);
    }

    get id(): string {
        return serviceId(this.spec, this.replica);
    }

    /** `http(s)://127.0.0.1:<port>` of this replica's first port. */
    get url(): string {
        return `${this.tls ? "https" : "http"}://127.0.0.1:${this.platform.portOf(this.spec.name, this.spec.ports[0].port, this.replica)}`;
    }

    /** The content of a file the service got, by its path in the container (secret files too). */
    file(containerPath: string): string {
        return fs.readFileSync(path.join(this.root, containerPath), "utf8");
    }

    /** The basic-auth password its health check uses, when it wants one. */
    get password(): string | undefined {
        const file = this.spec.health?.basicAuthPasswordFile;
        return file ? this.file(file).trim() : undefined;
    }

    start(): LiveProcess {
        if (!this.command) throw new Error(`no binary runs ${this.spec.name} here`);
        if (this.process?.alive) return this.process;
        this.process = new LiveProcess({
            name: this.id,
            command: this.command,
            args: this.args,
            env: this.env,
            logDir: this.logDir,
        });
        return this.process;
    }

    async stop(): Promise<void> {
        await this.process?.stop();
    }

    /** Waits until the spec's health check answers 200 (with basic auth when it says so). */
    async ready(timeoutMs = 30000): Promise<void> {
        const health = this.spec.health;
        if (!health) return;
        const tls = Boolean(this.spec.ports.find((p) => p.port === health.port)?.tls);
        const headers = this.password ? basicAuth(this.password) : {};
        for (const path of new Set([health.path, READY_PATHS[this.spec.name] ?? health.path])) {
            const url = `${tls ? "https" : "http"}://127.0.0.1:${this.platform.portOf(this.spec.name, health.port, this.replica)}${path}`;
            await waitFor(
                `${this.id} to answer ${path}`,
                async () => {
                    if (this.process && !this.process.alive) throw new Error(`${this.id} exited`);
                    const res = await request(url, { headers, ca: this.ca, timeoutMs: 2000 });
                    return res.status === 200 ? true : undefined;
                },
                { timeoutMs, intervalMs: 100, context: () => this.process?.logTail() ?? "" },
            );
        }
    }
}

/**
 * A GET (or `method`) over HTTP or HTTPS; HTTPS trusts only `ca` when given (Node's fetch cannot
 * take a CA), and checks the certificate names the host (127.0.0.1) or `servername`.
 */
export function request(
    url: string,
    options: { headers?: Record<string, string>; ca?: string; servername?: string; timeoutMs?: number; method?: string; body?: string } = {},
): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
        const target = new URL(url);
        const lib = target.protocol === "https:" ? https : http;
        const req = lib.request(
            target,
            {
                method: options.method ?? "GET",
                headers: { ...(options.headers ?? {}), ...(options.body ? { "content-type": "application/json" } : {}) },
                ...(target.protocol === "https:" ? { ca: options.ca, servername: options.servername } : {}),
                timeout: options.timeoutMs ?? 10000,
            },
            (res) => {
                let text = "";
                res.setEncoding("utf8");
                res.on("data", (chunk: string) => (text += chunk));
                res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
            },
        );
        req.on("timeout", () => req.destroy(new Error(`timeout after ${options.timeoutMs ?? 10000} ms: ${url}`)));
        req.on("error", reject);
        req.end(options.body);
    });
}

export function basicAuth(password: string, user = "admin"): Record<string, string> {
    return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` };
}

/** The generated stack, written to a temp folder, ready to start on loopback. */
export class LiveStack {
    private constructor(
        public readonly name: string,
        public readonly root: string,
        public readonly platform: LoopbackPlatform,
        public readonly services: LiveService[],
    ) {}

    /** Runs the program under mocks with `values` on the loopback platform and writes every file. */
    static async build(options: LiveStackOptions): Promise<LiveStack> {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), `monitoring-live-${options.name}-`));
        const ca = options.tls ? new LoopbackCa(path.join(root, "ca")) : undefined;
        const platform = new LoopbackPlatform(await freePorts(64), ca);
        // Validate first, like the render does: a bad test config names its key.
        loadConfig(objectConfigSource(options.values), "dev");
        const config = Object.fromEntries(Object.entries(options.values).map(([k, v]) => [`monitoring:${k}`, v]));
        const secretKeys = SECRET_KEYS.filter((k) => k in options.values).map((k) => `monitoring:${k}`);
        await runUnderMocks({ project: "monitoring", stack: "dev", config, secretKeys }, () =>
            deployMonitoring(loadConfig(pulumiConfigSource(), "dev"), platform),
        );
        const services: LiveService[] = [];
        for (const spec of platform.specs) {
            const replicas = spec.kind === "daemonset" ? 1 : (spec.replicas ?? 1);
            for (let replica = 0; replica < replicas; replica++) {
                services.push(await writeService(spec, replica, root, platform, options.env?.[spec.name] ?? {}, options.args?.[spec.name] ?? [], ca?.certPem));
            }
        }
        return new LiveStack(options.name, root, platform, services);
    }

    /** The replicas of a service, or throws naming the services there are. */
    all(name: string): LiveService[] {
        const found = this.services.filter((s) => s.spec.name === name);
        if (!found.length) throw new Error(`the stack has no service ${name}; it has ${this.services.map((s) => s.id).join(", ")}`);
        return found;
    }

    service(name: string, replica = 0): LiveService {
        const found = this.all(name).find((s) => s.replica === replica);
        if (!found) throw new Error(`${name} has no replica ${replica}`);
        return found;
    }

    has(name: string): boolean {
        return this.services.some((s) => s.spec.name === name);
    }

    /** Services with a binary on this machine (Grafana, Loki and Promtail have none). */
    get runnable(): LiveService[] {
        return this.services.filter((s) => s.command !== undefined);
    }

    get notRunnable(): LiveService[] {
        return this.services.filter((s) => s.command === undefined);
    }

    /** Starts every runnable service and waits until each is healthy. */
    async start(): Promise<void> {
        for (const service of this.runnable) service.start();
        await Promise.all(this.runnable.map((s) => s.ready()));
    }

    /**
     * Stops every process; the replicas of a service one after another. Clustered Alertmanagers
     * stopped together each wait for the other to take their leave until the kill, 5 s later.
     */
    async stop(): Promise<void> {
        const byService = new Map<string, LiveService[]>();
        for (const s of this.services) byService.set(s.spec.name, [...(byService.get(s.spec.name) ?? []), s]);
        await Promise.all(
            [...byService.values()].map(async (replicas) => {
                for (const replica of replicas.reverse()) await replica.stop();
            }),
        );
    }

    /** Stops everything and removes the temp folder, unless `keep` (then its path is printed). */
    async dispose(keep: boolean): Promise<void> {
        await this.stop();
        if (keep) {
            process.stderr.write(`live stack ${this.name}: files and logs kept in ${this.root}\n`);
        } else {
            fs.rmSync(this.root, { recursive: true, force: true });
        }
    }

    /** Log tails of every process, for failure messages. */
    logs(lines = 15): string {
        return this.services.flatMap((s) => (s.process ? [s.process.logTail(lines)] : [])).join("\n");
    }
}

/** `alertmanager-1` for a replica of a replicated service, the service name otherwise. */
function serviceId(spec: ServiceSpec, replica: number): string {
    return spec.kind !== "daemonset" && (spec.replicas ?? 1) > 1 ? `${spec.name}-${replica}` : spec.name;
}

/** The container path prefixes a spec uses (`/etc/prometheus`, `/prometheus`), longest first. */
function containerPrefixes(spec: ServiceSpec): string[] {
    const prefixes = new Set<string>();
    for (const file of spec.files ?? []) {
        const parts = file.path.split("/").filter(Boolean);
        prefixes.add(parts[0] === "etc" ? `/etc/${parts[1]}` : `/${parts[0]}`);
    }
    if (spec.data) prefixes.add(spec.data.path);
    return [...prefixes].sort((a, b) => b.length - a.length);
}

function escapeRegExp(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Rewrites container paths into `root`, and host-mount paths back to the host's own paths, in one pass. */
function pathRewriter(spec: ServiceSpec, root: string): (text: string) => string {
    const mapping = new Map<string, string>([
        ...containerPrefixes(spec).map((p): [string, string] => [p, path.join(root, p)]),
        ...(spec.hostMounts ?? []).map((m): [string, string] => [m.path, m.hostPath]),
    ]);
    if (!mapping.size) return (text) => text;
    const alternatives = [...mapping.keys()]
        .sort((a, b) => b.length - a.length)
        .map(escapeRegExp)
        .join("|");
    // A path starts after a quote, space, `=`, `:` or the line start, and ends at `/` or a non-path character.
    const re = new RegExp(`(?<![\\w./-])(${alternatives})(?=/|$|[^\\w.-])`, "gm");
    return (text) => text.replace(re, (prefix: string) => mapping.get(prefix)!);
}

/** Replaces each listen address flag by this replica's loopback port; an empty one stays empty. */
function loopbackArgs(spec: ServiceSpec, replica: number, args: string[], platform: LoopbackPlatform): string[] {
    return args.map((arg) => {
        const flag = LISTEN_FLAGS.find((f) => arg.startsWith(`${f}=`));
        if (!flag) return arg;
        const value = arg.slice(flag.length + 1);
        if (value === "") return arg;
        const containerPort = Number(value.slice(value.lastIndexOf(":") + 1));
        return `${flag}=127.0.0.1:${platform.portOf(spec.name, containerPort, replica)}`;
    });
}

async function writeService(
    spec: ServiceSpec,
    replica: number,
    stackRoot: string,
    platform: LoopbackPlatform,
    extraEnv: Record<string, string>,
    extraArgs: string[],
    ca?: string,
): Promise<LiveService> {
    const root = path.join(stackRoot, serviceId(spec, replica));
    const rewrite = pathRewriter(spec, root);
    for (const file of spec.files ?? []) {
        const { value } = await resolveOutput(file.content);
        const target = path.join(root, file.path);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, rewrite(value), { mode: file.secret ? 0o600 : 0o644 });
    }
    if (spec.data) fs.mkdirSync(path.join(root, spec.data.path), { recursive: true });
    const binary = BINARIES[spec.name];
    const command = binary ? toolPath(binary) : undefined;
    const args = [...loopbackArgs(spec, replica, (spec.args ?? []).map(rewrite), platform), ...extraArgs];
    const env = Object.fromEntries(Object.entries(spec.env ?? {}).map(([k, v]) => [k, rewrite(v)]));
    // As a StatefulSet pod gets its own name (`prometheus-0`) through the downward API.
    const replicaName = spec.replicaNameEnv ? { [spec.replicaNameEnv]: serviceId(spec, replica) } : {};
    return new LiveService(spec, replica, root, command, args, { ...env, ...replicaName, ...extraEnv }, platform, path.join(stackRoot, "logs"), ca);
}
