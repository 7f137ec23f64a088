// The GitHub workflows: parsed as GitHub reads them, checked for the steps a pull request and a
// merge to main rely on.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";

const root = path.join(__dirname, "..");

interface Step {
    readonly name?: string;
    readonly uses?: string;
    readonly run?: string;
    readonly if?: string;
    readonly with?: Record<string, unknown>;
    readonly env?: Record<string, string>;
}

interface Job {
    readonly needs?: string | string[];
    readonly if?: string;
    readonly environment?: string | { readonly name: string };
    readonly strategy?: { readonly matrix?: Record<string, unknown[]> };
    readonly env?: Record<string, string>;
    readonly steps: Step[];
}

interface Workflow {
    readonly on: Record<string, unknown>;
    readonly permissions?: Record<string, string>;
    readonly jobs: Record<string, Job>;
}

function workflow(file: string): Workflow {
    return yaml.load(fs.readFileSync(path.join(root, ".github", "workflows", file), "utf8")) as Workflow;
}

const allSteps = (wf: Workflow): Step[] => Object.values(wf.jobs).flatMap((job) => job.steps);
const runs = (job: Job, command: string): boolean => job.steps.some((step) => step.run?.split("\n").some((line) => line.trim() === command));
const pulumiSteps = (job: Job): Step[] => job.steps.filter((step) => step.uses?.startsWith("pulumi/actions@"));
const needs = (job: Job): string[] => [job.needs ?? []].flat();

describe("GitHub workflows", () => {
    const pr = workflow("pull-request.yml");
    const main = workflow("main.yml");

    it("runs the test suite (npm ci, test binaries, npm test) on every pull request", () => {
        assert.ok("pull_request" in pr.on);
        const test = pr.jobs.test;
        assert.ok(test.steps.some((s) => s.uses?.startsWith("actions/checkout@")));
        const node = test.steps.find((s) => s.uses?.startsWith("actions/setup-node@"));
        assert.equal(node?.with?.["node-version"], 24);
        assert.equal(node?.with?.cache, "npm");
        assert.ok(runs(test, "bash .ci/run"));
        const ci = fs.readFileSync(path.join(root, ".ci", "run"), "utf8");
        assert.match(ci, /^npm ci\b/m);
        assert.match(ci, /^npm test$/m);
    });

    it("previews dev and prod with the policy pack after the tests pass, commenting on the pull request", () => {
        const preview = pr.jobs.preview;
        assert.deepEqual(needs(preview), ["test"]);
        assert.deepEqual(preview.strategy?.matrix?.stack, ["dev", "prod"]);
        assert.ok(runs(preview, "npm ci"));
        assert.ok(runs(preview, "npm ci --prefix policy"), "the pack's own dependencies are installed");
        const [pulumi] = pulumiSteps(preview);
        assert.deepEqual(pulumi.with, {
            command: "preview",
            "stack-name": "${{ matrix.stack }}",
            policyPacks: "policy",
            "comment-on-pr": true,
            "github-token": "${{ secrets.GITHUB_TOKEN }}",
        });
        assert.equal(pr.permissions?.["pull-requests"], "write");
    });

    it("gives Pulumi its passphrase and backend from secrets, and prod a kubeconfig file", () => {
        for (const job of [pr.jobs.preview, main.jobs["up-prod"]]) {
            assert.equal(job.env?.PULUMI_CONFIG_PASSPHRASE, "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}");
            assert.equal(job.env?.PULUMI_BACKEND_URL, "${{ secrets.PULUMI_BACKEND_URL }}");
            const kubeconfig = job.steps.find((s) => s.env?.KUBECONFIG_CONTENT === "${{ secrets.KUBECONFIG }}");
            assert.match(kubeconfig?.run ?? "", /> "\$RUNNER_TEMP\/kubeconfig"/);
            assert.match(kubeconfig?.run ?? "", /KUBECONFIG=\$RUNNER_TEMP\/kubeconfig" >> "\$GITHUB_ENV"/);
        }
        assert.equal(pr.jobs.preview.steps.find((s) => s.env?.KUBECONFIG_CONTENT)?.if, "matrix.stack == 'prod'");
    });

    it("runs `pulumi up` on prod from main only behind the production environment", () => {
        assert.deepEqual(main.on.push, { branches: ["main"] });
        const up = main.jobs["up-prod"];
        assert.equal(up.environment, "production");
        assert.deepEqual(needs(up), ["test"]);
        assert.equal(up.if, "vars.PULUMI_UP_PROD == 'true'");
        assert.ok(runs(up, "npm ci --prefix policy"));
        const [pulumi] = pulumiSteps(up);
        assert.deepEqual(pulumi.with, { command: "up", "stack-name": "prod", policyPacks: "policy" });
        assert.ok(runs(main.jobs.test, "bash .ci/run"));
    });

    it("runs a Node that package.json's engines accept: setup-node in CI, the machine's or Node 24 in .ci/run", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
        const minimum = Number(/^>=(\d+)$/.exec(pkg.engines.node)?.[1]);
        assert.ok(minimum >= 22, `engines.node ${pkg.engines.node}: current @pulumi/pulumi needs >= 22`);
        for (const step of [...allSteps(pr), ...allSteps(main)].filter((s) => s.uses?.startsWith("actions/setup-node@"))) {
            assert.ok(Number(step.with?.["node-version"]) >= minimum, `setup-node ${step.with?.["node-version"]} is below ${pkg.engines.node}`);
        }
        const ci = fs.readFileSync(path.join(root, ".ci", "run"), "utf8");
        // The fallback triggers below exactly the engines' minimum, and comes before npm ci.
        assert.ok(ci.includes(`>= ${minimum} ? 0 : 1`), ".ci/run does not compare the machine's Node with the engines' minimum");
        assert.ok(ci.indexOf("scripts/get-node.sh") < ci.indexOf("npm ci"), ".ci/run must switch Node before npm ci");
        const getNode = fs.readFileSync(path.join(root, "scripts", "get-node.sh"), "utf8");
        const pinned = /^NODE_VERSION=(\d+)\.\d+\.\d+$/m.exec(getNode);
        assert.ok(pinned && Number(pinned[1]) >= minimum, "scripts/get-node.sh pins no Node version the engines accept");
    });

    it("pins every action to a released major version", () => {
        for (const step of [...allSteps(pr), ...allSteps(main)].filter((s) => s.uses)) {
            assert.match(step.uses!, /^[\w-]+\/[\w-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/, step.uses);
        }
    });

    it("has the policy pack's lockfile that `npm ci --prefix policy` needs", () => {
        assert.ok(fs.existsSync(path.join(root, "policy", "package-lock.json")));
    });
});
