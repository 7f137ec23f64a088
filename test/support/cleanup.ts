// A mocha plugin (required by .mocharc.js). Each run gets a temp root of its own, in memory
// where it can (see temp.ts); after each test file, in serial and in --parallel runs alike, the
// temp folders the file made with `tempDir` are removed; at the end the run fails if any test
// left something in the temp root.
import { endRunTempRoot, removeTempDirs, startRunTempRoot } from "./temp";

let root: string | undefined;

/** Runs once in the main mocha process, before the parallel workers start (they inherit its environment). */
export function mochaGlobalSetup(): void {
    root = startRunTempRoot();
    // The Go tools the tests run (promtool, amtool, blackbox_exporter, dockerd) collect garbage at
    // 4x heap growth instead of 2x: a third less CPU for promtool's unit tests, ~230 MB instead of 130.
    process.env.GOGC ??= "400";
}

export function mochaGlobalTeardown(this: Mocha.Runner): void {
    if (root === undefined) return;
    const left = endRunTempRoot(root, this.failures > 0);
    if (this.failures === 0 && left.length > 0) {
        throw new Error(`the tests left ${left.length} temp entries behind (now removed): ${left.join(", ")}`);
    }
}

export const mochaHooks = {
    afterAll(): void {
        removeTempDirs();
    },
};
