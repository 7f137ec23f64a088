// Mocha's processes compile TypeScript as tsconfig.json says for ts-node: transpile only, with SWC
// (the TypeScript compiler's transpiler took 20 s of CPU over the three workers).
// One difference matters to the tests: SWC's `import * as fs from "fs"` copies the module's
// properties when a module loads, where TypeScript's reads through to the module. A test that
// patches fs (test/pure-renderers.test.ts sees which files a render reads) needs every module to
// see the patch. Getters and setters are copied as they are, so fs's functions become accessors
// over the same values, here, before any module loads.
const fs = require("fs");

for (const key of Object.keys(fs)) {
    const desc = Object.getOwnPropertyDescriptor(fs, key);
    if (!desc || !desc.configurable || typeof desc.value !== "function") continue;
    let value = desc.value;
    Object.defineProperty(fs, key, {
        enumerable: desc.enumerable,
        configurable: true,
        get: () => value,
        set: (patched) => {
            value = patched;
        },
    });
}

require("ts-node").register({ transpileOnly: true });
