// Runs index.ts the way `pulumi up` does, under Pulumi's mocks, for `npm run bench`: the SDK's
// own language-runtime entry (`@pulumi/pulumi/cmd/run/run.js`) registers ts-node from the
// tsconfig Pulumi.yaml names (PULUMI_NODEJS_TSCONFIG_PATH, as the CLI sets it), resolves the
// program from package.json's `main` and builds the stack. Plain JavaScript, so the measuring
// adds no TypeScript of its own. Prints {"resources": N} when done.
//
// Env: PULUMI_NODEJS_TYPESCRIPT=true, PULUMI_NODEJS_TSCONFIG_PATH, BENCH_STACK,
//      BENCH_CONFIG (JSON: full keys -> string values), BENCH_SECRET_KEYS (JSON array).
"use strict";
const path = require("path");
const pulumi = require("@pulumi/pulumi");

const ROOT = path.resolve(__dirname, "../..");

/** Outputs the providers would compute: the program only passes them on, so fixed values do. */
const COMPUTED = {
    result: "mock-password",
    bcryptHash: "$2a$04$mockmockmockmockmockmuDWfMHgGQ1PMQkE3Dq1A3tY5cHnRw3a",
    privateKeyPem: "mock-private-key",
    publicKeyPem: "mock-public-key",
    certPem: "mock-cert",
    imageId: "sha256:mock",
};

async function main() {
    process.chdir(ROOT);
    const stack = process.env.BENCH_STACK;
    let resources = 0;
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                resources++;
                return { id: `${args.name}-id`, state: { ...args.inputs, ...COMPUTED } };
            },
            call: (args) => args.inputs,
        },
        "monitoring",
        stack,
        false,
    );
    // The engine's last handshake, which the mock monitor lacks: nothing to wait for here.
    require("@pulumi/pulumi/runtime/settings").getMonitor().signalAndWaitForShutdown = (_req, done) => done(null, {});
    pulumi.runtime.setAllConfig(JSON.parse(process.env.BENCH_CONFIG), JSON.parse(process.env.BENCH_SECRET_KEYS));
    // The language host's command line; "." = no `main` in Pulumi.yaml, so package.json's `main`
    // (index.ts) is the program. A monitor named "mock" keeps the mocks set above.
    process.argv = [process.argv[0], "cmd/run", "--monitor=mock", "--project=monitoring", `--stack=${stack}`, "."];
    process.once("beforeExit", () => {
        // Every registration has been answered once the event loop is empty.
        console.log(JSON.stringify({ resources }));
    });
    require("@pulumi/pulumi/cmd/run");
}

main().catch((err) => {
    console.error(err && err.stack ? err.stack : String(err));
    process.exit(1);
});
