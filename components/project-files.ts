import * as fs from "fs";
import * as path from "path";

/** The project root, where rules/ and dashboards/ live. */
export const PROJECT_ROOT = path.resolve(__dirname, "..");

/** Every file under `dir` (relative to the project root) ending in `ext`, as paths relative to `dir`, sorted. */
export function listProjectFiles(dir: string, ext: string): string[] {
    const root = path.join(PROJECT_ROOT, dir);
    if (!fs.existsSync(root)) return [];
    const walk = (rel: string): string[] =>
        fs.readdirSync(path.join(root, rel), { withFileTypes: true }).flatMap((entry) => {
            const child = path.join(rel, entry.name);
            if (entry.isDirectory()) return walk(child);
            return entry.name.endsWith(ext) ? [child] : [];
        });
    return walk("").sort();
}

export function readProjectFile(dir: string, file: string): string {
    return fs.readFileSync(path.join(PROJECT_ROOT, dir, file), "utf8");
}
