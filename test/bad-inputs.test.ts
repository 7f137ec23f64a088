import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { runRender } from "../scripts/render";
import { BAD_INPUTS, BadInput } from "./support/bad-inputs";

const ROOT = path.resolve(__dirname, "..");

function stackFileText(input: BadInput): string {
    if (input.yaml !== undefined) return input.yaml;
    const config = Object.fromEntries(Object.entries(input.values ?? {}).map(([k, v]) => [`monitoring:${k}`, v]));
    return yaml.dump({ config });
}

/** What `npm run render` prints and returns for a stack file, run in this process. */
async function renderInProcess(dir: string, text: string): Promise<{ code: number; stderr: string; stdout: string }> {
    const file = path.join(dir, "Pulumi.test.yaml");
    fs.writeFileSync(file, text);
    const stderr: string[] = [];
    const stdout: string[] = [];
    const code = await runRender(["--stack", "dev", "--config", file, "--out", path.join(dir, "out")], {
        log: (line) => stdout.push(line),
        error: (line) => stderr.push(line),
    });
    return { code, stderr: stderr.join("\n"), stdout: stdout.join("\n") };
}

function assertOneLine(result: { code: number; stderr: string }, key: string): void {
    assert.strictEqual(result.code, 1, `exit ${result.code}, expected 1: ${result.stderr}`);
    const lines = result.stderr.trimEnd().split("\n");
    assert.strictEqual(lines.length, 1, `expected one line, got:\n${result.stderr}`);
    assert.ok(lines[0].includes(key), `"${lines[0]}" does not name ${key}`);
    assert.doesNotMatch(result.stderr, /^\s+at /m, "a stack trace was printed");
}

describe("bad inputs: every malformed or hostile config stops the render with one line", function () {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "bad-inputs-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const categories = [...new Set(BAD_INPUTS.map((b) => b.category))];
    it(`covers ${BAD_INPUTS.length} inputs in ${categories.length} categories (${categories.join(", ")})`, () => {
        for (const wanted of ["durations", "sizes", "RE2 regexes", "Kubernetes quantities", "Kubernetes names and labels", "CIDRs", "URLs", "emails", "secrets", "cross-field", "unknown nested keys", "stack file"]) {
            assert.ok(categories.includes(wanted), `no case for ${wanted}`);
        }
        assert.ok(BAD_INPUTS.length >= 100);
    });

    for (const input of BAD_INPUTS) {
        it(`${input.category}: ${input.what} -> exit 1 naming ${input.key}`, async () => {
            const result = await renderInProcess(dir, stackFileText(input));
            assertOneLine(result, input.key);
            if (input.yaml === undefined) {
                assert.ok(result.stderr.startsWith(`${input.key}:`), `"${result.stderr}" should start with "${input.key}:"`);
            }
            assert.ok(!fs.existsSync(path.join(dir, "out")), "nothing is written for a bad config");
        });
    }

    it("never shows a secret's value in its line", async () => {
        const result = await renderInProcess(dir, yaml.dump({ config: { "monitoring:postgresDsn": "postgresql://u:Sup3r%zzS3cret@db:5432/app", "monitoring:exporters": { postgres: true } } }));
        assertOneLine(result, "monitoring:postgresDsn");
        assert.ok(!result.stderr.includes("Sup3r"), result.stderr);
        const url = await renderInProcess(dir, yaml.dump({ config: { "monitoring:remoteWrite": [{ url: "https://u:Hunt3rPass@mimir.example.com/push" }] } }));
        assert.ok(!url.stderr.includes("Hunt3rPass"), url.stderr);
        assert.match(url.stderr, /remoteWritePassword/, "the line points at the secret key that holds the password");
    });
});

describe("bad inputs through the real command: exit code and stderr of the process", () => {
    // A sample of the table through `ts-node scripts/render.ts`, as a user runs it.
    const sample = ["a key given twice", "malformed YAML (unclosed list)", "percent sign in the DSN password"];
    for (const what of sample) {
        it(what, () => {
            const input = BAD_INPUTS.find((b) => b.what === what)!;
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bad-inputs-cli-"));
            try {
                const file = path.join(dir, "Pulumi.dev.yaml");
                fs.writeFileSync(file, stackFileText(input));
                const result = spawnSync(process.execPath, [require.resolve("ts-node/dist/bin"), "--transpile-only", "scripts/render.ts", "--stack", "dev", "--config", file, "--out", path.join(dir, "out")], {
                    cwd: ROOT,
                    encoding: "utf8",
                });
                assertOneLine({ code: result.status ?? -1, stderr: result.stderr }, input.key);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    }
});
