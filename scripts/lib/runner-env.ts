import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { SECRET_KEYS } from "../../config";
import { readStackFile } from "./stack-file";

const ROOT = path.resolve(__dirname, "../..");

/** Runs index.ts through Pulumi's runner under mocks (plain JavaScript; see the file). */
export const RUNNER_CHILD = path.join(__dirname, "runner-child.js");

/** The tsconfig `pulumi up` compiles with: Pulumi.yaml's runtime.options.tsconfig, else tsconfig.json. */
export function runnerTsconfig(): string {
    const project = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { runtime?: { options?: { tsconfig?: string } } };
    return project.runtime?.options?.tsconfig ?? "tsconfig.json";
}

/** The environment Pulumi's Node language host gives the runner, plus the stack's config for the mocks. */
export function runnerEnv(stack: string, tsconfig: string): NodeJS.ProcessEnv {
    const stackFile = readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`));
    const config = Object.fromEntries(Object.entries(stackFile.config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
    const secretKeys = [...new Set([...SECRET_KEYS.map((k) => `monitoring:${k}`).filter((k) => k in config), ...stackFile.encryptedKeys])];
    return {
        ...process.env,
        PULUMI_NODEJS_TYPESCRIPT: "true",
        PULUMI_NODEJS_TSCONFIG_PATH: tsconfig,
        BENCH_STACK: stack,
        BENCH_CONFIG: JSON.stringify(config),
        BENCH_SECRET_KEYS: JSON.stringify(secretKeys),
    };
}

