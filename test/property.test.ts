import * as assert from "assert";
import * as fs from "fs";
import fc from "fast-check";
import * as yaml from "js-yaml";
import { loadConfig, objectConfigSource } from "../config";
import { RESOURCE_SERVICES } from "../config/kubernetes";
import { isBuiltInJob } from "../config/load";
import { RecordedResource, SECRET_PLACEHOLDER } from "../scripts/lib/mock-runtime";
import { checkWithRealTools } from "./support/check-render";
import { devConfig, prodConfig } from "./support/config-arbitraries";
import { RenderedDir, renderToDir } from "./support/render";
import { requireTool } from "./support/tools";

/** Fixed, so CI renders the same configurations every run; change it to explore others. */
const SEED = 1313;
const DEV_RUNS = 24;
const PROD_RUNS = 16;

/** A Pulumi Kubernetes resource type as the kubernetes-models module that validates it. */
function modelPath(type: string): { path: string; kind: string } | undefined {
    const m = /^kubernetes:([^:]+)\/(v[^:]+):(.+)$/.exec(type);
    if (!m) return undefined;
    return { path: `kubernetes-models/${m[1] === "core" ? "" : `${m[1]}/`}${m[2]}/${m[3]}`, kind: m[3] };
}

/** The recorded inputs as the API would get them: a Secret's whole data map stands behind one placeholder. */
function apiObject(inputs: Record<string, unknown>): Record<string, unknown> {
    const out = { ...inputs };
    for (const field of ["data", "stringData"]) if (out[field] === SECRET_PLACEHOLDER) out[field] = {};
    return out;
}

/** Validates every Kubernetes object against the OpenAPI schema kubernetes-models carries; returns how many. */
async function validateKubernetes(resources: RecordedResource[]): Promise<number> {
    let checked = 0;
    for (const r of resources) {
        const model = modelPath(r.type);
        if (!model) continue;
        // ESM-only package: import() works from this CommonJS test on Node 20 and later.
        const mod = (await import(model.path)) as Record<string, new (data: unknown) => { validate(): void }>;
        try {
            new mod[model.kind](apiObject(r.inputs)).validate();
        } catch (err) {
            throw new Error(`${r.type} ${r.name} is refused by the Kubernetes schema: ${(err as Error).message}`);
        }
        checked++;
    }
    return checked;
}

describe(`property: random valid configurations deploy (seed ${SEED})`, function () {
    const renders: RenderedDir[] = [];
    const scratch: string[] = [];
    const samples = {
        dev: fc.sample(devConfig, { seed: SEED, numRuns: DEV_RUNS }),
        prod: fc.sample(prodConfig, { seed: SEED + 1, numRuns: PROD_RUNS }),
    };
    after(() => {
        for (const dir of [...scratch, ...renders.map((r) => r.dir)]) fs.rmSync(dir, { recursive: true, force: true });
    });

    it(`accepts every generated configuration (${DEV_RUNS} dev, ${PROD_RUNS} prod)`, () => {
        for (const [stack, configs] of Object.entries(samples)) {
            configs.forEach((values, i) => {
                try {
                    loadConfig(objectConfigSource(values as Record<string, unknown>), stack);
                } catch (err) {
                    assert.fail(`${stack} #${i} refused: ${(err as Error).message}\n${JSON.stringify(values)}`);
                }
            });
        }
    });

    it("renders each one, and promtool, amtool, blackbox_exporter and the Kubernetes schemas accept every result", async function () {
        // About a second a render on an idle machine; the shared CI machine can be several times slower.
        this.timeout(900_000);
        const started = Date.now();
        const tools = { promtool: requireTool(this, "promtool"), amtool: requireTool(this, "amtool"), blackbox: requireTool(this, "blackbox_exporter") };
        let objects = 0;
        for (const [stack, configs] of Object.entries(samples)) {
            for (const values of configs) {
                const out = await renderToDir(stack, values as Record<string, unknown>);
                renders.push(out);
                if (stack === "prod") objects += await validateKubernetes(out.rendered.resources);
            }
        }
        scratch.push(...checkWithRealTools(renders, tools));
        const seconds = ((Date.now() - started) / 1000).toFixed(0);
        console.log(`      property test: rendered ${renders.length} configurations (seed ${SEED}) in ${seconds}s; promtool, amtool and blackbox_exporter accepted every file, the Kubernetes schemas ${objects} objects`);
        assert.strictEqual(renders.length, DEV_RUNS + PROD_RUNS);
    });

    it("reserves every scrape job and knows every service the renders deploy (monitoring:targets, monitoring:resources)", function () {
        if (renders.length === 0) this.skip();
        const userJobs = new Set(Object.values(samples).flat().flatMap((c: any) => (c.targets ?? []).map((t: any) => t.job)));
        for (const out of renders) {
            const prom = yaml.load(out.file("prometheus", "/etc/prometheus/prometheus.yml")) as { scrape_configs: { job_name: string }[] };
            for (const { job_name } of prom.scrape_configs) {
                if (!userJobs.has(job_name)) assert.ok(isBuiltInJob(job_name), `built-in job ${job_name} is not in BUILT_IN_JOBS (config/load.ts)`);
            }
            for (const r of out.rendered.resources) {
                const workload = /^kubernetes:apps\/v1:(StatefulSet|Deployment|DaemonSet)$/.test(r.type);
                const containers: any[] = workload ? (r.inputs as any).spec.template.spec.containers : [];
                for (const name of containers.map((c) => c.name)) {
                    assert.ok((RESOURCE_SERVICES as readonly string[]).includes(name), `service ${name} is not in RESOURCE_SERVICES (config/kubernetes.ts)`);
                }
            }
        }
    });
});
