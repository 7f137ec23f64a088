// The documentation is a front door (README.md) and pages under docs/: every config key and npm
// script is documented somewhere, and every relative link between them resolves.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { IMAGES } from "../components/images";
import { CONFIG_KEYS, SECRET_KEYS } from "../config";
import { THRESHOLDS } from "../config/thresholds";
import { headingAnchors } from "./support/markdown";

const ROOT = path.resolve(__dirname, "..");
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");
const DOC_FILES = [
    "README.md",
    "RUNBOOK.md",
    ...fs
        .readdirSync(path.join(ROOT, "docs"))
        .filter((f) => f.endsWith(".md"))
        .map((f) => `docs/${f}`),
];

/** Relative links `[text](target)` outside code fences and code spans. */
export function relativeLinks(markdown: string): string[] {
    const prose = markdown.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
    return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

describe("documentation", () => {
    const all = DOC_FILES.map(read).join("\n");
    const readme = read("README.md");

    it("keeps the README a short front door", () => {
        const lines = readme.split("\n").length;
        assert.ok(lines <= 220, `README.md has ${lines} lines; move reference material to docs/`);
    });

    it("documents every config key declared in Pulumi.yaml or read by the program", () => {
        const project = yaml.load(read("Pulumi.yaml")) as { config: Record<string, unknown> };
        const declared = Object.keys(project.config).map((k) => k.replace(/^monitoring:/, ""));
        const missing = [...new Set([...declared, ...CONFIG_KEYS, ...SECRET_KEYS])].filter((key) => !all.includes(`\`${key}`));
        assert.deepStrictEqual(missing, [], `config keys documented nowhere in README.md or docs/: ${missing.join(", ")}`);
    });

    it("names every npm script in the README", () => {
        const scripts = Object.keys(JSON.parse(read("package.json")).scripts);
        const missing = scripts.filter((s) => !readme.includes(`npm run ${s}`) && !readme.includes(`npm ${s}`));
        assert.deepStrictEqual(missing, [], `npm scripts not in README.md: ${missing.join(", ")}`);
    });

    it("documents every threshold with its default", () => {
        const missing = Object.entries(THRESHOLDS)
            .filter(([name, spec]) => !all.includes(`| \`${name}\` | ${spec.default} |`))
            .map(([name, spec]) => `${name} (default ${spec.default})`);
        assert.deepStrictEqual(missing, [], `thresholds without a table row: ${missing.join(", ")}`);
    });

    it("lists every pinned image in the README's Images table", () => {
        const missing = Object.values(IMAGES).filter((image) => !readme.includes(`\`${image}\``));
        assert.deepStrictEqual(missing, [], `images missing from the README's Images table: ${missing.join(", ")}`);
    });

    it("has no relative link to a missing file or heading", () => {
        const broken: string[] = [];
        for (const file of DOC_FILES) {
            for (const link of relativeLinks(read(file))) {
                const [target, anchor] = link.split("#");
                const resolved = target ? path.join(path.dirname(file), decodeURIComponent(target)) : file;
                if (!fs.existsSync(path.join(ROOT, resolved))) {
                    broken.push(`${file}: ${link} (no ${resolved})`);
                } else if (anchor && resolved.endsWith(".md") && !headingAnchors(read(resolved)).has(anchor)) {
                    broken.push(`${file}: ${link} (no heading #${anchor} in ${resolved})`);
                }
            }
        }
        assert.deepStrictEqual(broken, [], broken.join("\n"));
    });

    it("finds a broken link and a missing anchor (the checker can fail)", () => {
        assert.deepStrictEqual(relativeLinks("see [a](docs/x.md#y) and `[b](c.md)` and [d](https://e)"), ["docs/x.md#y"]);
        assert.ok(headingAnchors("## The prod stack: `kubernetes`\n## A\n## A").has("the-prod-stack-kubernetes"));
        assert.ok(headingAnchors("## A\n## A").has("a-1"));
    });
});
