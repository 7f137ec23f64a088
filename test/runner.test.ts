// `pulumi preview`/`up` never pay a full type-check: Pulumi.yaml names a tsconfig whose noCheck
// Pulumi's runner turns into ts-node's transpile-only, with SWC as the transpiler; and the
// program still builds both stacks when loaded exactly that way.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { renderStack } from "../scripts/lib/render-stack";
import { RUNNER_CHILD, runnerEnv, runnerTsconfig } from "../scripts/lib/runner-env";

const ROOT = path.resolve(__dirname, "..");
// The runner's own reader of the tsconfig (cmd/run/run.js takes `transpileOnly` from it).
const { loadTypeScriptCompilerOptions } = require("@pulumi/pulumi/tsutils") as { loadTypeScriptCompilerOptions: (file: string) => Record<string, unknown> };

describe("the program as Pulumi's runner loads it", () => {
    it("Pulumi.yaml points the runner at tsconfig.pulumi.json: noCheck (transpile-only) with SWC", () => {
        const project = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as any;
        assert.strictEqual(project.runtime.options.tsconfig, "tsconfig.pulumi.json");
        assert.strictEqual(runnerTsconfig(), "tsconfig.pulumi.json");
        assert.strictEqual(loadTypeScriptCompilerOptions(path.join(ROOT, "tsconfig.pulumi.json")).noCheck, true);
        // The type-check still runs in npm test: tsconfig.json itself must not skip it.
        assert.notStrictEqual(loadTypeScriptCompilerOptions(path.join(ROOT, "tsconfig.json")).noCheck, true);
        const ts = require("typescript") as typeof import("typescript");
        const { config } = ts.readConfigFile(path.join(ROOT, "tsconfig.pulumi.json"), ts.sys.readFile);
        assert.strictEqual(config["ts-node"]?.swc, true);
        assert.strictEqual(config.extends, "./tsconfig.json");
        require.resolve("@swc/core"); // ts-node's SWC transpiler must be installed
    });

    for (const stack of ["dev", "prod"]) {
        it(`builds ${stack} through Pulumi's runner entry with that tsconfig, the same resources as the offline render`, async () => {
            const run = spawnSync(process.execPath, [RUNNER_CHILD], { cwd: ROOT, env: runnerEnv(stack, runnerTsconfig()), encoding: "utf8", timeout: 110000 });
            const last = run.stdout.trim().split("\n").pop() ?? "";
            assert.ok(run.status === 0 && last.startsWith("{"), `runner failed (${run.status}):\n${run.stderr}\n${run.stdout}`.slice(-2000));
            const rendered = await renderStack(stack, path.join(ROOT, `Pulumi.${stack}.yaml`));
            // The runner also registers the stack itself (pulumi:pulumi:Stack).
            assert.strictEqual(JSON.parse(last).resources, rendered.resources.length + 1);
        });
    }
});
