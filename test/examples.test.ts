// The operator-shape examples (examples/*.yaml with a "Routing promised" block): each builds,
// its alertmanager.yml passes amtool check-config, its rule files pass promtool, and every label
// set it promises reaches exactly the receivers and integrations it names, by the real amtool.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadConfig, objectConfigSource } from "../config";
import { matchRoutes, parseMatchers } from "../config/alert-routing";
import { renderStack } from "../scripts/lib/render-stack";
import { monitoringValues, readStackFile } from "../scripts/lib/stack-file";
import { AlertmanagerFixture } from "./support/amtool";
import { promtool } from "./support/promtool";
import { requireTool } from "./support/tools";

const EXAMPLES_DIR = path.resolve(__dirname, "..", "examples");

interface Promise {
    readonly labels: Record<string, string>;
    /** Receiver name -> integration kinds, in the order Alertmanager reaches them. */
    readonly receivers: { name: string; kinds: string[] }[];
    readonly line: string;
}

/** `#   {a="b", c="d"} -> recv[slack email] other[]` lines after "Routing promised". */
export function routingPromises(text: string): Promise[] {
    const block = text.split("Routing promised")[1] ?? "";
    return [...block.matchAll(/^#\s+(\{[^}]*\})\s+->\s+(.+)$/gm)].map((m) => ({
        line: m[0],
        labels: Object.fromEntries(parseMatchers(m[1]).map((x) => [x.name, x.value])),
        receivers: [...m[2].matchAll(/([\w.-]+)\[([^\]]*)\]/g)].map((r) => ({ name: r[1], kinds: r[2].split(/\s+/).filter(Boolean) })),
    }));
}

const examples = fs.readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith(".yaml") && fs.readFileSync(path.join(EXAMPLES_DIR, f), "utf8").includes("Routing promised"))
    .sort();

describe("examples: operator shapes, routed as promised", () => {
    it(`ships at least three commented operator shapes (${examples.join(", ")})`, () => {
        assert.ok(examples.length >= 3);
        for (const file of examples) assert.ok(routingPromises(fs.readFileSync(path.join(EXAMPLES_DIR, file), "utf8")).length >= 3, file);
    });

    for (const file of examples) {
        describe(file, () => {
            const full = path.join(EXAMPLES_DIR, file);
            const load = () => loadConfig(objectConfigSource(monitoringValues(readStackFile(full))), "dev");

            it("builds the whole stack offline, each receiver secret read from its own file", async () => {
                const rendered = await renderStack("dev", full);
                const am = rendered.files.find((f) => f.path === "/etc/alertmanager/alertmanager.yml")!.content;
                const raw = fs.readFileSync(full, "utf8");
                for (const name of [...raw.matchAll(/_secret: ([\w-]+)/g)].map((m) => m[1])) {
                    assert.ok(am.includes(`/etc/alertmanager/secrets/receiver-${name}`), `${name} is not read from a file`);
                }
            });

            it("reaches exactly the promised receivers and integrations, by amtool config routes test", function () {
                const amtool = requireTool(this, "amtool");
                const { alerting } = load();
                const fixture = new AlertmanagerFixture(alerting);
                try {
                    assert.strictEqual(fixture.check(amtool), undefined);
                    for (const promise of routingPromises(fs.readFileSync(full, "utf8"))) {
                        const expected = promise.receivers.map((r) => r.name);
                        assert.deepStrictEqual(fixture.routes(amtool, promise.labels), expected, `amtool: ${promise.line}`);
                        assert.deepStrictEqual(matchRoutes(alerting.route, promise.labels).map((r) => r.receiver), expected, `walk: ${promise.line}`);
                        for (const r of promise.receivers) {
                            const kinds = alerting.receivers.find((x) => x.name === r.name)!.integrations.map((i) => i.kind);
                            assert.deepStrictEqual([...kinds].sort(), [...r.kinds].sort(), `${r.name}: ${promise.line}`);
                        }
                    }
                } finally {
                    fixture.dispose();
                }
            });

            it("has rule files promtool accepts", function () {
                const files = load().ruleFiles;
                if (files.length === 0) return;
                const bin = requireTool(this, "promtool");
                const dir = fs.mkdtempSync(path.join(os.tmpdir(), "example-rules-"));
                try {
                    const written = files.map((f) => {
                        fs.writeFileSync(path.join(dir, f.name), f.content);
                        return path.join(dir, f.name);
                    });
                    const result = promtool(bin, ["check", "rules", ...written]);
                    assert.ok(result.ok, result.output);
                } finally {
                    fs.rmSync(dir, { recursive: true, force: true });
                }
            });
        });
    }
});
