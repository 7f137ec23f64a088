// npm run bench [-- --runs N] [--skip-live] [--skip-program] [--tsconfig FILE]
// Prints how fast the stack reacts and how fast the program builds:
//   live stack (the generated config on loopback, see docs/live-tests.md): time to a healthy
//   stack, and time from a fault (node exporter stops) to the Slack notification next to its
//   bound (scrape interval + evaluation interval + `for` + group_wait);
//   program: the dev and prod stacks built the way `pulumi up` runs the program (Pulumi's runner,
//   the tsconfig Pulumi.yaml names) under mocks, next to a node process that merely loads the
//   Pulumi SDKs, in the same run, with the ratio; then the same builds split into load and render.
import { spawnSync } from "child_process";
import * as path from "path";
import { parseArgs } from "util";
import { durationMs } from "../config/validate";
import { renderStack } from "./lib/render-stack";
import { RUNNER_CHILD, runnerEnv, runnerTsconfig } from "./lib/runner-env";
import { toolPath } from "../test/support/tools";
import { vector } from "../test/live/api";
import { waitForNotification } from "../test/live/expect";
import { killAllNow, runningPids, waitFor } from "../test/live/processes";
import { Scenario, TIMINGS } from "../test/live/scenario";

const ROOT = path.resolve(__dirname, "..");
const SDKS = ["@pulumi/pulumi", "@pulumi/docker", "@pulumi/kubernetes", "@pulumi/random", "@pulumi/tls"];
// The SDKs load their modules lazily: touching the classes the program uses loads what it needs.
const SDK_LOAD = [
    ...SDKS.map((m, i) => `const m${i} = require(${JSON.stringify(m)});`),
    "void [m1.Container, m1.Network, m1.Volume, m1.RemoteImage, m2.apps.v1.StatefulSet, m2.apps.v1.Deployment,",
    " m2.apps.v1.DaemonSet, m2.core.v1.Service, m2.core.v1.ConfigMap, m2.core.v1.Secret, m2.networking.v1.Ingress,",
    " m2.networking.v1.NetworkPolicy, m2.policy.v1.PodDisruptionBudget, m2.rbac.v1.ClusterRole, m3.RandomPassword, m4.PrivateKey];",
].join("");

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const msText = (ms: number) => `${Math.round(ms)} ms`;

async function benchLive(runs: number): Promise<void> {
    const missing = ["prometheus", "alertmanager", "node_exporter", "postgres_exporter", "redis_exporter", "postgres", "redis-server"]
        .filter((t) => !toolPath(t));
    if (missing.length) {
        console.log(`live stack: skipped, missing ${missing.join(", ")} (run scripts/get-test-tools.sh)`);
        if (process.env.CI === "true") throw new Error("missing test tools");
        return;
    }
    const t0 = Date.now();
    const sc = await Scenario.start({ name: "bench", databases: true });
    try {
        const healthy = Date.now() - t0;
        const prometheus = sc.stack.service("prometheus");
        const scrapedJobs = sc.stack.runnable.map((svc) => svc.spec.name).filter((n) => n !== "grafana");
        await waitFor("every running service's target to be up", async () => {
            const up = await vector(prometheus, "up == 1");
            const jobs = new Set(up.map((u) => u.metric.job));
            return scrapedJobs.every((j) => jobs.has(j)) && jobs.has("app") ? true : undefined;
        }, { timeoutMs: 60000, context: () => sc.context() });
        const allUp = Date.now() - t0;
        console.log(`live stack (${sc.stack.runnable.length} processes + PostgreSQL, Redis; generated config, loopback):`);
        console.log(`  build under mocks + start + every health check answering: ${s(healthy)}`);
        console.log(`  ... until every running target has up == 1:              ${s(allUp)}`);

        const alertFor = TIMINGS.alertFor;
        const bound = [TIMINGS.scrapeInterval, TIMINGS.evaluationInterval, alertFor, TIMINGS.groupWait].map(durationMs).reduce((a, b) => a + b);
        const toFiring: number[] = [];
        const toResolved: number[] = [];
        const node = sc.stack.service("node-exporter");
        for (let i = 0; i < runs; i++) {
            const fault = Date.now();
            await node.stop();
            const firing = await waitForNotification(sc, "TargetDown", { integration: "slack", state: "firing", mentions: "node-exporter", after: fault }, 60000);
            toFiring.push(firing.at - fault);
            const back = Date.now();
            node.start();
            await node.ready();
            const resolved = await waitForNotification(sc, "TargetDown", { integration: "slack", state: "resolved", mentions: "node-exporter", after: back }, 60000);
            toResolved.push(resolved.at - back);
        }
        console.log(`  fault -> Slack notification (node exporter stopped, TargetDown, ${runs} runs):`);
        console.log(`    median ${s(median(toFiring))}, max ${s(Math.max(...toFiring))}; ` +
            `bound scrape ${TIMINGS.scrapeInterval} + evaluation ${TIMINGS.evaluationInterval} + for ${alertFor} + group_wait ${TIMINGS.groupWait} = ${s(bound)}`);
        console.log(`  recovery -> resolved notification: median ${s(median(toResolved))}, max ${s(Math.max(...toResolved))}`);
    } finally {
        await sc.dispose(false);
    }
}

/** Wall time of a node process, in ms, and its output. */
function timeNode(args: string[], env: NodeJS.ProcessEnv = process.env): { ms: number; ok: boolean; stdout: string; stderr: string } {
    const start = process.hrtime.bigint();
    const res = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", env });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    return { ms, ok: res.status === 0, stdout: res.stdout, stderr: res.stderr };
}

/**
 * Program time as `pulumi up` pays it: a fresh node runs Pulumi's own runner entry with the
 * tsconfig Pulumi.yaml names, builds the stack under mocks, and exits. Runs alternate with the
 * bare SDK load, so both see the same machine load.
 */
function benchRunner(runs: number, tsconfig: string): void {
    console.log(`program as Pulumi's runner loads it (${tsconfig}; ${runs} runs each, alternating, median wall time):`);
    const stacks = ["dev", "prod"] as const;
    const envs = Object.fromEntries(stacks.map((stack) => [stack, runnerEnv(stack, tsconfig)]));
    const times: Record<string, number[]> = { sdk: [], dev: [], prod: [] };
    const resources: Record<string, number> = {};
    for (let i = 0; i < runs; i++) {
        const sdk = timeNode(["-e", SDK_LOAD]);
        if (!sdk.ok) throw new Error(`loading the SDKs failed: ${sdk.stderr.trim().split("\n").pop()}`);
        times.sdk.push(sdk.ms);
        for (const stack of stacks) {
            const run = timeNode([RUNNER_CHILD], envs[stack]);
            const last = run.stdout.trim().split("\n").pop() ?? "";
            if (!run.ok || !last.startsWith("{")) throw new Error(`${stack} under the runner failed: ${(run.stderr || run.stdout).trim().slice(-400)}`);
            resources[stack] = (JSON.parse(last) as { resources: number }).resources;
            times[stack].push(run.ms);
        }
    }
    const sdkMs = median(times.sdk);
    console.log(`  load the Pulumi SDKs only: ${msText(sdkMs)}`);
    for (const stack of stacks) {
        const ms = median(times[stack]);
        console.log(`  ${stack.padEnd(4)} program: ${msText(ms)} (${resources[stack]} resources) = ${(ms / sdkMs).toFixed(1)}x the SDK load`);
    }
}

function benchProgram(runs: number): void {
    console.log(`program (${runs} runs each, median of fresh node processes):`);
    const sdk = Array.from({ length: runs }, () => timeNode(["-e", SDK_LOAD]));
    const failedSdk = sdk.find((r) => !r.ok);
    if (failedSdk) throw new Error(`loading the SDKs failed: ${failedSdk.stderr.trim().split("\n").pop()}`);
    console.log(`  load the Pulumi SDKs only (${SDKS.join(", ")}; classes used): ${msText(median(sdk.map((r) => r.ms)))}`);
    const tsNode = Array.from({ length: runs }, () => timeNode(["-r", "ts-node/register/transpile-only", "-e", ""]));
    console.log(`  start node with ts-node (transpile-only): ${msText(median(tsNode.map((r) => r.ms)))}`);
    for (const stack of ["dev", "prod"]) {
        const results = Array.from({ length: runs }, () =>
            timeNode(["-r", "ts-node/register/transpile-only", path.join(__dirname, "bench.ts"), "--child-render", stack]));
        const failed = results.find((r) => !r.ok);
        if (failed) {
            const reason = (failed.stderr.trim().split("\n").pop() ?? "").slice(0, 200);
            console.log(`  build ${stack} under mocks: FAILED (${reason})`);
            continue;
        }
        const inside = results.map((r) => JSON.parse(r.stdout.trim().split("\n").pop()!) as { renderMs: number; resources: number });
        const processMs = median(results.map((r) => r.ms));
        const renderMs = median(inside.map((r) => r.renderMs));
        console.log(`  build ${stack.padEnd(4)} under mocks: ${msText(processMs)} per process: renderStack ${msText(renderMs)} ` +
            `(${inside[0].resources} resources), the rest ${msText(processMs - renderMs)} loading node, the SDKs and the program's TypeScript`);
    }
}

/** In a child process: build one stack from its stack file and print the time renderStack took. */
async function childRender(stack: string): Promise<void> {
    const start = process.hrtime.bigint();
    const rendered = await renderStack(stack, path.join(ROOT, `Pulumi.${stack}.yaml`));
    const renderMs = Number(process.hrtime.bigint() - start) / 1e6;
    console.log(JSON.stringify({ renderMs, resources: rendered.resources.length }));
}

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: {
            runs: { type: "string", default: "5" },
            "skip-live": { type: "boolean", default: false },
            "skip-program": { type: "boolean", default: false },
            "child-render": { type: "string" },
            // Compare another tsconfig under the runner, e.g. tsconfig.json (type-checked, the old default).
            tsconfig: { type: "string" },
        },
        strict: true,
    });
    if (values["child-render"]) return childRender(values["child-render"]);
    const runs = Number(values.runs);
    if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs ${values.runs}: give a whole number of runs, e.g. --runs 5`);
    if (!values["skip-live"]) await benchLive(Math.min(runs, 3));
    if (!values["skip-program"]) {
        benchRunner(runs, values.tsconfig ?? runnerTsconfig());
        benchProgram(runs);
    }
    const left = runningPids();
    if (left.length) console.log(`left running (now killed): ${left.join(", ")}`);
}

main().then(
    () => process.exit(0),
    (err) => {
        killAllNow();
        console.error(err instanceof Error ? err.message : String(err));
        process.exit(1);
    },
);
