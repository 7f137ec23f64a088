// Pulumi captures a stack trace for each promise it makes (`new Error().stack`, for a leak report
// it prints only when a program exits with promises pending) and for each resource (its source
// position, sent to the engine). ts-node maps every such stack through source maps, and for a
// render's thousands of resources and tens of thousands of promises that mapping, with the
// captures, took a third of the property test's CPU. In the test processes (required by
// .mocharc.js; never in the program's own runs):
// - a promise's stamp is the bare "Error" line: the leak report keeps its promise contexts, loses
//   the stacks. With PULUMI_DEBUG_PROMISE_LEAKS set (Pulumi's switch for leak hunting) they stay;
// - a resource's source position is read from the unmapped stack (a line of the transpiled
//   JavaScript, not of the TypeScript): the mocks record it, and nothing reads it.

type DebuggablePromise = (p: Promise<unknown>, ctx: unknown) => Promise<unknown>;

const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: DebuggablePromise };
const resource = require("@pulumi/pulumi/resource") as { Resource: { callsites: () => unknown[] } };

/** Runs `capture` with V8 capturing no stack frames for the errors it makes. */
function withoutStacks<T>(capture: () => T): T {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
        return capture();
    } finally {
        Error.stackTraceLimit = limit;
    }
}

/** Runs `capture` with V8's own stack format: no source map lookups. */
function withUnmappedStacks<T>(capture: () => T): T {
    const errors = Error as { prepareStackTrace?: unknown };
    const mapped = errors.prepareStackTrace;
    errors.prepareStackTrace = undefined;
    try {
        return capture();
    } finally {
        errors.prepareStackTrace = mapped;
    }
}

// A Pulumi release that moved them: fail loudly rather than silently lose the speed-up.
if (typeof debuggable.debuggablePromise !== "function" || typeof resource.Resource?.callsites !== "function") {
    throw new Error("@pulumi/pulumi no longer has runtime/debuggable's debuggablePromise or Resource.callsites: update test/support/pulumi-stacks.ts");
}
if (!process.env.PULUMI_DEBUG_PROMISE_LEAKS) {
    const stamp = debuggable.debuggablePromise;
    // Pulumi's modules call it through this exports object (`debuggable_1.debuggablePromise(...)`).
    debuggable.debuggablePromise = (p, ctx) => withoutStacks(() => stamp(p, ctx));
}
const callsites = resource.Resource.callsites;
// Called as `Resource.callsites()` by the Resource constructor.
resource.Resource.callsites = () => withUnmappedStacks(() => callsites.call(resource.Resource));

export {};
