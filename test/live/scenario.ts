// The live stack the scenarios and `npm run bench` run: the generated configuration with short
// intervals, a stand-in for Slack and the SMS webhook, a test application, PostgreSQL and Redis.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FlagApp, MariadbServer, PostgresServer, RedisServer } from "./fixtures";
import { LiveStack } from "./harness";
import { freePorts, killAllNow } from "./processes";
import { makeLoopbackCertificate, NotificationReceiver } from "./receiver";

/** Timings the stack configuration sets, short so the suite stays within minutes. */
export const TIMINGS = {
    // Not 1s: postgres_exporter takes about 1 s to answer while its database is down, and a
    // scrape may take no longer than the interval (scrape_timeout), so pg_up would vanish.
    scrapeInterval: "3s",
    evaluationInterval: "1s",
    groupWait: "1s",
    groupInterval: "1s",
    /** Long, so a repeat never passes for a second notification. */
    repeatInterval: "1h",
    /** `for` of the alerts the scenarios wait for (the rule files say minutes). */
    alertFor: "3s",
    /**
     * Prometheus resends firing alerts this often (`--rules.alert.resend-delay`, 1m by default):
     * the Watchdog it could not send before Alertmanager was discovered arrives this much later.
     * Not 1s: an alert not resent within 4 resend delays expires in Alertmanager, and a loaded
     * machine then sees it resolve and fire again. Only for scenarios that ask (`fastResend`):
     * with two Alertmanagers, frequent resends made the second one notify a resolved alert again.
     */
    alertResendDelay: "5s",
    /**
     * Clustered Alertmanagers (`alertmanagerReplicas` > 1). The second peer flushes
     * `--cluster.peer-timeout` after the first and sends unless the first's notification log entry
     * reached it. A flush carries the alerts as they were when it started, so a peer whose flush
     * spans a change sends stale news: with the peer timeout longer than the group interval (the
     * default 15s against 1s), the second peer was always mid-flush, and re-sent the firing alert
     * after the first had sent its resolution. A group interval longer than the peer timeout keeps
     * both peers flushing at the same ticks with the same alerts, so the test can wait seconds, not
     * the default 15s twice. Gossip every 100ms (200ms default) also settles the cluster sooner.
     */
    cluster: { peerTimeoutMs: 3000, groupInterval: "6s", gossipInterval: "100ms" },
} as const;

/** Alertmanager's flags for `TIMINGS.cluster`, in a stack with more than one Alertmanager. */
export const CLUSTER_FLAGS = [`--cluster.peer-timeout=${TIMINGS.cluster.peerTimeoutMs}ms`, `--cluster.gossip-interval=${TIMINGS.cluster.gossipInterval}`];

export const CHANNELS = { critical: "#live-critical", warning: "#live-warnings", info: "#live-info" } as const;

export const SCENARIO_RULES = path.join(__dirname, "rules", "live-scenarios.yml");

/** The bearer token of the team's own webhook receiver, given as a receiver secret. */
export const TEAM_TOKEN = "live-team-bearer-7Qx2";

export interface ScenarioOptions {
    readonly name: string;
    readonly alertmanagerReplicas?: number;
    readonly prometheusReplicas?: number;
    /** Start PostgreSQL, MariaDB and Redis and their exporters. */
    readonly databases?: boolean;
    /** Prometheus resends firing alerts every `TIMINGS.alertResendDelay` (the smoke test's Watchdog). */
    readonly fastResend?: boolean;
}

/** Everything a scenario touches; `dispose` stops it all. */
export class Scenario {
    private constructor(
        public readonly stack: LiveStack,
        public readonly receiver: NotificationReceiver,
        public readonly app: FlagApp,
        public readonly postgres: PostgresServer | undefined,
        public readonly redis: RedisServer | undefined,
        public readonly mariadb: MariadbServer | undefined,
        private readonly certDir: string,
    ) {}

    /** Builds the stack from its configuration and starts every process; resolves when each is healthy. */
    static async start(options: ScenarioOptions): Promise<Scenario> {
        const certDir = fs.mkdtempSync(path.join(os.tmpdir(), "monitoring-live-cert-"));
        const tls = makeLoopbackCertificate(certDir);
        const receiver = new NotificationReceiver(tls);
        const app = new FlagApp();
        await Promise.all([receiver.start(), app.start()]);
        const [pgPort, redisPort, mysqlPort] = await freePorts(3);
        const partial = {
            stack: undefined as LiveStack | undefined,
            postgres: undefined as PostgresServer | undefined,
            redis: undefined as RedisServer | undefined,
            mariadb: undefined as MariadbServer | undefined,
        };
        try {
            const stack = await LiveStack.build({
                name: options.name,
                values: stackValues(options, receiver, app, pgPort, redisPort, mysqlPort),
                // Alertmanager trusts the stand-in's certificate like a company CA: by environment, not by config.
                env: { alertmanager: { SSL_CERT_FILE: tls.certFile } },
                args: {
                    ...(options.fastResend ? { prometheus: [`--rules.alert.resend-delay=${TIMINGS.alertResendDelay}`] } : {}),
                    ...(clustered(options) ? { alertmanager: CLUSTER_FLAGS } : {}),
                },
            });
            partial.stack = stack;
            const logDir = path.join(stack.root, "logs");
            if (options.databases) {
                partial.postgres = new PostgresServer(stack.root, pgPort, logDir);
                partial.redis = new RedisServer(stack.root, redisPort, logDir);
                partial.mariadb = new MariadbServer(stack.root, mysqlPort, logDir);
                await Promise.all([partial.postgres.start(), partial.redis.start(), partial.mariadb.start()]);
            }
            await stack.start();
            return new Scenario(stack, receiver, app, partial.postgres, partial.redis, partial.mariadb, certDir);
        } catch (err) {
            await Promise.all([partial.stack?.stop(), partial.postgres?.stop(), partial.redis?.stop(), partial.mariadb?.stop(), receiver.stop(), app.stop()]);
            fs.rmSync(certDir, { recursive: true, force: true });
            if (partial.stack && err instanceof Error) err.message += `\nfiles and logs kept in ${partial.stack.root}`;
            throw err;
        }
    }

    /** Stops every process and server; keeps the files and logs when `keep` (a test failed). */
    async dispose(keep: boolean): Promise<void> {
        await Promise.all([this.stack.stop(), this.postgres?.stop(), this.redis?.stop(), this.mariadb?.stop()]);
        await Promise.all([this.receiver.stop(), this.app.stop()]);
        await this.stack.dispose(keep);
        fs.rmSync(this.certDir, { recursive: true, force: true });
        killAllNow(); // nothing should be left; this is the last line of defence
    }

    /** Logs and notifications, for a failure message. */
    context(): string {
        return [
            this.stack.logs(),
            this.postgres?.process?.logTail(8),
            this.redis?.process?.logTail(8),
            this.mariadb?.process?.logTail(8),
            this.receiver.describe(),
        ]
            .filter(Boolean)
            .join("\n");
    }
}

function stackValues(
    options: ScenarioOptions,
    receiver: NotificationReceiver,
    app: FlagApp,
    pgPort: number,
    redisPort: number,
    mysqlPort: number,
): Record<string, unknown> {
    const alertFor = { for: TIMINGS.alertFor };
    return {
        scrapeInterval: TIMINGS.scrapeInterval,
        evaluationInterval: TIMINGS.evaluationInterval,
        targets: [{ job: "app", targets: [app.address] }],
        ruleFiles: [SCENARIO_RULES],
        alerting: {
            slack: { channels: CHANNELS },
            webhook: { matchers: ['notify_sms="true"'] },
            // A team's own receiver: its alerts go there and nowhere else (no `continue`).
            receivers: { "live-team": { webhook_configs: [{ url_secret: "team-url", http_config: { authorization: { credentials_secret: "team-token" } } }] } },
            routes: [{ matchers: ['team="live"'], receiver: "live-team" }],
            route: {
                groupWait: TIMINGS.groupWait,
                groupInterval: clustered(options) ? TIMINGS.cluster.groupInterval : TIMINGS.groupInterval,
                repeatInterval: TIMINGS.repeatInterval,
            },
        },
        // Secret keys, given in plain text here as `pulumi config set --secret` would store them.
        slackWebhookUrl: receiver.url("slack"),
        webhookUrl: receiver.url("sms"),
        receiverSecrets: { "team-url": receiver.url("team"), "team-token": TEAM_TOKEN },
        alertmanager: { replicas: options.alertmanagerReplicas ?? 1 },
        prometheus: { replicas: options.prometheusReplicas ?? 1 },
        thresholds: { alerts: { TargetDown: alertFor, PostgresDown: alertFor } },
        ...(options.databases ? databaseValues(pgPort, redisPort, mysqlPort) : {}),
    };
}

/** Whether the scenario runs more than one Alertmanager: then `TIMINGS.cluster` applies. */
function clustered(options: ScenarioOptions): boolean {
    return (options.alertmanagerReplicas ?? 1) > 1;
}

/** How the stack configuration points the PostgreSQL, MySQL and Redis exporters at their servers. */
function databaseValues(pgPort: number, redisPort: number, mysqlPort: number): Record<string, unknown> {
    return {
        postgresDsn: `postgresql://postgres@127.0.0.1:${pgPort}/postgres?sslmode=disable`,
        mysqlDsn: new MariadbServer("", mysqlPort, "").dsn,
        exporters: { postgres: true, mysql: true, redis: { address: `127.0.0.1:${redisPort}` } },
    };
}
