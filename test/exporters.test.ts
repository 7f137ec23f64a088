import * as assert from "assert";
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";
import { loadConfig, objectConfigSource } from "../config";
import { readExporters, settingsOf } from "../config/exporters";
import { EXPORTERS } from "../components/exporters";
import { blackboxExporter } from "../components/exporters/blackbox";
import { kafkaExporter } from "../components/exporters/kafka";
import { postgresExporter } from "../components/exporters/postgres";
import { splitPostgresDsn } from "../components/exporters/postgres";
import { redisExporter, renderRedisPasswordFile } from "../components/exporters/redis";
import { renderMysqlOptionFile } from "../components/exporters/mysql";
import { METRIC_SOURCES } from "./support/metrics-catalogue";
import { blackboxScrapeConfigs } from "../components/render/blackbox";
import { RecordedResource } from "../scripts/lib/mock-runtime";
import { renderStack, writeRender } from "../scripts/lib/render-stack";
import { readStackFile } from "../scripts/lib/stack-file";
import { relocate, RenderedDir, walk } from "./support/render";
import { postgresOwn, postgresRunAs, requireTool } from "./support/tools";
import { MariadbServer } from "./live/fixtures";
import { tempDir } from "./support/temp";
import { withinStack } from "./support/stack-names";

const EXAMPLE = "examples/all-exporters.yaml";
const load = (values: Record<string, unknown>) => loadConfig(objectConfigSource(values), "dev");
const DSN = "postgresql://monitor:pw@db:5432/app?sslmode=disable";

describe("exporters configuration (monitoring:exporters)", () => {
    it("runs node exporter everywhere and cAdvisor on Docker by default, nothing else", () => {
        assert.deepStrictEqual([...load({}).exporters.running.keys()], ["node", "cadvisor"]);
        const prod = readExporters(undefined, EXPORTERS, { platform: "kubernetes", scrapeInterval: "15s", secret: () => undefined });
        assert.deepStrictEqual([...prod.running.keys()], ["node", "kubeStateMetrics"]);
    });

    it("reads every exporter's block with its defaults", () => {
        const config = load({
            postgresDsn: DSN,
            exporters: {
                postgres: true,
                redis: { address: "cache:6379" },
                kafka: { brokers: ["k1:9092", "k2:9092"] },
                blackbox: { probes: [{ url: "https://api.example.com/health/ready" }, { name: "db", url: "db:5432", module: "tcp_connect" }] },
            },
        }).exporters;
        const { dsn, ...postgres } = settingsOf(config, postgresExporter)!;
        assert.ok(pulumi.Output.isInstance(dsn), "the DSN stays a secret Output");
        assert.deepStrictEqual(postgres, { autoDiscoverDatabases: false, port: 5432 });
        assert.deepStrictEqual(settingsOf(config, redisExporter), { address: "cache:6379", port: 6379, user: undefined, password: undefined });
        assert.deepStrictEqual(settingsOf(config, kafkaExporter), {
            brokers: ["k1:9092", "k2:9092"],
            version: undefined,
            topicFilter: ".*",
            groupFilter: ".*",
        });
        assert.deepStrictEqual(settingsOf(config, blackboxExporter), {
            probes: [
                { name: undefined, url: "https://api.example.com/health/ready", module: "http_2xx" },
                { name: "db", url: "db:5432", module: "tcp_connect" },
            ],
            timeout: "5s",
        });
    });

    const errors: [string, Record<string, unknown>, string][] = [
        ["cAdvisor on Kubernetes", { platform: "kubernetes", exporters: { cadvisor: true } }, "monitoring:exporters.cadvisor"],
        ["postgres without its DSN", { exporters: { postgres: true } }, "monitoring:postgresDsn"],
        ["a DSN without a user", { postgresDsn: "postgresql://db:5432/app", exporters: { postgres: true } }, "monitoring:postgresDsn"],
        ["a key=value DSN", { postgresDsn: "host=db user=monitor password=x", exporters: { postgres: true } }, "monitoring:postgresDsn"],
        ["a DSN of another database", { postgresDsn: "mysql://u:p@db:3306/app", exporters: { postgres: true } }, "monitoring:postgresDsn"],
        ["redis without an address", { exporters: { redis: {} } }, "monitoring:exporters.redis.address"],
        ["redis address without a port", { exporters: { redis: { address: "cache" } } }, "monitoring:exporters.redis.address"],
        ["an empty broker list", { exporters: { kafka: { brokers: [] } } }, "monitoring:exporters.kafka.brokers"],
        ["no broker list", { exporters: { kafka: {} } }, "monitoring:exporters.kafka.brokers"],
        ["a broker that is not host:port", { exporters: { kafka: { brokers: ["kafka://k1"] } } }, "monitoring:exporters.kafka.brokers[0]"],
        ["a bad topic filter", { exporters: { kafka: { brokers: ["k1:9092"], topicFilter: "(" } } }, "monitoring:exporters.kafka.topicFilter"],
        [
            "a malformed probe URL",
            { exporters: { blackbox: { probes: [{ url: "https//api.example.com/health" }] } } },
            "monitoring:exporters.blackbox.probes[0].url",
        ],
        ["an ftp probe URL", { exporters: { blackbox: { probes: [{ url: "ftp://files.example.com" }] } } }, "monitoring:exporters.blackbox.probes[0].url"],
        [
            "a URL given to a tcp probe",
            { exporters: { blackbox: { probes: [{ url: "https://db:5432", module: "tcp_connect" }] } } },
            "monitoring:exporters.blackbox.probes[0].url",
        ],
        [
            "a port given to an icmp probe",
            { exporters: { blackbox: { probes: [{ url: "gw:80", module: "icmp" }] } } },
            "monitoring:exporters.blackbox.probes[0].url",
        ],
        [
            "an unknown probe module",
            { exporters: { blackbox: { probes: [{ url: "https://a.example.com", module: "dns" }] } } },
            "monitoring:exporters.blackbox.probes[0].module",
        ],
        ["no probes", { exporters: { blackbox: { probes: [] } } }, "monitoring:exporters.blackbox.probes"],
        ["an unknown exporter", { exporters: { mongodb: true } }, "monitoring:exporters.mongodb"],
        ["mysql without its DSN", { exporters: { mysql: true } }, "monitoring:mysqlDsn"],
        ["a MySQL DSN of PostgreSQL", { mysqlDsn: DSN, exporters: { mysql: true } }, "monitoring:mysqlDsn"],
        [
            "a MySQL password with a $ (mysqld_exporter expands it)",
            { mysqlDsn: "mysql://exporter:pa$$word@db:3306", exporters: { mysql: true } },
            "monitoring:mysqlDsn",
        ],
        ["a MySQL DSN with parameters", { mysqlDsn: "mysql://exporter:pw@db:3306/?tls=true", exporters: { mysql: true } }, "monitoring:mysqlDsn"],
        [
            "mysql with a field it does not have",
            { mysqlDsn: "mysql://exporter:pw@db:3306", exporters: { mysql: { address: "db:3306" } } },
            "monitoring:exporters.mysql.address",
        ],
    ];
    for (const [what, values, key] of errors) {
        it(`names the key for ${what}`, () => {
            assert.throws(
                () => load(values),
                (err: Error) => err.name === "ConfigError" && err.message.startsWith(`${key}:`),
            );
        });
    }

    it("never shows the DSN in its error", () => {
        assert.throws(
            () => load({ postgresDsn: "postgresql://db/Sup3rS3cretValue", exporters: { postgres: true } }),
            (err: Error) => !err.message.includes("Sup3rS3cretValue"),
        );
    });
});

describe("exporter secrets, taken apart into files", () => {
    it("splits a DSN into host/db, user and decoded password", () => {
        assert.deepStrictEqual(splitPostgresDsn("postgresql://monitor:p%40ss%3Aw%2Frd@db.internal:5432/app?sslmode=require"), {
            uri: "db.internal:5432/app?sslmode=require",
            user: "monitor",
            password: "p@ss:w/rd",
        });
        assert.deepStrictEqual(splitPostgresDsn("postgres://monitor@db:5432/app"), { uri: "db:5432/app", user: "monitor", password: "" });
    });

    it("writes redis_exporter's password file as a JSON map keyed by the exact --redis.addr", () => {
        assert.deepStrictEqual(JSON.parse(renderRedisPasswordFile("redis://cache:6379", 'p"w')), { "redis://cache:6379": 'p"w' });
    });
});

describe("blackbox scrape jobs", () => {
    const jobs = blackboxScrapeConfigs(
        [
            { name: "api", url: "https://api.example.com/health/ready", module: "http_2xx" },
            { url: "db:5432", module: "tcp_connect" },
        ],
        "blackbox-exporter:9115",
    );

    it("makes one job per module in use, scraping /probe with the module", () => {
        assert.deepStrictEqual(
            jobs.map((j) => [j.job_name, j.metrics_path, j.params]),
            [
                ["blackbox-http", "/probe", { module: ["http_2xx"] }],
                ["blackbox-tcp", "/probe", { module: ["tcp_connect"] }],
            ],
        );
        assert.deepStrictEqual(jobs[0].static_configs, [{ targets: ["https://api.example.com/health/ready"], labels: { probe: "api" } }]);
    });

    it("relabels the target into ?target= and instance, and scrapes the exporter", () => {
        assert.deepStrictEqual(jobs[1].relabel_configs, [
            { source_labels: ["__address__"], target_label: "__param_target" },
            { source_labels: ["__param_target"], target_label: "instance" },
            { target_label: "__address__", replacement: "blackbox-exporter:9115" },
        ]);
    });
});

describe(`the worked example (${EXAMPLE}), rendered for dev`, () => {
    const containers = (r: RecordedResource[]) => r.filter((x) => x.type === "docker:index/container:Container");
    const container = (name: string) => containers(out.rendered.resources).find((c) => withinStack(c) === name)!;
    const secrets = () => {
        const config = readStackFile(EXAMPLE).config;
        const dsn = String(config["monitoring:postgresDsn"]);
        const parts = splitPostgresDsn(dsn);
        const mysql = String(config["monitoring:mysqlDsn"]);
        return {
            dsn,
            password: parts.password,
            redis: String(config["monitoring:redisPassword"]),
            mysql,
            mysqlPassword: decodeURIComponent(new URL(mysql).password),
        };
    };
    let out: RenderedDir;
    before(async () => {
        const dir = tempDir("monitoring-example-");
        const rendered = await renderStack("dev", EXAMPLE);
        writeRender(rendered, dir);
        out = { dir, rendered, file: (service, p) => fs.readFileSync(path.join(dir, "files", service, p), "utf8") };
    });

    it("lists its secrets in a comment, with fake values that look fake", () => {
        const text = fs.readFileSync(EXAMPLE, "utf8");
        for (const key of ["monitoring:postgresDsn", "monitoring:mysqlDsn", "monitoring:redisPassword"]) assert.match(text, new RegExp(`^#.*${key}`, "m"));
        const { password, redis, mysqlPassword } = secrets();
        for (const value of [password, redis, mysqlPassword]) assert.match(value, /^FAKE-/);
    });

    it("runs Loki, Alloy and every exporter of the registry that runs on Docker as containers", () => {
        const names = containers(out.rendered.resources).map(withinStack);
        const dockerExporters = EXPORTERS.filter((e) => (e.platforms?.only ?? "docker") === "docker").map((e) => e.name);
        for (const service of ["loki", "alloy", ...dockerExporters]) {
            assert.ok(names.includes(service), `no container ${service} in ${names.join(", ")}`);
        }
    });

    it("has Prometheus scrape each of them under its job name", () => {
        const config = yaml.load(out.file("prometheus", "/etc/prometheus/prometheus.yml")) as any;
        const jobs = config.scrape_configs.map((j: any) => j.job_name);
        for (const job of [
            "cadvisor",
            "postgres-exporter",
            "mysql-exporter",
            "redis-exporter",
            "kafka-exporter",
            "blackbox-http",
            "blackbox-tcp",
            "blackbox-icmp",
            "loki",
            "alloy",
        ]) {
            assert.ok(jobs.includes(job), `no job ${job}`);
        }
        const http = config.scrape_configs.find((j: any) => j.job_name === "blackbox-http");
        assert.ok(http.static_configs.some((s: any) => s.targets.includes("https://api.example.com/health/ready")));
    });

    it("passes promtool check config", function () {
        const promtool = requireTool(this, "promtool");
        const { root } = relocate(out, "prometheus", ["/etc/prometheus"]);
        fs.mkdirSync(path.join(root, "etc/prometheus/secrets"), { recursive: true });
        for (const file of ["password", "alertmanager_password"]) fs.writeFileSync(path.join(root, "etc/prometheus/secrets", file), "dummy\n");
        const output = execFileSync(promtool, ["check", "config", path.join(root, "etc/prometheus/prometheus.yml")], { encoding: "utf8" });
        assert.match(output, /SUCCESS/);
    });

    it("renders a blackbox.yml that blackbox_exporter --config.check accepts", function () {
        const blackbox = requireTool(this, "blackbox_exporter");
        const file = path.join(out.dir, "files/blackbox-exporter/etc/blackbox_exporter/blackbox.yml");
        execFileSync(blackbox, ["--config.check", `--config.file=${file}`], { stdio: "pipe" });
        assert.deepStrictEqual(Object.keys((yaml.load(fs.readFileSync(file, "utf8")) as any).modules), ["http_2xx", "tcp_connect", "icmp"]);
    });

    it("gives Grafana the Loki datasource", () => {
        assert.match(out.file("grafana", "/etc/grafana/provisioning/datasources/datasources.yml"), /uid: loki\n\s+type: loki/);
    });

    it("writes no DSN or password into any file or resources.json", () => {
        const { dsn, password, redis, mysql, mysqlPassword } = secrets();
        const files = walk(out.dir);
        assert.ok(files.some((f) => f.endsWith("resources.json")));
        for (const file of files) {
            const text = fs.readFileSync(file, "utf8");
            for (const needle of [dsn, password, redis, mysql, mysqlPassword])
                assert.ok(!text.includes(needle), `${path.relative(out.dir, file)} holds a secret`);
        }
    });

    it("gives postgres_exporter file paths in its environment and the DSN's parts only as secret files", () => {
        const pg = container("postgres-exporter");
        assert.deepStrictEqual(pg.inputs.envs, [
            "DATA_SOURCE_URI_FILE=/etc/postgres-exporter/secrets/uri",
            "DATA_SOURCE_USER_FILE=/etc/postgres-exporter/secrets/user",
            "DATA_SOURCE_PASS_FILE=/etc/postgres-exporter/secrets/password",
        ]);
        for (const upload of pg.inputs.uploads as { content: string }[]) assert.strictEqual(upload.content, "[secret]");
        const redis = container("redis-exporter");
        assert.ok((redis.inputs.command as string[]).includes("--redis.password-file=/etc/redis-exporter/secrets/passwords.json"));
        assert.deepStrictEqual(redis.inputs.uploads, [{ file: "/etc/redis-exporter/secrets/passwords.json", content: "[secret]" }]);
        const mysql = container("mysql-exporter");
        assert.deepStrictEqual(mysql.inputs.command, ["--config.my-cnf=/etc/mysql-exporter/secrets/my.cnf", "--web.listen-address=:9104"]);
        assert.deepStrictEqual(mysql.inputs.envs, []);
        assert.deepStrictEqual(mysql.inputs.uploads, [{ file: "/etc/mysql-exporter/secrets/my.cnf", content: "[secret]" }]);
    });

    it("runs cAdvisor privileged with /dev/kmsg and read-only host mounts", () => {
        const cadvisor = container("cadvisor");
        assert.strictEqual(cadvisor.inputs.privileged, true);
        assert.deepStrictEqual(cadvisor.inputs.devices, [{ hostPath: "/dev/kmsg", containerPath: "/dev/kmsg" }]);
        for (const v of (cadvisor.inputs.volumes as any[]).filter((v) => v.hostPath)) assert.strictEqual(v.readOnly, true, v.hostPath);
    });

    it("publishes no exporter port: only Prometheus reaches them, on the stack network", () => {
        for (const name of ["cadvisor", "postgres-exporter", "redis-exporter", "kafka-exporter", "blackbox-exporter"]) {
            assert.deepStrictEqual(container(name).inputs.ports, [], name);
        }
    });
});

// The rendered secret files, read by the real exporters against real servers.
describe("exporters reading the rendered secret files (real binaries)", () => {
    const children: ChildProcess[] = [];
    let dir: string;
    before(() => {
        dir = tempDir("monitoring-exporter-secrets-");
    });
    const servers: MariadbServer[] = [];
    after(async () => {
        for (const child of children) if (child.pid && child.exitCode === null) process.kill(child.pid);
        await Promise.all(servers.map((s) => s.stop()));
    });

    async function freePort(): Promise<number> {
        return new Promise((resolve) => {
            const server = net.createServer().listen(0, "127.0.0.1", () => {
                const { port } = server.address() as net.AddressInfo;
                server.close(() => resolve(port));
            });
        });
    }

    function start(command: string, args: string[], env: Record<string, string> = {}): void {
        const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: "ignore" });
        children.push(child);
    }

    async function metric(url: string, name: string): Promise<string | undefined> {
        for (let i = 0; i < 50; i++) {
            try {
                const text = await (await fetch(url)).text();
                const line = text.split("\n").find((l) => l.startsWith(`${name} `));
                if (line) return line.split(" ")[1];
            } catch {
                // not listening yet
            }
            await new Promise((r) => setTimeout(r, 200));
        }
        return undefined;
    }

    it("redis_exporter logs in with the rendered password file", async function () {
        const redisServer = requireTool(this, "redis-server");
        const exporter = requireTool(this, "redis_exporter");
        const [redisPort, exporterPort] = [await freePort(), await freePort()];
        const password = 'r3d:is"pw@x';
        start(redisServer, ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--requirepass", password]);
        const uri = `redis://127.0.0.1:${redisPort}`;
        const file = path.join(dir, "passwords.json");
        fs.writeFileSync(file, renderRedisPasswordFile(uri, password), { mode: 0o600 });
        start(exporter, [`--redis.addr=${uri}`, `--redis.password-file=${file}`, `--web.listen-address=127.0.0.1:${exporterPort}`]);
        assert.strictEqual(await metric(`http://127.0.0.1:${exporterPort}/metrics`, "redis_up"), "1");
    });

    it("postgres_exporter connects with the DSN's parts as DATA_SOURCE_*_FILE files", async function () {
        const exporter = requireTool(this, "postgres_exporter");
        const initdb = requireTool(this, "initdb");
        const postgres = requireTool(this, "postgres");
        const [pgPort, exporterPort] = [await freePort(), await freePort()];
        const pgRoot = path.join(dir, "pg");
        fs.mkdirSync(pgRoot);
        postgresOwn(pgRoot);
        const password = "p@ss:w/rd";
        const pwfile = path.join(pgRoot, "pwfile");
        fs.writeFileSync(pwfile, password);
        postgresOwn(pwfile);
        const init = [...postgresRunAs(), initdb, "-D", path.join(pgRoot, "data"), "-U", "monitor", "--auth=scram-sha-256", `--pwfile=${pwfile}`, "--no-sync"];
        execFileSync(init[0], init.slice(1), { stdio: "ignore" });
        const server = [...postgresRunAs(), postgres, "-D", path.join(pgRoot, "data"), "-p", String(pgPort), "-c", "listen_addresses=127.0.0.1"];
        start(server[0], [...server.slice(1), "-c", `unix_socket_directories=${pgRoot}`, "-c", "fsync=off"]);
        const parts = splitPostgresDsn(`postgresql://monitor:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/postgres?sslmode=disable`);
        const files = { uri: parts.uri, user: parts.user, password: parts.password };
        for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content, { mode: 0o600 });
        start(exporter, [`--web.listen-address=127.0.0.1:${exporterPort}`], {
            DATA_SOURCE_URI_FILE: path.join(dir, "uri"),
            DATA_SOURCE_USER_FILE: path.join(dir, "user"),
            DATA_SOURCE_PASS_FILE: path.join(dir, "password"),
        });
        let up: string | undefined;
        for (let i = 0; i < 30 && up !== "1"; i++) {
            up = await metric(`http://127.0.0.1:${exporterPort}/metrics`, "pg_up");
            if (up !== "1") await new Promise((r) => setTimeout(r, 300));
        }
        assert.strictEqual(up, "1");
    });

    it("mysqld_exporter logs in to MariaDB with the rendered option file, and reads every catalogued metric", async function () {
        const exporter = requireTool(this, "mysqld_exporter");
        requireTool(this, "mariadb-install-db");
        requireTool(this, "mariadbd");
        const [dbPort, exporterPort, wrongPort] = [await freePort(), await freePort(), await freePort()];
        // Every character the option file must keep literal: comment starts, quotes, a backtick, a backslash.
        const password = "p#a;s`s\"w'd\\x";
        const server = new MariadbServer(dir, dbPort, path.join(dir, "logs"), password);
        servers.push(server);
        await server.start();
        const optionFile = (file: string, pw: string) => {
            fs.writeFileSync(file, renderMysqlOptionFile(new MariadbServer(dir, dbPort, dir, pw).dsn), { mode: 0o600 });
            return file;
        };
        start(exporter, [`--config.my-cnf=${optionFile(path.join(dir, "my.cnf"), password)}`, `--web.listen-address=127.0.0.1:${exporterPort}`]);
        // The same file with another password must fail: the exporter reads its credentials from it.
        start(exporter, [`--config.my-cnf=${optionFile(path.join(dir, "wrong.cnf"), `${password}x`)}`, `--web.listen-address=127.0.0.1:${wrongPort}`]);
        let up: string | undefined;
        for (let i = 0; i < 50 && up !== "1"; i++) {
            up = await metric(`http://127.0.0.1:${exporterPort}/metrics`, "mysql_up");
            if (up !== "1") await new Promise((r) => setTimeout(r, 300));
        }
        assert.strictEqual(up, "1");
        assert.strictEqual(await metric(`http://127.0.0.1:${wrongPort}/metrics`, "mysql_up"), "0");
        // Replica-only series aside, what the rules and the dashboard read is there.
        const text = await (await fetch(`http://127.0.0.1:${exporterPort}/metrics`)).text();
        const exposed = new Set(
            text
                .split("\n")
                .filter((l) => l && !l.startsWith("#"))
                .map((l) => l.split(/[{ ]/)[0]),
        );
        const missing = METRIC_SOURCES["mysql-exporter"].metrics.filter((m) => !m.startsWith("mysql_slave_status_") && !exposed.has(m));
        assert.deepStrictEqual(missing, []);
    });
});
