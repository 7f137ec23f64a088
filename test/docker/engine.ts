// A private Docker engine for the tests: its own socket, data root and exec root under a temp
// folder, never the system's engine. Stopped by PID, with everything it created, at the end,
// on failure, and when the test process exits (test/docker/stop-engine.sh).
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import Docker from "dockerode";
import { sleep } from "../live/processes";
import { systemTempDir } from "../support/temp";

const STOP_SCRIPT = path.join(__dirname, "stop-engine.sh");
/** One test engine per machine: two would share the default bridge (docker0). Holds the owner's PID. Not in a run's own temp root. */
const LOCK = path.join(systemTempDir(), "monitoring-docker.lock");
/** A binary the stand-in images are made of (scripts/get-test-tools.sh). */
const TOOLS_PROMETHEUS = path.resolve(__dirname, "../../.tools/root/usr/bin/prometheus");

function lockOwner(): number | undefined {
    try {
        const pid = Number(fs.readFileSync(path.join(LOCK, "pid"), "utf8"));
        process.kill(pid, 0);
        return pid;
    } catch {
        return undefined;
    }
}

/** Takes the machine-wide lock, or throws naming the run that holds it. */
function takeLock(): void {
    for (let attempt = 0; attempt < 2; attempt++) {
        try {
            fs.mkdirSync(LOCK);
            fs.writeFileSync(path.join(LOCK, "pid"), String(process.pid));
            return;
        } catch {
            const owner = lockOwner();
            if (owner !== undefined) throw new Error(`another test run (pid ${owner}) holds ${LOCK}`);
            fs.rmSync(LOCK, { recursive: true, force: true }); // left by a run that died
        }
    }
    throw new Error(`could not take ${LOCK}`);
}

/** dockerd, runc, docker-proxy, ip and umount live in sbin, which a non-login PATH may lack. */
const ENV = { ...process.env, PATH: `${process.env.PATH ?? ""}:/usr/local/sbin:/usr/sbin:/sbin:/usr/bin:/bin` };

/** Why this machine cannot run the engine, or undefined when it can. */
export function engineUnavailable(): string | undefined {
    if (process.getuid?.() !== 0) return "dockerd needs root";
    if (!fs.existsSync(TOOLS_PROMETHEUS) || !fs.existsSync("/bin/busybox"))
        return "no binaries for the stand-in images (scripts/get-test-tools.sh, busybox-static)";
    const owner = lockOwner();
    if (owner !== undefined && owner !== process.pid) return `another test run (pid ${owner}) is using the test Docker engine`;
    for (const tool of ["dockerd", "docker"]) {
        try {
            execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore", env: ENV });
        } catch {
            return `${tool} is not installed (scripts/get-docker-engine.sh installs Debian's docker.io)`;
        }
    }
    // A second engine would share the default bridge (docker0) with ours.
    try {
        execFileSync("pgrep", ["-x", "dockerd"], { stdio: "ignore" });
        return "another Docker engine (dockerd) runs on this machine";
    } catch {
        return undefined;
    }
}

/** Skips the suite when no engine can run here; with CI=true, fails it instead. */
export function requireEngine(ctx: Mocha.Context): void {
    const reason = engineUnavailable();
    if (reason === undefined) return;
    if (process.env.CI === "true") throw new Error(`cannot start a Docker engine: ${reason}`);
    ctx.skip();
}

export class DockerEngine {
    private stopped = false;
    private readonly onExit = () => this.stopNow();

    private constructor(
        /** Temp folder holding the socket, data root, exec root and the daemon's log. */
        public readonly root: string,
        public readonly pid: number,
        public readonly api: Docker,
    ) {
        process.on("exit", this.onExit);
    }

    get socket(): string {
        return path.join(this.root, "docker.sock");
    }

    get log(): string {
        return path.join(this.root, "dockerd.log");
    }

    /** Starts dockerd and waits until its API answers. */
    static async start(): Promise<DockerEngine> {
        takeLock();
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "monitoring-docker-"));
        if (!fs.existsSync("/sys/class/net/docker0")) fs.writeFileSync(path.join(root, "created-docker0"), "");
        const log = fs.openSync(path.join(root, "dockerd.log"), "a");
        const child = spawn(
            "dockerd",
            [
                // vfs: no overlay mounts to leak; --iptables=false: the machine's firewall is not ours to change.
                "--storage-driver=vfs",
                "--iptables=false",
                "--ip6tables=false",
                `--host=unix://${root}/docker.sock`,
                `--data-root=${root}/data`,
                `--exec-root=${root}/exec`,
                `--pidfile=${root}/docker.pid`,
                "--containerd-namespace=monitoring-test",
                "--containerd-plugins-namespace=monitoring-test-plugins",
            ],
            { stdio: ["ignore", log, log], env: ENV },
        );
        fs.closeSync(log);
        if (child.pid === undefined) throw new Error("could not spawn dockerd");
        const engine = new DockerEngine(root, child.pid, new Docker({ socketPath: path.join(root, "docker.sock") }));
        let exited: number | null | undefined;
        child.once("exit", (code) => (exited = code));
        const deadline = Date.now() + 30000;
        for (;;) {
            try {
                await engine.api.ping();
                return engine;
            } catch (err) {
                if (exited !== undefined || Date.now() > deadline) {
                    const tail = fs.readFileSync(engine.log, "utf8").split("\n").slice(-15).join("\n");
                    engine.stopNow();
                    throw new Error(`dockerd did not start (${exited !== undefined ? `exit ${exited}` : "timeout"}):\n${tail}`, { cause: err });
                }
                await sleep(100);
            }
        }
    }

    /** Removes every container, network and volume; keeps the images (built once per run). */
    async reset(): Promise<void> {
        for (const c of await this.api.listContainers({ all: true })) await this.api.getContainer(c.Id).remove({ force: true, v: true });
        for (const n of await this.api.listNetworks()) {
            if (!["bridge", "host", "none"].includes(n.Name)) await this.api.getNetwork(n.Id).remove();
        }
        for (const v of (await this.api.listVolumes()).Volumes ?? []) await this.api.getVolume(v.Name).remove({ force: true });
    }

    /** Removes every container, network and volume, stops the daemon by PID, unmounts, deletes the root. */
    stopNow(): void {
        if (this.stopped) return;
        this.stopped = true;
        process.removeListener("exit", this.onExit);
        try {
            execFileSync("bash", [STOP_SCRIPT, this.root, String(this.pid)], { stdio: ["ignore", "ignore", "inherit"], env: ENV });
        } finally {
            fs.rmSync(LOCK, { recursive: true, force: true });
        }
    }
}
