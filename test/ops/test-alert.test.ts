// npm run test-alert against the live stack's real Alertmanager, running the generated
// configuration with Slack and the SMS webhook pointed at the harness' stand-in receiver.
import * as assert from "assert";
import { TEST_ALERT_NAME, runTestAlert } from "../../scripts/test-alert";
import { callServiceJson, ServiceEndpoint } from "../../scripts/lib/stack-endpoints";
import { requireTool } from "../support/tools";
import { suiteFailed, waitForNotification } from "../live/expect";
import { Scenario } from "../live/scenario";
import { runScript } from "./fixture";

describe("ops: npm run test-alert", function () {
    this.timeout(60000);
    let sc: Scenario;
    let alertmanager: ServiceEndpoint;

    before(async function () {
        this.timeout(120000);
        for (const tool of ["prometheus", "alertmanager", "node_exporter"]) requireTool(this, tool);
        sc = await Scenario.start({ name: "ops-test-alert" });
        const service = sc.stack.service("alertmanager");
        alertmanager = { url: service.url, password: service.password };
    });

    after(async function () {
        await sc?.dispose(suiteFailed(this));
    });

    async function activeTestAlerts(): Promise<unknown[]> {
        const filter = encodeURIComponent(`alertname="${TEST_ALERT_NAME}"`);
        return callServiceJson<unknown[]>(alertmanager, `/api/v2/alerts?filter=${filter}`);
    }

    it("sends a critical SMS-flagged alert to the SMS webhook and the critical Slack channel, and says so beforehand", async () => {
        const lines: string[] = [];
        const code = await runTestAlert(alertmanager, { severity: "critical", sms: true, waitSeconds: 3 }, (l) => lines.push(l));
        const output = lines.join("\n");
        assert.strictEqual(code, 0, output);
        assert.match(output, /^TestAlert \{alertname="TestAlert", severity="critical", notify_sms="true"\} should reach:$/m);
        assert.match(output, /^ {2}sms +webhook {2}\(via route notify_sms="true", group_wait 1s\)$/m);
        assert.match(output, /^ {2}critical {2}slack #live-critical {2}\(via route severity="critical", group_wait 1s\)$/m);
        assert.match(output, /Alertmanager received it and routes it to: (sms, critical|critical, sms)$/m);

        await waitForNotification(sc, TEST_ALERT_NAME, { integration: "sms", state: "firing" });
        await waitForNotification(sc, TEST_ALERT_NAME, { integration: "slack", state: "firing", channel: "#live-critical" });
        assert.deepStrictEqual(await activeTestAlerts(), [], "the test alert is still active after the script cleared it");
        // send_resolved: clearing is visible to the receivers too.
        await waitForNotification(sc, TEST_ALERT_NAME, { integration: "sms", state: "resolved" });
    });

    it("keeps a warning without --sms away from the SMS webhook", async () => {
        const before = sc.receiver.about(TEST_ALERT_NAME, { integration: "sms", state: "firing" }).length;
        const lines: string[] = [];
        const code = await runTestAlert(alertmanager, { severity: "warning", sms: false, waitSeconds: 2 }, (l) => lines.push(l));
        assert.strictEqual(code, 0, lines.join("\n"));
        assert.match(lines.join("\n"), /routes it to: warning$/m);
        await waitForNotification(sc, TEST_ALERT_NAME, { integration: "slack", state: "firing", channel: "#live-warnings" });
        assert.strictEqual(sc.receiver.about(TEST_ALERT_NAME, { integration: "sms", state: "firing" }).length, before, sc.receiver.describe());
    });

    it("runs from the command line with the password from ALERTMANAGER_PASSWORD, waiting group_wait + 5s by default", async () => {
        const started = Date.now();
        const run = await runScript("test-alert.ts", ["--alertmanager-url", alertmanager.url, "--severity", "info"], {
            ALERTMANAGER_PASSWORD: alertmanager.password!,
        });
        assert.strictEqual(run.code, 0, run.stdout + run.stderr);
        assert.match(run.stdout, /Keeping it firing for 6s/);
        assert.ok(Date.now() - started >= 6000, "it did not wait group_wait + 5s");
        assert.match(run.stdout, /^Cleared TestAlert/m);
        assert.ok(!run.stdout.includes(alertmanager.password!), "the password was printed");
        assert.deepStrictEqual(await activeTestAlerts(), []);
    });

    it("refuses an unknown severity and a wrong password", async () => {
        const bad = await runScript("test-alert.ts", ["--alertmanager-url", alertmanager.url, "--severity", "page"]);
        assert.strictEqual(bad.code, 2);
        assert.match(bad.stderr, /--severity page: use one of critical, warning, info/);
        const denied = await runScript("test-alert.ts", ["--alertmanager-url", alertmanager.url], { ALERTMANAGER_PASSWORD: "wrong" });
        assert.strictEqual(denied.code, 2);
        assert.match(denied.stderr, /HTTP 401 \(wrong or missing password for user admin\)/);
    });
});
