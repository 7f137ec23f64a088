// Processes started by the live tests: logged to files, tracked by PID, always stopped.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";

/** Every process still running that this test run started, by PID. */
const running = new Map<number, LiveProcess>();

let handlersInstalled = false;

/** Kills what is left when the test process ends: normal exit, Ctrl-C, SIGTERM or a crash. */
function installExitHandlers(): void {
    if (handlersInstalled) return;
    handlersInstalled = true;
    process.on("exit", () => killAllNow());
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
        process.once(signal, () => {
            killAllNow();
            process.exit(signal === "SIGINT" ? 130 : 143);
        });
    }
}

/** Synchronous SIGKILL of every tracked process (the only kind of work allowed in an 'exit' handler). */
export function killAllNow(): void {
    for (const proc of running.values()) {
        try {
            process.kill(proc.pid, "SIGKILL");
        } catch {
            // already gone
        }
    }
    running.clear();
}

/** PIDs of the processes this run started that are still running. */
export function runningPids(): number[] {
    return [...running.keys()];
}

export interface StartOptions {
    /** Name for the log file and messages: `prometheus`, `alertmanager-1`. */
    readonly name: string;
    readonly command: string;
    readonly args: string[];
    readonly env?: Record<string, string>;
    readonly cwd?: string;
    /** Folder the log file goes to. */
    readonly logDir: string;
    /** Signal for a clean stop: PostgreSQL wants SIGINT (fast shutdown; SIGTERM waits for clients). */
    readonly stopSignal?: NodeJS.Signals;
}

/** One started process. Every tool we start execs, so `pid` is the server itself. */
export class LiveProcess {
    public readonly pid: number;
    public readonly logFile: string;
    private readonly child: ChildProcess;
    private readonly exited: Promise<void>;
    private exitCode: number | null | undefined;

    constructor(public readonly options: StartOptions) {
        installExitHandlers();
        fs.mkdirSync(options.logDir, { recursive: true });
        this.logFile = path.join(options.logDir, `${options.name}.log`);
        const fd = fs.openSync(this.logFile, "a");
        fs.writeSync(fd, `$ ${options.command} ${options.args.join(" ")}\n`);
        const [command, args] = withParentDeathSignal(options.command, options.args);
        this.child = spawn(command, args, {
            cwd: options.cwd,
            env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...options.env },
            stdio: ["ignore", fd, fd],
        });
        fs.closeSync(fd);
        if (this.child.pid === undefined) throw new Error(`could not start ${options.name} (${options.command})`);
        this.pid = this.child.pid;
        running.set(this.pid, this);
        this.exited = new Promise((resolve) => {
            this.child.once("exit", (code) => {
                this.exitCode = code;
                running.delete(this.pid);
                resolve();
            });
        });
    }

    get alive(): boolean {
        return this.exitCode === undefined;
    }

    /** Stops the process by PID: its stop signal, then SIGKILL after `graceMs`. */
    async stop(graceMs = 5000): Promise<void> {
        if (!this.alive) return;
        try {
            process.kill(this.pid, this.options.stopSignal ?? "SIGTERM");
        } catch {
            // exited meanwhile
        }
        const timer = setTimeout(() => {
            try {
                process.kill(this.pid, "SIGKILL");
            } catch {
                // exited meanwhile
            }
        }, graceMs);
        await this.exited;
        clearTimeout(timer);
    }

    /** The last lines of its log, for failure messages. */
    logTail(lines = 25): string {
        try {
            const text = fs.readFileSync(this.logFile, "utf8").trimEnd().split("\n");
            return (
                `--- ${this.options.name} (pid ${this.pid}, ${this.alive ? "running" : `exited ${this.exitCode}`}): ${this.logFile}\n` +
                text.slice(-lines).join("\n")
            );
        } catch {
            return `--- ${this.options.name}: no log`;
        }
    }
}

const SETPRIV = ["/usr/bin/setpriv", "/bin/setpriv"].find((p) => fs.existsSync(p));

/**
 * Makes the kernel SIGKILL the process if this test process dies without cleaning up (SIGKILL,
 * OOM): `setpriv --pdeathsig` execs, so the PID stays the server's. A command that is already
 * setpriv (PostgreSQL's run-as prefix) gets the flag itself: a second setpriv changing the user
 * would clear the signal.
 */
function withParentDeathSignal(command: string, args: string[]): [string, string[]] {
    if (!SETPRIV) return [command, args];
    if (path.basename(command) === "setpriv") return [command, ["--pdeathsig", "SIGKILL", ...args]];
    return [SETPRIV, ["--pdeathsig", "SIGKILL", "--", command, ...args]];
}

/**
 * Where free ports are looked for: below the kernel's ephemeral range, which outgoing connections
 * (every scrape and request of the tests) and port-0 listeners draw from. A port taken from that
 * range could be in use by one of them by the time the server binds it ("address already in use").
 */
function portRange(): { from: number; to: number } {
    try {
        const [low] = fs.readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
        if (low > 12000) return { from: 10000, to: low - 1 };
    } catch {
        // not Linux: any port the kernel hands out
    }
    return { from: 0, to: 0 };
}

function listen(port: number): Promise<net.Server> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => resolve(server));
    });
}

/** Resolves to `count` distinct free TCP ports on 127.0.0.1 (held together so none repeats), chosen at random in `portRange()`. */
export async function freePorts(count: number): Promise<number[]> {
    const { from, to } = portRange();
    const servers: net.Server[] = [];
    try {
        for (let attempt = 0; servers.length < count; attempt++) {
            if (attempt > count * 50) throw new Error(`found only ${servers.length} of ${count} free ports in ${from}-${to}`);
            const port = to > from ? from + Math.floor(Math.random() * (to - from + 1)) : 0;
            try {
                servers.push(await listen(port));
            } catch {
                // taken: another
            }
        }
        return servers.map((s) => (s.address() as net.AddressInfo).port);
    } finally {
        await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    }
}

/** Polls `check` until it returns a value other than undefined, or fails with `what` and `context()`. */
export async function waitFor<T>(
    what: string,
    check: () => Promise<T | undefined>,
    options: { timeoutMs: number; intervalMs?: number; context?: () => string },
): Promise<T> {
    const deadline = Date.now() + options.timeoutMs;
    let lastError: unknown;
    for (;;) {
        try {
            const value = await check();
            if (value !== undefined) return value;
        } catch (err) {
            lastError = err;
        }
        if (Date.now() > deadline) {
            const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : "";
            throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}${reason}\n${options.context?.() ?? ""}`);
        }
        await sleep(options.intervalMs ?? 250);
    }
}

export function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
