// Two Alertmanagers clustered over loopback (monitoring:alertmanager.replicas: 2), with the
// generated peer flags; Prometheus sends every alert to both.
import * as assert from "assert";
import { requireTool } from "../support/tools";
import { alertmanagerAlerts, alertmanagerStatus } from "./api";
import { channelOf, suiteFailed, waitForNotification } from "./expect";
import { sleep, waitFor } from "./processes";
import { Scenario, TIMINGS } from "./scenario";

/** Alertmanager's --cluster.peer-timeout here: how long the second peer waits before it would send too. */
const PEER_TIMEOUT_MS = TIMINGS.cluster.peerTimeoutMs;

describe("live: two clustered Alertmanagers", function () {
    this.timeout(90000);
    let sc: Scenario;

    before(async function () {
        this.timeout(120000);
        for (const tool of ["prometheus", "alertmanager", "node_exporter"]) requireTool(this, tool);
        sc = await Scenario.start({ name: "cluster", alertmanagerReplicas: 2 });
    });

    after(async function () {
        await sc?.dispose(suiteFailed(this));
    });

    it("sends exactly one notification per alert group, though both Alertmanagers get the alert", async () => {
        const replicas = sc.stack.all("alertmanager");
        assert.strictEqual(replicas.length, 2);
        await waitFor(
            "both Alertmanagers to see 2 cluster members",
            async () => {
                const statuses = await Promise.all(replicas.map(alertmanagerStatus));
                return statuses.every((s) => s.cluster.peers.length === 2) ? true : undefined;
            },
            { timeoutMs: 20000, context: () => sc.context() },
        );

        sc.app.set("dedup", true);
        await waitFor(
            "LiveDedup to reach both Alertmanagers",
            async () => {
                const seen = await Promise.all(replicas.map(async (am) => (await alertmanagerAlerts(am)).some((a) => a.labels.alertname === "LiveDedup")));
                return seen.every(Boolean) ? true : undefined;
            },
            { timeoutMs: 20000, context: () => sc.context() },
        );
        const channel = channelOf(sc, "LiveDedup");
        const firing = await waitForNotification(sc, "LiveDedup", { integration: "slack", state: "firing", channel });
        // The other peer would send once its peer timeout passes without seeing the first one's log entry.
        await sleep(PEER_TIMEOUT_MS + 3000);
        const firings = sc.receiver.about("LiveDedup", { state: "firing" });
        assert.strictEqual(firings.length, 1, `expected one firing notification\n${sc.receiver.describe()}`);

        sc.app.set("dedup", false);
        await waitForNotification(sc, "LiveDedup", { integration: "slack", state: "resolved", channel, after: firing.at });
        await sleep(PEER_TIMEOUT_MS + 3000);
        const resolved = sc.receiver.about("LiveDedup", { state: "resolved" });
        assert.strictEqual(resolved.length, 1, `expected one resolved notification\n${sc.receiver.describe()}`);
        // Nor did a peer send the firing alert again after the resolution (stale flush, see TIMINGS.cluster).
        assert.strictEqual(sc.receiver.about("LiveDedup", { state: "firing" }).length, 1, `the firing alert was sent again\n${sc.receiver.describe()}`);
    });
});
