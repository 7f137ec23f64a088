import * as assert from "assert";
import { renderToDir } from "./support/render";
import { NETWORK_POLICY, of, prodValues } from "./support/prod";

/** The egress ports a service's NetworkPolicies allow, beyond DNS. */
function egressPorts(resources: any[], service: string): number[] {
    return of(resources, NETWORK_POLICY)
        .filter((p: any) => p.inputs.spec?.podSelector?.matchLabels?.["app.kubernetes.io/name"] === service)
        .flatMap((p: any) => (p.inputs.spec.egress ?? []).flatMap((rule: any) => (rule.ports ?? []).map((port: any) => port.port)))
        .filter((port: number) => port !== 53);
}

describe("prod: exporters reach what they watch through the NetworkPolicies", () => {
    it("lets each exporter out to exactly the ports of its database, brokers and probes", async () => {
        const { rendered } = await renderToDir(
            "prod",
            prodValues({
                exporters: {
                    postgres: true,
                    mysql: true,
                    redis: { address: "redis.data.svc:6380" },
                    kafka: { brokers: ["kafka-0.kafka:9092", "kafka-1.kafka:9093"] },
                    blackbox: { probes: [{ url: "https://api.example.com/health/ready" }, { url: "db.example.com:5433", module: "tcp_connect" }] },
                },
            }),
        );
        assert.deepStrictEqual(egressPorts(rendered.resources, "postgres-exporter"), [5432]);
        assert.deepStrictEqual(egressPorts(rendered.resources, "mysql-exporter"), [3306]);
        assert.deepStrictEqual(egressPorts(rendered.resources, "redis-exporter"), [6380]);
        assert.deepStrictEqual(egressPorts(rendered.resources, "kafka-exporter").sort(), [9092, 9093]);
        assert.deepStrictEqual(egressPorts(rendered.resources, "blackbox-exporter").sort(), [443, 5433]);
    });
});
