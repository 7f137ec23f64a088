import * as assert from "assert";
import { EndpointError, resolveEndpoints, scrub, StackOutputReader } from "../../scripts/lib/stack-endpoints";

const OUTPUTS = {
    prometheusUrl: "http://127.0.0.1:19090",
    alertmanagerUrl: "http://127.0.0.1:19093",
    grafanaUrl: "http://127.0.0.1:13000/",
    prometheusPassword: "prom-from-stack",
    alertmanagerPassword: "am-from-stack",
    grafanaAdminPassword: "grafana-from-stack",
};

function recordingReader(outputs: Record<string, unknown> = OUTPUTS): { read: StackOutputReader; calls: string[] } {
    const calls: string[] = [];
    return { calls, read: async (stack) => (calls.push(stack), outputs) };
}

describe("ops: where the scripts find the stack", () => {
    it("reads URLs and passwords from `pulumi stack output` of the named stack", async () => {
        const reader = recordingReader();
        const endpoints = await resolveEndpoints({ stack: "dev" }, ["prometheus", "alertmanager", "grafana"], ["loki"], {}, reader.read);
        assert.deepStrictEqual(reader.calls, ["dev"]);
        assert.deepStrictEqual(endpoints.services, {
            prometheus: { url: "http://127.0.0.1:19090", password: "prom-from-stack" },
            alertmanager: { url: "http://127.0.0.1:19093", password: "am-from-stack" },
            grafana: { url: "http://127.0.0.1:13000", password: "grafana-from-stack" },
        });
    });

    it("lets flags win over environment variables, and environment variables over stack outputs", async () => {
        const endpoints = await resolveEndpoints(
            { stack: "dev", "prometheus-url": "http://10.0.0.5:9090", "prometheus-password": "from-flag" },
            ["prometheus", "alertmanager"],
            [],
            { PROMETHEUS_PASSWORD: "from-env", ALERTMANAGER_PASSWORD: "am-from-env" },
            recordingReader().read,
        );
        assert.deepStrictEqual(endpoints.services.prometheus, { url: "http://10.0.0.5:9090", password: "from-flag" });
        assert.deepStrictEqual(endpoints.services.alertmanager, { url: "http://127.0.0.1:19093", password: "am-from-env" });
    });

    it("does not run pulumi when flags and environment give everything", async () => {
        const reader = recordingReader();
        const endpoints = await resolveEndpoints(
            { stack: "dev", "grafana-url": "http://127.0.0.1:3000" },
            ["grafana"],
            [],
            { GRAFANA_PASSWORD: "g" },
            reader.read,
        );
        assert.deepStrictEqual(reader.calls, []);
        assert.deepStrictEqual(endpoints.services.grafana, { url: "http://127.0.0.1:3000", password: "g" });
    });

    it("tells the user what to pass when a required URL is unknown", async () => {
        await assert.rejects(resolveEndpoints({}, ["alertmanager"], [], {}, recordingReader().read), (err: Error) => {
            assert.ok(err instanceof EndpointError);
            assert.match(err.message, /--stack NAME/);
            assert.match(err.message, /--alertmanager-url/);
            return true;
        });
        await assert.rejects(
            resolveEndpoints({ stack: "dev" }, ["prometheus"], [], {}, recordingReader({}).read),
            /stack dev has no output prometheusUrl; pass --prometheus-url/,
        );
    });

    it("keeps an optional service out when nothing names it", async () => {
        const endpoints = await resolveEndpoints({ stack: "dev" }, ["prometheus"], ["loki"], {}, recordingReader().read);
        assert.strictEqual(endpoints.services.loki, undefined);
    });

    it("scrubs every known password from text", () => {
        assert.strictEqual(scrub("user admin:s3cret at s3cret", ["s3cret", ""]), "user admin:*** at ***");
    });
});
