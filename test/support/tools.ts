// Real test binaries provided by scripts/get-test-tools.sh under .tools/bin (git-ignored):
// prometheus promtool alertmanager amtool node_exporter postgres_exporter redis_exporter
// blackbox_exporter postgres initdb pg_ctl psql redis-server.
// Start servers on 127.0.0.1 only, on a free port, and stop them by PID (every tool execs,
// so the spawned PID is the server itself). Flags known to work here:
//   prometheus --config.file=F --storage.tsdb.path=D --web.listen-address=127.0.0.1:P
//   alertmanager --config.file=F --storage.path=D --web.listen-address=127.0.0.1:P
//     --cluster.listen-address=            (empty: no gossip port on 0.0.0.0:9094)
//   node_exporter --web.listen-address=127.0.0.1:P
//   blackbox_exporter --config.file=F --web.listen-address=127.0.0.1:P   (config required)
//   redis_exporter --redis.addr=redis://127.0.0.1:R --web.listen-address=127.0.0.1:P
//   postgres_exporter --web.listen-address=127.0.0.1:P
//     env DATA_SOURCE_NAME=postgresql://postgres@127.0.0.1:R/postgres?sslmode=disable
//   redis-server --port R --bind 127.0.0.1 --save '' --appendonly no --dir D
//   [...postgresRunAs(), initdb, -D, D, -U, postgres, --auth=trust, --no-sync]
//   [...postgresRunAs(), postgres, -D, D, -p, R, -c, listen_addresses=127.0.0.1,
//    -c, unix_socket_directories=<dir owned by postgres>, -c, fsync=off]
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/** Repository root (this file is test/support/tools.ts). */
const repoRoot = path.resolve(__dirname, "../..");

/** The folder filled by scripts/get-test-tools.sh. */
export const toolsBin = path.join(repoRoot, ".tools", "bin");

/** Absolute path of a test binary under .tools/bin, or undefined when missing. */
export function toolPath(name: string): string | undefined {
    const candidate = path.join(toolsBin, name);
    try {
        fs.accessSync(candidate, fs.constants.X_OK); // follows symlinks: a dangling one is missing
        return candidate;
    } catch {
        return undefined;
    }
}

/**
 * The path of a test binary. When it is missing: with CI=true throw an Error, otherwise skip
 * the current mocha test or hook (`ctx.skip()` does not return).
 */
export function requireTool(ctx: Mocha.Context, name: string): string {
    const found = toolPath(name);
    if (found !== undefined) {
        return found;
    }
    if (process.env.CI === "true") {
        throw new Error(`missing test tool ${name}: run scripts/get-test-tools.sh`);
    }
    ctx.skip();
}

function runningAsRoot(): boolean {
    return typeof process.getuid === "function" && process.getuid() === 0;
}

/**
 * argv prefix to run initdb / postgres / pg_ctl: PostgreSQL refuses to run as root, so as
 * root they run as the `postgres` system user. `setpriv` execs (no extra process), so the
 * spawned PID is postgres itself. Empty when not root.
 */
export function postgresRunAs(): string[] {
    return runningAsRoot() ? ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"] : [];
}

/**
 * Give a (fresh, empty) folder to the user that runs postgres, so initdb can create the data
 * dir in it and postgres can put its unix socket there; also adds o+x to its parent folder.
 * No-op when not root.
 */
export function postgresOwn(dir: string): void {
    if (!runningAsRoot()) {
        return;
    }
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    fs.chownSync(dir, uid, gid);
    // postgres must be able to traverse the parent (e.g. a 0700 fs.mkdtempSync folder).
    fs.chmodSync(path.dirname(dir), fs.statSync(path.dirname(dir)).mode | 0o001);
}

/** argv options that make mariadb-install-db and mariadbd drop to the `mysql` user when run as root (they refuse root otherwise). */
export function mariadbRunAs(): string[] {
    return runningAsRoot() ? ["--user=mysql"] : [];
}

/** Give a fresh folder or file to the `mysql` user when root, as postgresOwn does for PostgreSQL. */
export function mariadbOwn(target: string): void {
    if (!runningAsRoot()) return;
    const uid = Number(execFileSync("id", ["-u", "mysql"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "mysql"], { encoding: "utf8" }).trim());
    fs.chownSync(target, uid, gid);
    fs.chmodSync(path.dirname(target), fs.statSync(path.dirname(target)).mode | 0o001);
}
