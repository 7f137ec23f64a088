// npm run test-alert -- --stack dev [--severity critical|warning|info] [--sms] [--wait SECONDS]
// Fires a synthetic TestAlert into Alertmanager, says which receivers it should reach (from
// the running configuration), waits for the notifications, then clears it.
import * as os from "os";
import { parseArgs } from "util";
import * as yaml from "js-yaml";
import { AlertmanagerDocument, describeReceiver, matchRoutes, MatchedRoute } from "../config/alert-routing";
import {
    callServiceJson,
    ENDPOINT_OPTIONS,
    ENDPOINT_USAGE,
    runCommand,
    errorMessage,
    resolveEndpoints,
    scrub,
    secretsOf,
    ServiceEndpoint,
} from "./lib/stack-endpoints";

const SEVERITIES = ["critical", "warning", "info"] as const;
type Severity = (typeof SEVERITIES)[number];
export const TEST_ALERT_NAME = "TestAlert";

export interface TestAlertOptions {
    readonly severity: Severity;
    readonly sms: boolean;
    /** Seconds to keep the alert firing; default: the longest group_wait it meets + 5s. */
    readonly waitSeconds?: number;
    readonly stack?: string;
}

export interface PostableAlert {
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: string;
    endsAt: string;
}

export function testAlertLabels(options: TestAlertOptions): Record<string, string> {
    return {
        alertname: TEST_ALERT_NAME,
        severity: options.severity,
        ...(options.sms ? { notify_sms: "true" } : {}),
        ...(options.stack ? { stack: options.stack } : {}),
    };
}

/** The receivers the running configuration sends these labels to. */
export async function expectedRoutes(
    alertmanager: ServiceEndpoint,
    labels: Record<string, string>,
): Promise<{ routes: MatchedRoute[]; config: AlertmanagerDocument }> {
    const status = await callServiceJson<{ config: { original: string } }>(alertmanager, "/api/v2/status");
    const config = (yaml.load(status.config.original) ?? {}) as AlertmanagerDocument;
    if (!config.route) throw new Error("the running Alertmanager configuration has no route");
    return { routes: matchRoutes(config.route, labels), config };
}

async function postAlert(alertmanager: ServiceEndpoint, alert: PostableAlert): Promise<void> {
    await callServiceJson<unknown>(alertmanager, "/api/v2/alerts", { method: "POST", body: [alert] });
}

/** Alertmanager's own view of the test alert: the receivers it routed it to, or undefined when absent. */
async function routedBy(alertmanager: ServiceEndpoint, labels: Record<string, string>): Promise<string[] | undefined> {
    const filter = Object.entries(labels)
        .map(([k, v]) => `filter=${encodeURIComponent(`${k}=${JSON.stringify(v)}`)}`)
        .join("&");
    const alerts = await callServiceJson<{ receivers?: { name: string }[] }[]>(alertmanager, `/api/v2/alerts?${filter}`);
    return alerts.length === 0 ? undefined : [...new Set(alerts.flatMap((a) => (a.receivers ?? []).map((r) => r.name)))];
}

/** Sleeps, or returns early on Ctrl-C so the alert is still cleared. */
function waitOrInterrupt(ms: number): Promise<void> {
    return new Promise((resolve) => {
        const done = (): void => {
            clearTimeout(timer);
            process.off("SIGINT", done);
            resolve();
        };
        const timer = setTimeout(done, ms);
        process.once("SIGINT", done);
    });
}

/** Fires, explains, waits and clears. Returns the exit code. */
export async function runTestAlert(
    alertmanager: ServiceEndpoint,
    options: TestAlertOptions,
    print: (line: string) => void = console.log,
): Promise<number> {
    const labels = testAlertLabels(options);
    const { routes, config } = await expectedRoutes(alertmanager, labels);
    const shown = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(", ");
    print(`${TEST_ALERT_NAME} {${shown}} should reach:`);
    const width = Math.max(...routes.map((r) => r.receiver.length));
    for (const route of routes) {
        const receiver = config.receivers?.find((r) => r.name === route.receiver);
        const via = route.via.length > 0 ? `route ${route.via.join(", ")}` : "the default route";
        print(`  ${route.receiver.padEnd(width)}  ${describeReceiver(receiver)}  (via ${via}, group_wait ${route.groupWait})`);
    }

    const waitMs = options.waitSeconds !== undefined ? options.waitSeconds * 1000 : Math.max(...routes.map((r) => r.groupWaitMs)) + 5000;
    const startsAt = new Date();
    const alert: PostableAlert = {
        labels,
        annotations: {
            summary: `Test alert (${options.severity}) from npm run test-alert`,
            description:
                `Synthetic alert sent by ${os.userInfo().username}@${os.hostname()} to check notification routing. ` +
                "Nothing is wrong; it clears itself.",
        },
        startsAt: startsAt.toISOString(),
        // If this script dies before clearing, Alertmanager resolves the alert by itself.
        endsAt: new Date(startsAt.getTime() + waitMs + 60_000).toISOString(),
    };
    await postAlert(alertmanager, alert);

    const actual = await routedBy(alertmanager, labels);
    if (actual === undefined) {
        print(`FAIL: Alertmanager accepted ${TEST_ALERT_NAME} but does not list it (silenced or inhibited alerts still show)`);
        return 1;
    }
    const expected = routes.map((r) => r.receiver);
    const same = actual.length === expected.length && expected.every((r) => actual.includes(r));
    print(`Alertmanager received it and routes it to: ${actual.join(", ") || "no receiver"}${same ? "" : ` (expected ${expected.join(", ")})`}`);

    print(`Keeping it firing for ${Math.round(waitMs / 1000)}s so notifications go out (Ctrl-C clears it now)...`);
    await waitOrInterrupt(waitMs);

    await postAlert(alertmanager, { ...alert, endsAt: new Date().toISOString() });
    const left = await routedBy(alertmanager, labels);
    if (left !== undefined) {
        print(`FAIL: ${TEST_ALERT_NAME} is still active after clearing it`);
        return 1;
    }
    print(`Cleared ${TEST_ALERT_NAME}; receivers with send_resolved get a resolved notification within group_interval.`);
    return same ? 0 : 1;
}

const USAGE =
    "usage: npm run test-alert -- --stack dev [--severity critical|warning|info] [--sms] [--wait SECONDS]\n" +
    `  endpoints: ${ENDPOINT_USAGE}`;

async function main(): Promise<number> {
    const { values } = parseArgs({
        options: {
            ...ENDPOINT_OPTIONS,
            severity: { type: "string", default: "warning" },
            sms: { type: "boolean", default: false },
            wait: { type: "string" },
            help: { type: "boolean" },
        },
        strict: true,
    });
    if (values.help) {
        console.log(USAGE);
        return 0;
    }
    const severity = values.severity as Severity;
    if (!SEVERITIES.includes(severity)) {
        console.error(`--severity ${values.severity}: use one of ${SEVERITIES.join(", ")}`);
        return 2;
    }
    const waitSeconds = values.wait === undefined ? undefined : Number(values.wait);
    if (waitSeconds !== undefined && (!Number.isFinite(waitSeconds) || waitSeconds < 0)) {
        console.error(`--wait ${values.wait}: not a number of seconds`);
        return 2;
    }
    const endpoints = await resolveEndpoints(values, ["alertmanager"]);
    const secrets = secretsOf(endpoints);
    return runTestAlert(endpoints.services.alertmanager!, { severity, sms: values.sms ?? false, waitSeconds, stack: endpoints.stack }, (line) =>
        console.log(scrub(line, secrets)),
    );
}

if (require.main === module) runCommand("test-alert", main, USAGE);
