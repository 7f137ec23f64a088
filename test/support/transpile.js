// Mocha's processes compile the tests and the program with TypeScript's own transpiler, not with
// SWC (tsconfig.json's ts-node default, which the scripts the tests start use, as users run them):
// some tests patch a module object (fs, to see which files a render reads), and TypeScript's
// `import * as` reads through to it, where SWC's takes a copy when the module loads.
require("ts-node").register({ transpileOnly: true, swc: false });
