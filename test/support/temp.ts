// Temp folders of the tests: made here, removed after each test file (see cleanup.ts), so a
// passing run leaves nothing behind in the system's temp folder.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const made = new Set<string>();

/** A new folder under the system temp folder, removed when the test file is done. */
export function tempDir(prefix: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    made.add(dir);
    return dir;
}

/** Removes every folder `tempDir` made so far; returns how many there were. */
export function removeTempDirs(): number {
    const count = made.size;
    for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
    made.clear();
    return count;
}
