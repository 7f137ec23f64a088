// Issue 16, part 3: every file the program reads is read once while config loads; renderers and
// components take data. A read outside config/ loading, or a renderer that looks at the disk,
// fails here.
import * as assert from "assert";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { loadConfig, objectConfigSource, StackConfig } from "../config";
import { BuiltInDashboard } from "../config/dashboards";
import { PROJECT_ROOT, ShippedFiles, shippedFiles, shippedRuleFile } from "../config/shipped-files";
import { selectBuiltInDashboards } from "../components/dashboards";
import { renderBuiltInDashboards } from "../components/render/dashboards";
import { renderRuleFiles } from "../components/render/rules";
import { renderStack } from "../scripts/lib/render-stack";
import { tempDir } from "./support/temp";

/** Every .ts file under `dir` (relative to the project), as project-relative paths. */
function sources(dir: string): string[] {
    return fs
        .readdirSync(path.join(PROJECT_ROOT, dir), { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".ts"))
        .map((f) => path.posix.join(dir, f.split(path.sep).join("/")))
        .sort();
}

const read = (file: string) => fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8");
const FS_IMPORT = /(?:from\s+|require\(\s*|import\(\s*)["'](?:node:)?fs(?:\/promises)?["']/;
/** What locates files on disk: the program's own folder or the working directory. */
const DISK_PATHS = /\b__dirname\b|\b__filename\b|process\.cwd\(\)/;

/** The config/ modules that read files while config loads, and why each does. */
const CONFIG_READERS: Record<string, string> = {
    "config/shipped-files.ts": "the program's own rules/ and dashboards/",
    "config/rule-files.ts": "the user's rule files (monitoring:ruleFiles)",
    "config/dashboards.ts": "the user's dashboards (monitoring:dashboards)",
    "config/targets.ts": "the user's CA and client certificates (monitoring:targets[].tls)",
};

describe("pure renderers: files are read once, in config/ loading", () => {
    it("no file under components/ reads the disk or locates files", () => {
        const found = sources("components").flatMap((file) => {
            const text = read(file);
            return [...(FS_IMPORT.test(text) ? [`${file}: imports fs`] : []), ...(DISK_PATHS.test(text) ? [`${file}: locates files on disk`] : [])];
        });
        assert.deepStrictEqual(found, []);
    });

    it("renderers import neither fs, path, os, child_process nor Pulumi: plain data in, text out", () => {
        const forbidden = /(?:from\s+|require\(\s*|import\(\s*)["'](?:(?:node:)?(?:fs|path|os|child_process)(?:\/\w+)?|@pulumi\/[^"']+)["']/;
        const found = sources("components/render").filter((file) => forbidden.test(read(file)));
        assert.deepStrictEqual(found, []);
    });

    it("in config/, only the loaders of files read the disk, and only shipped-files.ts looks next to the program", () => {
        const readers = sources("config").filter((file) => FS_IMPORT.test(read(file)));
        assert.deepStrictEqual(readers, Object.keys(CONFIG_READERS).sort(), "config modules that import fs");
        // process.cwd() is where the user's relative paths start; __dirname is the program's own folder.
        const nextToProgram = sources("config").filter((file) => /\b__dirname\b|\b__filename\b/.test(read(file)));
        assert.deepStrictEqual(nextToProgram, ["config/shipped-files.ts"], "config modules that read next to the program");
    });

    it("reads the shipped files once per process", () => {
        const first = shippedFiles();
        assert.strictEqual(shippedFiles(), first);
        assert.match(shippedRuleFile(first, "postgres.yml").content, /alert: PostgresDown/);
        assert.throws(() => shippedRuleFile(first, "postgress.yml"), /rules\/postgress\.yml does not exist; the rule files are .*postgres\.yml/);
        assert.ok(first.dashboards.length > 0 && first.dashboards.every((d) => d.name === `${d.folder}/${d.file.replace(/\.json$/, "")}`));
    });

    it("rule and dashboard renderers give the same output for the same data, and use only that data", () => {
        const config = loadConfig(objectConfigSource({ thresholds: { cpuUsedPercent: 70 }, slos: [{ job: "checkout", availability: 0.999 }] }), "test");
        assert.deepStrictEqual(renderRuleFiles(config), renderRuleFiles(config));

        const content = ["groups:", "  - name: example", "    rules:", "      - alert: ExampleDown", "        expr: up == 0", ""].join("\n");
        const shipped: ShippedFiles = { rules: [{ name: "example.yml", content, groups: [] }], dashboards: [] };
        const onlyGiven = { ...config, slos: [], shipped };
        assert.deepStrictEqual(renderRuleFiles(onlyGiven), [{ name: "example.yml", content }]);
        assert.deepStrictEqual(renderRuleFiles({ ...onlyGiven, shipped: { rules: [] } }), []);

        const dashboard: BuiltInDashboard = {
            name: "stack/example",
            folder: "stack",
            file: "example.json",
            uid: "example",
            title: "Example",
            json: { uid: "example" },
        };
        const withDashboard: StackConfig = { ...config, shipped: { rules: [], dashboards: [dashboard] } };
        assert.deepStrictEqual(selectBuiltInDashboards(withDashboard, []), [dashboard]);
        assert.deepStrictEqual(renderBuiltInDashboards([dashboard], config.http), [{ path: "stack/example.json", content: '{\n  "uid": "example"\n}\n' }]);
        assert.deepStrictEqual(
            renderBuiltInDashboards(config.shipped.dashboards, config.http),
            renderBuiltInDashboards(config.shipped.dashboards, config.http),
        );
    });

    it("building a whole stack reads files only inside loadConfig (and the render's read of the stack file)", async function () {
        // A dev stack with every kind of user file: dashboards, rule files, a CA file.
        const example = yaml.load(read("examples/own-dashboards.yaml")) as { config: Record<string, unknown> };
        const userFiles = path.join(tempDir("monitoring-pure-"), "Pulumi.dev.yaml");
        fs.writeFileSync(userFiles, yaml.dump({ config: { ...example.config, "monitoring:ruleFiles": ["examples/rules/business"] } }));
        const reads: { file: string; stack: string }[] = [];
        const patched = ["readFileSync", "readdirSync", "statSync", "lstatSync", "existsSync", "openSync", "readFile"] as const;
        // The module object itself: `import * as` gives a read-only view of it.
        const realFs = require("fs") as Record<string, any>;
        const originals = Object.fromEntries(patched.map((name) => [name, realFs[name]]));
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 100;
        for (const name of patched) {
            realFs[name] = function (this: unknown, file: unknown, ...rest: unknown[]) {
                const stack = new Error().stack ?? "";
                // Loading code (require) is not reading data.
                if (typeof file === "string" && !stack.includes("Module._load")) reads.push({ file, stack });
                return originals[name].call(this, file, ...rest);
            };
        }
        try {
            await renderStack("prod", path.join(PROJECT_ROOT, "Pulumi.prod.yaml"));
            await renderStack("dev", userFiles);
        } finally {
            for (const name of patched) realFs[name] = originals[name];
            Error.stackTraceLimit = limit;
        }
        const ours = reads.filter((r) => !path.resolve(r.file).includes(`${path.sep}node_modules${path.sep}`));
        for (const wanted of ["Pulumi.prod.yaml", "examples/rules/business", "examples/dashboards", "examples/certs/internal-ca.pem"]) {
            assert.ok(
                ours.some((r) => r.file.includes(wanted)),
                `the trap saw ${wanted} read`,
            );
        }
        const outside = ours
            .filter((r) => !/\bloadConfig\b|\breadStackFile\b/.test(r.stack))
            .map((r) => `${r.file}\n${r.stack.split("\n").slice(2, 8).join("\n")}`);
        assert.deepStrictEqual(outside, [], "files read after config loaded");
    });
});
