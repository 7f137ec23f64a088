// Temp folders of the tests: made here, removed after each test file (see cleanup.ts), so a
// passing run leaves nothing behind. A whole run puts every temp folder, its own and the tools',
// under one root of its own (`startRunTempRoot`), in memory when the machine has /dev/shm:
// renders write and delete thousands of files, and on the disk that cost seconds of system time.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const made = new Set<string>();

/** A new folder under the system temp folder, removed when the test file is done. */
export function tempDir(prefix: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    made.add(dir);
    return dir;
}

/** Removes every folder `tempDir` made so far; returns how many there were. */
export function removeTempDirs(): number {
    const count = made.size;
    for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
    made.clear();
    return count;
}

/** Names the run's root: `<base>/monitoring-test-<pid of the mocha process>`. */
const RUN_ROOT = /^monitoring-test-(\d+)$/;
/** The system's temp folder, before a run pointed TMPDIR at its own root: for machine-wide locks. */
const SYSTEM_TMPDIR = "MONITORING_SYSTEM_TMPDIR";
/** ts-node's compile cache (v8-compile-cache-lib): a cache, not a test's leftover. */
const CACHES = /^v8-compile-cache/;

export function systemTempDir(): string {
    return process.env[SYSTEM_TMPDIR] ?? os.tmpdir();
}

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
}

/**
 * Makes the run's temp root and points TMPDIR at it, for this process, the mocha workers it
 * starts next and every tool they run. Roots of runs that died (killed, no teardown) are removed.
 */
export function startRunTempRoot(): string {
    const system = os.tmpdir();
    const base = fs.existsSync("/dev/shm") && fs.statSync("/dev/shm").isDirectory() ? "/dev/shm" : system;
    for (const name of fs.readdirSync(base)) {
        const m = RUN_ROOT.exec(name);
        if (m && !alive(Number(m[1]))) fs.rmSync(path.join(base, name), { recursive: true, force: true });
    }
    const root = path.join(base, `monitoring-test-${process.pid}`);
    fs.mkdirSync(root, { recursive: true });
    // As /tmp: tools that drop root (PostgreSQL, MariaDB) write their own temp files here too.
    fs.chmodSync(root, 0o1777);
    process.env[SYSTEM_TMPDIR] = system;
    process.env.TMPDIR = root;
    return root;
}

/**
 * Ends the run's temp root: returns what the tests left in it (caches aside) and removes it, or,
 * after a failed run, keeps it (live stacks keep their logs there) and says where it is.
 */
export function endRunTempRoot(root: string, failed: boolean): string[] {
    const left = fs.existsSync(root) ? fs.readdirSync(root).filter((name) => !CACHES.test(name)) : [];
    if (failed && left.length > 0) {
        process.stderr.write(`temp files of the failed run kept in ${root}\n`);
    } else {
        fs.rmSync(root, { recursive: true, force: true });
    }
    return left;
}
