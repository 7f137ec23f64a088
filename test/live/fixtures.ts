// What the live stack watches besides itself: an application whose metrics the tests set, and
// real PostgreSQL and Redis servers on loopback.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as path from "path";
import { mariadbOwn, mariadbRunAs, postgresOwn, postgresRunAs, toolPath } from "../support/tools";
import { LiveProcess, waitFor } from "./processes";

/**
 * The user's application as Prometheus sees it (a `monitoring:targets` job): it serves
 * `live_flag{flag="<name>"} 0|1` so a test can make a rule of its own fire and resolve.
 */
export class FlagApp {
    private readonly flags = new Map<string, number>();
    private server?: http.Server;
    public address = "";

    async start(): Promise<void> {
        this.server = http.createServer((req, res) => {
            if (req.url !== "/metrics") {
                res.writeHead(404).end();
                return;
            }
            const lines = ["# HELP live_flag Set by the live tests to fire their own alerts.", "# TYPE live_flag gauge"];
            for (const [flag, value] of this.flags) lines.push(`live_flag{flag="${flag}"} ${value}`);
            res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(lines.join("\n") + "\n");
        });
        await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", () => resolve()));
        this.address = `127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
    }

    set(flag: string, on: boolean): void {
        this.flags.set(flag, on ? 1 : 0);
    }

    async stop(): Promise<void> {
        if (!this.server) return;
        this.server.closeAllConnections();
        await new Promise((resolve) => this.server!.close(resolve));
        this.server = undefined;
    }
}

/** A throw-away PostgreSQL cluster on 127.0.0.1 (trust auth, no fsync), run as `postgres` when we are root. */
export class PostgresServer {
    public process?: LiveProcess;
    private readonly dir: string;
    private readonly data: string;

    constructor(
        root: string,
        public readonly port: number,
        private readonly logDir: string,
    ) {
        this.dir = path.join(root, "postgresql");
        this.data = path.join(this.dir, "data");
    }

    /** `postgresql://postgres@127.0.0.1:<port>/postgres?sslmode=disable` */
    get dsn(): string {
        return `postgresql://postgres@127.0.0.1:${this.port}/postgres?sslmode=disable`;
    }

    /** Creates the cluster (once) and starts the server; resolves when it accepts connections. */
    async start(): Promise<void> {
        const [runAs, initdb, postgres, psql] = [postgresRunAs(), toolPath("initdb"), toolPath("postgres"), toolPath("psql")];
        if (!initdb || !postgres || !psql) throw new Error("initdb/postgres/psql missing: run scripts/get-test-tools.sh");
        const fresh = !fs.existsSync(this.data);
        if (fresh) {
            fs.mkdirSync(this.dir, { recursive: true });
            postgresOwn(this.dir);
            const [cmd, ...args] = [...runAs, initdb, "-D", this.data, "-U", "postgres", "--auth=trust", "--no-sync"];
            execFileSync(cmd, args, { stdio: "ignore" });
        }
        const [cmd, ...args] = [
            ...runAs,
            postgres,
            "-D",
            this.data,
            "-p",
            String(this.port),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            `unix_socket_directories=${this.dir}`,
            "-c",
            "fsync=off",
        ];
        // SIGINT is PostgreSQL's fast shutdown; SIGTERM would wait for the exporter's connection to close.
        this.process = new LiveProcess({ name: "postgresql", command: cmd, args, logDir: this.logDir, stopSignal: "SIGINT" });
        await waitForPort("postgresql", this.port, this.process);
        await waitFor(
            "postgresql to accept connections",
            async () => {
                if (!this.process?.alive) throw new Error("postgresql exited");
                const log = fs.readFileSync(this.process.logFile, "utf8");
                return /ready to accept connections/.test(log) ? true : undefined;
            },
            { timeoutMs: 20000, context: () => this.process?.logTail() ?? "" },
        );
        // A table with live and dead rows, so the dashboard's table panels have something to show.
        if (fresh) {
            execFileSync(
                psql,
                [
                    "-h",
                    "127.0.0.1",
                    "-p",
                    String(this.port),
                    "-U",
                    "postgres",
                    "-d",
                    "postgres",
                    "-q",
                    "-c",
                    "CREATE TABLE live_orders (id int PRIMARY KEY, state text); " +
                        "INSERT INTO live_orders SELECT g, 'new' FROM generate_series(1, 500) g; UPDATE live_orders SET state = 'paid';",
                ],
                { stdio: "ignore" },
            );
        }
    }

    async stop(): Promise<void> {
        await this.process?.stop(10000);
    }
}

/** A MariaDB server on 127.0.0.1 with a monitoring user `exporter` (PROCESS, REPLICATION CLIENT, SLAVE MONITOR, SELECT). */
export class MariadbServer {
    public process?: LiveProcess;
    private readonly dir: string;

    constructor(
        root: string,
        public readonly port: number,
        private readonly logDir: string,
        /** The exporter user's password. */
        public readonly password = "live-mysql-pw",
    ) {
        this.dir = path.join(root, "mariadb");
    }

    /** `mysql://exporter:<password>@127.0.0.1:<port>`, the secret monitoring:mysqlDsn. */
    get dsn(): string {
        return `mysql://exporter:${encodeURIComponent(this.password)}@127.0.0.1:${this.port}`;
    }

    /** Creates the data directory and starts the server; resolves when it accepts connections. */
    async start(): Promise<void> {
        const [installDb, mariadbd] = [toolPath("mariadb-install-db"), toolPath("mariadbd")];
        if (!installDb || !mariadbd) throw new Error("mariadb-install-db/mariadbd missing: run scripts/get-test-tools.sh");
        fs.mkdirSync(this.dir, { recursive: true });
        mariadbOwn(this.dir);
        // The user is made at start-up from a file: no client and no root login are needed.
        const sql = (text: string) => `'${text.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
        const initFile = path.join(this.dir, "init.sql");
        fs.writeFileSync(
            initFile,
            [
                `CREATE USER IF NOT EXISTS 'exporter'@'127.0.0.1' IDENTIFIED BY ${sql(this.password)} WITH MAX_USER_CONNECTIONS 3;`,
                "GRANT PROCESS, REPLICATION CLIENT, SLAVE MONITOR, SELECT ON *.* TO 'exporter'@'127.0.0.1';",
            ].join("\n"),
        );
        mariadbOwn(initFile);
        const data = path.join(this.dir, "data");
        if (!fs.existsSync(data)) {
            execFileSync(installDb, ["--no-defaults", ...mariadbRunAs(), `--datadir=${data}`, "--skip-test-db", "--auth-root-authentication-method=socket"], {
                stdio: "ignore",
            });
        }
        this.process = new LiveProcess({
            name: "mariadb",
            command: mariadbd,
            args: [
                "--no-defaults",
                ...mariadbRunAs(),
                `--datadir=${data}`,
                "--bind-address=127.0.0.1",
                `--port=${this.port}`,
                `--socket=${path.join(this.dir, "sock")}`,
                `--pid-file=${path.join(this.dir, "pid")}`,
                `--init-file=${initFile}`,
                "--innodb-buffer-pool-size=16M",
                "--skip-log-bin",
            ],
            logDir: this.logDir,
        });
        await waitForPort("mariadb", this.port, this.process);
    }

    async stop(): Promise<void> {
        await this.process?.stop(10000);
    }
}

/** A Redis server on 127.0.0.1, no persistence. */
export class RedisServer {
    public process?: LiveProcess;

    constructor(
        private readonly root: string,
        public readonly port: number,
        private readonly logDir: string,
    ) {}

    get address(): string {
        return `127.0.0.1:${this.port}`;
    }

    async start(): Promise<void> {
        const redis = toolPath("redis-server");
        if (!redis) throw new Error("redis-server missing: run scripts/get-test-tools.sh");
        const dir = path.join(this.root, "redis");
        fs.mkdirSync(dir, { recursive: true });
        this.process = new LiveProcess({
            name: "redis",
            command: redis,
            args: ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
            logDir: this.logDir,
        });
        await waitForPort("redis", this.port, this.process);
    }

    async stop(): Promise<void> {
        await this.process?.stop();
    }
}

/** Resolves when something accepts TCP connections on 127.0.0.1:`port`. */
export function waitForPort(what: string, port: number, proc: LiveProcess, timeoutMs = 20000): Promise<boolean> {
    return waitFor(
        `${what} to listen on 127.0.0.1:${port}`,
        () =>
            new Promise<boolean | undefined>((resolve, reject) => {
                if (!proc.alive) return reject(new Error(`${what} exited`));
                const socket = net.connect(port, "127.0.0.1");
                socket.once("connect", () => {
                    socket.destroy();
                    resolve(true);
                });
                socket.once("error", () => resolve(undefined));
            }),
        { timeoutMs, intervalMs: 100, context: () => proc.logTail() },
    );
}
