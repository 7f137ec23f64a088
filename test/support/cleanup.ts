// A mocha root hook plugin (required by .mocharc.json): after each test file, in serial and in
// --parallel runs alike, the temp folders the file made with `tempDir` are removed.
import { removeTempDirs } from "./temp";

export const mochaHooks = {
    afterAll(): void {
        removeTempDirs();
    },
};
