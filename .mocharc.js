// Mocha: every test file, in parallel (each file stands alone), with the reporter that lists the
// ten slowest tests. Files or folders given on the command line (`npx mocha test/x.test.ts`,
// `npx mocha test/live`) run alone.
const fs = require("fs");
const path = require("path");

/**
 * Started first, longest first: files that mostly wait (live stacks, a Docker engine, alert
 * timings) or work long. Waiting beside the others' work, not after it, they set the suite's end.
 */
const FIRST = [
    "test/docker/stack.test.ts",
    "test/live/stack.test.ts",
    "test/live/cluster.test.ts",
    "test/rules.test.ts",
    "test/property.test.ts",
    "test/live/tls.test.ts",
    "test/ops/smoke.test.ts",
    "test/ops/test-alert.test.ts",
    "test/live/replicas.test.ts",
    "test/runner.test.ts",
    "test/render-cli.test.ts",
    "test/ops/backup.test.ts",
];

/** Every `*.test.ts` under `dir`, sorted. */
function testFiles(dir) {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? testFiles(path.join(dir, e.name)) : e.name.endsWith(".test.ts") ? [path.join(dir, e.name)] : []))
        .sort();
}

const all = testFiles("test");
/** A test file, folder or glob on the command line: then mocha runs those (it would add them to `spec`). */
const isSpec = (arg) => arg.endsWith(".test.ts") || (!arg.startsWith("-") && (arg.includes("*") || (fs.existsSync(arg) && fs.statSync(arg).isDirectory())));
const givenFiles = process.argv.slice(2).some(isSpec);

module.exports = {
    require: ["test/support/transpile.js", "test/support/pulumi-stacks.ts", "test/support/cleanup.ts"],
    extension: ["ts"],
    ...(givenFiles ? {} : { spec: [...FIRST.filter((f) => all.includes(f)), ...all.filter((f) => !FIRST.includes(f))] }),
    timeout: 120000,
    parallel: true,
    jobs: 4,
    reporter: "test/support/reporter.js",
};
