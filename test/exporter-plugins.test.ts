// Exporters are plug-ins: a definition in components/exporters/ plus one line in the registry.
// What cannot be derived from the registry (Pulumi.yaml, the rule files and their tests, the
// runbook, dashboards, the metrics catalogue, the docs) is checked against it here, and every
// failure names the exporter and what it lacks.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { EXPORTERS } from "../components/exporters";
import { IMAGES } from "../components/images";
import { loadConfig, objectConfigSource } from "../config";
import { SECRET_KEYS, SECRET_STAND_INS } from "../config/secrets";
import { RESOURCE_SERVICES } from "../config/kubernetes";
import { BUILT_IN_JOBS } from "../config/load";
import { headingAnchors } from "./support/markdown";
import { METRIC_SOURCES } from "./support/metrics-catalogue";

const ROOT = path.resolve(__dirname, "..");
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");
const project = yaml.load(read("Pulumi.yaml")) as { config: Record<string, { secret?: boolean; description?: string }> };
const EXPORTER_DOCS = "docs/logs-and-exporters.md";

/** Collects every problem before failing, so one run lists all that a new exporter lacks. */
function problemsOf(check: (problem: (text: string) => void) => void): string[] {
    const problems: string[] = [];
    check((text) => problems.push(text));
    return problems;
}

describe("exporter plug-ins (components/exporters/registry.ts)", () => {
    it("have unique names, config keys and secret keys", () => {
        for (const list of [EXPORTERS.map((e) => e.name), EXPORTERS.map((e) => e.configKey), SECRET_KEYS]) {
            assert.deepStrictEqual(
                list.filter((x, i) => list.indexOf(x) !== i),
                [],
            );
        }
    });

    it("derive the config: every exporter's key is read, its name is a reserved job and a resources key, its secrets have stand-ins", () => {
        const problems = problemsOf((problem) => {
            for (const e of EXPORTERS) {
                if (!BUILT_IN_JOBS.includes(e.name)) problem(`${e.name}: not a reserved scrape job`);
                if (!RESOURCE_SERVICES.includes(e.name)) problem(`${e.name}: not a monitoring:resources key`);
                for (const s of e.secrets ?? []) {
                    if (!SECRET_KEYS.includes(s.key)) problem(`${e.name}: secret ${s.key} not among the secret keys`);
                    if (SECRET_STAND_INS[s.key] !== s.standIn) problem(`${e.name}: secret ${s.key} has no offline stand-in`);
                    // The stand-in must pass the secret's own check: the offline render uses it for encrypted values.
                    try {
                        s.check?.(s.key, s.standIn);
                    } catch (err) {
                        problem(`${e.name}: the stand-in of ${s.key} fails its own check: ${(err as Error).message}`);
                    }
                }
            }
        });
        assert.deepStrictEqual(problems, []);
    });

    it("are declared in Pulumi.yaml: each secret as a secret in its definition's words, each config key in monitoring:exporters' description", () => {
        const description = project.config["monitoring:exporters"]?.description ?? "";
        const problems = problemsOf((problem) => {
            for (const e of EXPORTERS) {
                if (!new RegExp(`\\b${e.configKey}\\b`).test(description))
                    problem(`${e.name}: monitoring:exporters' description does not name "${e.configKey}"`);
                for (const s of e.secrets ?? []) {
                    const declared = project.config[`monitoring:${s.key}`];
                    if (!declared?.secret) problem(`${e.name}: Pulumi.yaml does not declare monitoring:${s.key} as a secret`);
                    else if (declared.description !== s.description)
                        problem(`${e.name}: Pulumi.yaml describes monitoring:${s.key} otherwise than its definition: ${JSON.stringify(s.description)}`);
                }
            }
        });
        assert.deepStrictEqual(problems, []);
    });

    it("ship their rule file with promtool tests and a runbook entry per alert, their dashboards, a pinned image in the README and a docs section", () => {
        const runbook = read("RUNBOOK.md");
        const readme = read("README.md");
        const docs = read(EXPORTER_DOCS);
        const anchors = headingAnchors(docs);
        const problems = problemsOf((problem) => {
            for (const e of EXPORTERS) {
                if (!(Object.values(IMAGES) as string[]).includes(e.image)) problem(`${e.name}: image ${e.image} is not pinned in components/images.ts`);
                if (!readme.includes(`\`${e.image}\``)) problem(`${e.name}: image ${e.image} is not in the README's Images table`);
                if (!anchors.has(e.docs)) problem(`${e.name}: ${EXPORTER_DOCS} has no section #${e.docs}`);
                if (!docs.includes(`\`exporters.${e.configKey}\``)) problem(`${e.name}: ${EXPORTER_DOCS} never names \`exporters.${e.configKey}\``);
                for (const dashboard of e.dashboards ?? []) {
                    if (!fs.existsSync(path.join(ROOT, "dashboards", `${dashboard}.json`))) problem(`${e.name}: dashboard ${dashboard}.json does not exist`);
                }
                if (!e.ruleFile) continue;
                if (!fs.existsSync(path.join(ROOT, "rules", e.ruleFile))) {
                    problem(`${e.name}: rules/${e.ruleFile} does not exist`);
                    continue;
                }
                if (!fs.existsSync(path.join(ROOT, "rules", "tests", e.ruleFile)))
                    problem(`${e.name}: rules/tests/${e.ruleFile} (promtool unit tests) does not exist`);
                const rules = yaml.load(read(`rules/${e.ruleFile}`)) as { groups: { rules: { alert?: string; expr: string }[] }[] };
                const alerts = rules.groups.flatMap((g) => g.rules).filter((r) => r.alert);
                const tested = read(`rules/tests/${e.ruleFile}`);
                for (const { alert } of alerts) {
                    if (!runbook.includes(`\n## ${alert}\n`)) problem(`${e.name}: RUNBOOK.md has no "## ${alert}"`);
                    if (!tested.includes(`alertname: ${alert}\n`)) problem(`${e.name}: rules/tests/${e.ruleFile} never tests ${alert}`);
                }
            }
        });
        assert.deepStrictEqual(problems, []);
    });

    it("have an entry in the metrics catalogue under their jobs", () => {
        const problems = problemsOf((problem) => {
            for (const e of EXPORTERS) {
                // The blackbox exporter is scraped under its probe jobs (blackbox-http, ...).
                const family = `${e.name.replace(/-exporter$/, "")}-`;
                const own = Object.entries(METRIC_SOURCES).filter(
                    ([name, s]) => name !== "go-runtime" && s.jobs.some((j) => j === e.name || j.startsWith(family)),
                );
                if (own.length === 0) problem(`${e.name}: no entry in test/support/metrics-catalogue.ts lists its job`);
            }
        });
        assert.deepStrictEqual(problems, []);
    });

    it("turn on by their key and off by false, and refuse a block's unknown field naming it", () => {
        const secrets = Object.fromEntries(EXPORTERS.flatMap((e) => (e.secrets ?? []).map((s) => [s.key, s.standIn])));
        for (const e of EXPORTERS) {
            const platform = e.platforms?.only ?? "docker";
            const base = { platform, ...secrets, ...(platform === "kubernetes" ? { tls: { secretName: "monitoring-tls", domain: "example.com" } } : {}) };
            const off = loadConfig(objectConfigSource({ ...base, exporters: { [e.configKey]: false } }), "dev");
            assert.ok(!off.exporters.running.has(e.configKey), `${e.name}: false does not turn it off`);
            assert.throws(
                () => loadConfig(objectConfigSource({ ...base, exporters: { [e.configKey]: { noSuchField: 1 } } }), "dev"),
                (err: Error) => err.name === "ConfigError" && err.message.startsWith(`monitoring:exporters.${e.configKey}`),
                `${e.name}: an unknown field is not refused with its key`,
            );
        }
    });
});
