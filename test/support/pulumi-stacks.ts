// Pulumi stamps every promise it makes with `new Error().stack`, for a leak report it prints only
// when a program exits with promises pending. A render makes tens of thousands of promises, and
// capturing those stacks, then mapping them through ts-node's source maps, took a third of the
// property test's CPU. In the test processes the stamp is the bare "Error" line: the leak report
// keeps its promise contexts, loses the stacks. With PULUMI_DEBUG_PROMISE_LEAKS set (Pulumi's own
// switch for leak hunting) the stacks stay. Required by .mocharc.json; never in the program's runs.

type DebuggablePromise = (p: Promise<unknown>, ctx: unknown) => Promise<unknown>;

const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: DebuggablePromise };

/** Runs `stamp` with V8 capturing no stack frames for the errors it makes. */
function withoutStacks<T>(stamp: () => T): T {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
        return stamp();
    } finally {
        Error.stackTraceLimit = limit;
    }
}

if (typeof debuggable.debuggablePromise !== "function") {
    // A Pulumi release that moved it: fail loudly rather than silently lose the speed-up.
    throw new Error("@pulumi/pulumi/runtime/debuggable no longer exports debuggablePromise: update test/support/pulumi-stacks.ts");
}
if (!process.env.PULUMI_DEBUG_PROMISE_LEAKS) {
    const stamp = debuggable.debuggablePromise;
    // Pulumi's modules call it through this exports object (`debuggable_1.debuggablePromise(...)`).
    debuggable.debuggablePromise = (p, ctx) => withoutStacks(() => stamp(p, ctx));
}

export {};
