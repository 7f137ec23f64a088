// Waiting for notifications and reading the generated rules, shared by the scenario files.
import * as yaml from "js-yaml";
import * as fs from "fs";
import * as path from "path";
import { Severity } from "../../config/types";
import { CHANNELS, Scenario } from "./scenario";
import { waitFor } from "./processes";
import { Integration, NotificationSummary } from "./receiver";

/** Waits for an accepted notification about `alertname`; fails with the logs and everything received. */
export function waitForNotification(
    sc: Scenario,
    alertname: string,
    filter: {
        integration: Integration;
        state: "firing" | "resolved";
        channel?: string;
        /** Only messages whose text contains this (e.g. the job of the target that is down). */
        mentions?: string;
        /** Only messages that arrived after this time (ms). */
        after?: number;
    },
    timeoutMs = 30000,
): Promise<NotificationSummary> {
    const where = `${filter.integration}${filter.channel ? ` ${filter.channel}` : ""}${filter.mentions ? ` about ${filter.mentions}` : ""}`;
    return waitFor(
        `a ${filter.state} ${alertname} notification on ${where}`,
        async () =>
            sc.receiver
                .about(alertname, filter)
                .find(
                    (n) =>
                        (!filter.channel || n.channel === filter.channel) &&
                        (!filter.mentions || n.text.includes(filter.mentions)) &&
                        (filter.after === undefined || n.at > filter.after),
                ),
        { timeoutMs, intervalMs: 200, context: () => sc.context() },
    );
}

/** The severity the running Prometheus gives `alertname`, read from its generated rule files. */
export function severityOf(sc: Scenario, alertname: string): Severity {
    const prometheus = sc.stack.service("prometheus");
    const dir = path.join(prometheus.root, "etc/prometheus/rules");
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".yml"))) {
        const doc = yaml.load(fs.readFileSync(path.join(dir, file), "utf8")) as { groups: { rules: { alert?: string; labels?: Record<string, string> }[] }[] };
        for (const group of doc.groups ?? []) {
            for (const rule of group.rules ?? []) {
                if (rule.alert === alertname && rule.labels?.severity) return rule.labels.severity as Severity;
            }
        }
    }
    throw new Error(`no rule file of the stack defines ${alertname} with a severity`);
}

/** The Slack channel an alert of this name lands in. */
export function channelOf(sc: Scenario, alertname: string): string {
    return CHANNELS[severityOf(sc, alertname)];
}

/** True when some test of the suite failed: then its files and logs are kept. */
export function suiteFailed(ctx: Mocha.Context): boolean {
    const walk = (suite: Mocha.Suite | undefined): boolean => !!suite && (suite.tests.some((t) => t.state === "failed") || suite.suites.some(walk));
    return walk(ctx.test?.parent);
}
