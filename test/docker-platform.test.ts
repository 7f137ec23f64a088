import * as assert from "assert";
import { mockPassword, RecordedResource } from "../scripts/lib/mock-runtime";
import { FULL_DEV_CONFIG, renderToDir, SECRET_NEEDLES } from "./support/render";
import { withinStack } from "./support/stack-names";

const CONTAINER = "docker:index/container:Container";
const VOLUME = "docker:index/volume:Volume";

type Mount = { volumeName?: string; containerPath: string };

function dataVolumes(resources: RecordedResource[]): Record<string, string[]> {
    return Object.fromEntries(
        resources
            .filter((r) => r.type === CONTAINER)
            .map((c) => [withinStack(c), ((c.inputs.volumes as Mount[]) ?? []).filter((m) => m.volumeName).map((m) => m.volumeName!)]),
    );
}

describe("Docker platform", () => {
    it("gives each Prometheus and Alertmanager replica a volume of its own", async () => {
        const out = await renderToDir("dev", { platform: "docker", prometheus: { replicas: 2 }, alertmanager: { replicas: 2 } });
        const mounts = dataVolumes(out.rendered.resources);
        assert.deepStrictEqual(
            { p0: mounts.prometheus, p1: mounts["prometheus-1"], a0: mounts.alertmanager, a1: mounts["alertmanager-1"] },
            {
                // Replica 0 keeps the name a single replica has, so its data survives scaling out.
                p0: ["monitoring-dev-prometheus-data"],
                p1: ["monitoring-dev-prometheus-1-data"],
                a0: ["monitoring-dev-alertmanager-data"],
                a1: ["monitoring-dev-alertmanager-1-data"],
            },
        );
        const declared = out.rendered.resources.filter((r) => r.type === VOLUME).map((v) => v.inputs.name as string);
        for (const name of Object.values(mounts).flat()) assert.ok(declared.includes(name), `${name} is mounted but not declared`);
        assert.strictEqual(new Set(declared).size, declared.length, "two volume resources share a name");
    });

    it("keeps every credential off the healthcheck's command line", async () => {
        const out = await renderToDir("dev", FULL_DEV_CONFIG);
        const checks = out.rendered.resources
            .filter((r) => r.type === CONTAINER && r.inputs.healthcheck)
            .map((c) => ({ name: withinStack(c), text: ((c.inputs.healthcheck as { tests: string[] }).tests ?? []).join(" ") }));
        assert.ok(checks.length >= 4, `only ${checks.length} healthchecks`);
        const passwords = ["monitoring-prometheus-password", "monitoring-alertmanager-password", "monitoring-grafana-admin-password"].map(mockPassword);
        for (const { name, text } of checks) {
            for (const secret of [...passwords, ...SECRET_NEEDLES]) assert.ok(!text.includes(secret), `${name}: healthcheck holds a secret`);
            // No user:password@ URL and no header flag: each would put the password into a process's argv.
            assert.doesNotMatch(text, /@(127\.0\.0\.1|localhost)|--header|\s-H\s/, `${name}: ${text}`);
            // The password file's content is expanded only as an argument of the shell's builtin printf.
            const expansions = text.match(/\S+ \S+ "\$pw"|\$\(cat [^)]*\)/g) ?? [];
            for (const use of expansions) assert.match(use, /^printf 'admin:%s' "\$pw"$|^\$\(cat '[^']+'\)$/, `${name}: ${use}`);
            assert.strictEqual((text.match(/\$pw/g) ?? []).length, (text.match(/printf 'admin:%s' "\$pw"/g) ?? []).length, name);
        }
        const prometheus = checks.find((c) => c.name === "prometheus")!;
        assert.match(prometheus.text, /cat '\/etc\/prometheus\/secrets\/password'/);
    });
});
