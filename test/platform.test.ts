// Platforms are asked what they can do, never what they are; topology lives with the services.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { stackConnections } from "../components/platform/kubernetes/network-policies";
import { ServiceSpec } from "../components/platform/spec";
import { RecordedResource } from "../scripts/lib/mock-runtime";
import { NETWORK_POLICY, of, prodValues } from "./support/prod";
import { renderToDir } from "./support/render";
import { withinStack } from "./support/stack-names";

const ROOT = path.resolve(__dirname, "..");

function sources(dir: string): string[] {
    return fs
        .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
}

const spec = (name: string, extra: Partial<ServiceSpec> = {}): ServiceSpec => ({
    name,
    image: "example/image:1.0",
    ports: [{ name: "http", port: 8000 }],
    resources: { cpuRequest: "10m", memoryRequest: "16Mi", cpuLimit: "100m", memoryLimit: "64Mi" },
    ...extra,
});

describe("platforms by capability", () => {
    let prod: RecordedResource[];
    let dev: RecordedResource[];
    before(async () => {
        prod = (await renderToDir("prod", prodValues())).rendered.resources;
        dev = (await renderToDir("dev", { platform: "docker" })).rendered.resources;
    });

    it("no code outside the platform asks a platform its name", () => {
        const asking = [...sources("components"), ...sources("scripts"), ...sources("test")]
            .filter((f) => !f.startsWith(path.join("components", "platform")) && f !== path.join("test", "platform.test.ts"))
            .filter((f) => /platform\.name\b|\.name === "(docker|kubernetes)"/.test(fs.readFileSync(path.join(ROOT, f), "utf8")));
        assert.deepStrictEqual(asking, []);
    });

    it("the NetworkPolicy adapter names no service of the stack", () => {
        const text = fs.readFileSync(path.join(ROOT, "components/platform/kubernetes/network-policies.ts"), "utf8");
        const services = of(prod, NETWORK_POLICY)
            .map((p) => withinStack(p).replace(/^allow-/, ""))
            .filter((n) => n !== "default-deny" && n !== "dns");
        assert.ok(services.length >= 6, services.join(","));
        assert.deepStrictEqual(
            services.filter((s) => text.includes(`"${s}"`)),
            [],
        );
    });

    it("derives flows from what the specs declare, once both ends exist", () => {
        const flows = stackConnections([
            spec("shop", { outbound: [{ service: "db" }, { service: "absent" }, { port: 443 }] }),
            spec("db", {
                ports: [
                    { name: "sql", port: 5432 },
                    { name: "metrics", port: 9187 },
                ],
            }),
            spec("scraper", {}),
            spec("metrics", { inbound: [{ from: "scraper", ports: [9100] }, { from: "absent" }] }),
        ]);
        assert.deepStrictEqual(flows, [
            {
                from: "shop",
                to: "db",
                ports: [
                    { port: 5432, protocol: "TCP" },
                    { port: 9187, protocol: "TCP" },
                ],
            },
            { from: "scraper", to: "metrics", ports: [{ port: 9100, protocol: "TCP" }] },
        ]);
    });

    it("gives Prometheus its discovery RBAC from data, whatever the call order", () => {
        const role = of(prod, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "prometheus")[0];
        assert.ok(role, "no ClusterRole for prometheus");
        const resources = (role.inputs.rules as { resources: string[] }[]).flatMap((r) => r.resources);
        for (const r of ["pods", "services", "endpointslices", "nodes"]) assert.ok(resources.includes(r), r);
    });

    for (const [stack, type, children] of [
        ["dev", "monitoring:index:DockerPlatform", ["monitoring-network"]],
        ["prod", "monitoring:index:KubernetesPlatform", ["monitoring-kubernetes", "monitoring-namespace", "monitoring-ca", "monitoring-ca-key"]],
    ] as const) {
        it(`${stack}: the platform is a component under the stack, and every resource has a parent`, () => {
            const resources = stack === "dev" ? dev : prod;
            const platform = resources.find((r) => r.type === type);
            assert.ok(platform, `no ${type}`);
            assert.strictEqual(platform.parent, "monitoring");
            for (const child of children) assert.strictEqual(resources.find((r) => r.name === child)?.parent, platform.name, child);
            const orphans = resources.filter((r) => r.parent === undefined && r.type !== "monitoring:index:MonitoringStack");
            assert.deepStrictEqual(
                orphans.map((r) => `${r.type} ${r.name}`),
                [],
            );
        });
    }
});
