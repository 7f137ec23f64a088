import * as fs from "fs";
import * as path from "path";
import { loadConfig, objectConfigSource, pulumiConfigSource, SECRET_KEYS } from "../../config";
import { createPlatform } from "../../components/platform";
import { ServiceSpec } from "../../components/platform/spec";
import { deployMonitoring, StackOutputs } from "../../components/program";
import { RecordedResource, resolveOutput, runUnderMocks, SECRET_PLACEHOLDER } from "./mock-runtime";
import { recordingPlatform } from "./recording-platform";
import { monitoringValues, readStackFile } from "./stack-file";

export interface RenderedFile {
    readonly service: string;
    /** Path inside the container. */
    readonly path: string;
    readonly content: string;
}

export interface RenderedStack {
    readonly resources: RecordedResource[];
    /** Every non-secret file the services get. Secret files are left out. */
    readonly files: RenderedFile[];
    readonly outputs: Record<string, { value: string; secret: boolean }>;
    /** The ServiceSpecs the program deployed, as the platform got them. */
    readonly specs: ServiceSpec[];
}

/**
 * Builds a stack from a stack file under Pulumi's mocks. Configuration errors surface as
 * ConfigError before any resource is registered.
 */
export async function renderStack(stack: string, configFile: string): Promise<RenderedStack> {
    const stackFile = readStackFile(configFile);
    const values = monitoringValues(stackFile);
    // Validate first: a mistake is reported before the mock runtime creates anything.
    loadConfig(objectConfigSource(values), stack);

    const secretKeys = [
        ...new Set([...SECRET_KEYS.map((k) => `monitoring:${k}`).filter((k) => k in stackFile.config), ...stackFile.encryptedKeys]),
    ];
    let specs: ServiceSpec[] = [];
    const { result, resources } = await runUnderMocks(
        { project: "monitoring", stack, config: stackFile.config, secretKeys },
        () => {
            const config = loadConfig(pulumiConfigSource(), stack);
            const recorded = recordingPlatform((name, opts) => createPlatform(config, name, opts));
            specs = recorded.specs;
            return deployMonitoring(config, recorded.platform);
        },
    );
    return { resources, files: await collectFiles(specs), outputs: await collectOutputs(result), specs };
}

async function collectFiles(specs: ServiceSpec[]): Promise<RenderedFile[]> {
    const files: RenderedFile[] = [];
    for (const spec of specs) {
        for (const file of spec.files ?? []) {
            if (file.secret) continue;
            const { value, secret } = await resolveOutput(file.content);
            if (secret) continue;
            files.push({ service: spec.name, path: file.path, content: value });
        }
    }
    return files;
}

async function collectOutputs(outputs: StackOutputs): Promise<RenderedStack["outputs"]> {
    const out: RenderedStack["outputs"] = {};
    for (const [key, output] of Object.entries(outputs)) {
        const { value, secret } = await resolveOutput(output);
        out[key] = { value: secret ? SECRET_PLACEHOLDER : value, secret };
    }
    return out;
}

/** Writes `resources.json`, `outputs.json` and `files/<service>/<path in container>` under `outDir`. */
export function writeRender(rendered: RenderedStack, outDir: string): void {
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, "resources.json"), JSON.stringify(rendered.resources, null, 2) + "\n");
    fs.writeFileSync(path.join(outDir, "outputs.json"), JSON.stringify(rendered.outputs, null, 2) + "\n");
    for (const file of rendered.files) {
        const target = path.join(outDir, "files", file.service, file.path);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, file.content);
    }
}
