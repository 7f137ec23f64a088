// Placeholder (lead): the rules helper replaces this file with the threshold-aware renderer.
import { listProjectFiles, readProjectFile } from "../project-files";

export interface RuleFile {
    readonly name: string;
    readonly content: string;
}

export function renderRuleFiles(_opts: unknown): RuleFile[] {
    return listProjectFiles("rules", ".yml")
        .filter((f) => !f.includes("/"))
        .map((name) => ({ name, content: readProjectFile("rules", name) }));
}
