// Mocha's spec output plus, at the end, the ten slowest tests and one closing line that CI
// reads: "N passed, N failed". Works in serial and in --parallel runs.
const path = require("path");
const Mocha = require("mocha");
const { EVENT_RUN_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_HOOK_END } = Mocha.Runner.constants;

const SLOWEST = 10;

class SpecWithTotals extends Mocha.reporters.Spec {
    constructor(runner, options) {
        super(runner, options);
        const timed = [];
        const record = (test) => {
            if (typeof test.duration === "number") timed.push({ ms: test.duration, title: test.fullTitle(), file: test.file });
        };
        runner.on(EVENT_TEST_PASS, record);
        runner.on(EVENT_TEST_FAIL, record);
        // Setup hooks (a live stack starting, a render) count too: they are where the time goes.
        runner.on(EVENT_HOOK_END, (hook) => {
            if (/"(before|after) all" hook/.test(hook.title ?? "")) record(hook);
        });
        runner.once(EVENT_RUN_END, () => {
            const slowest = timed.sort((a, b) => b.ms - a.ms).slice(0, SLOWEST);
            if (slowest.length > 0) {
                process.stdout.write(`\nslowest ${slowest.length} tests and setup hooks:\n`);
                for (const t of slowest) {
                    const file = t.file ? ` (${path.relative(process.cwd(), t.file)})` : "";
                    process.stdout.write(`  ${(t.ms / 1000).toFixed(1).padStart(6)} s  ${t.title}${file}\n`);
                }
            }
            const { passes, failures, pending } = this.stats;
            process.stdout.write(`\n${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ""}\n`);
        });
    }
}
module.exports = SpecWithTotals;
