import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { tempDir } from "./support/temp";

const ROOT = path.resolve(__dirname, "..");

function render(args: string[]) {
    return spawnSync(process.execPath, [require.resolve("ts-node/dist/bin"), "--transpile-only", "scripts/render.ts", ...args], {
        cwd: ROOT,
        encoding: "utf8",
    });
}

describe("npm run render", () => {
    it("writes resources.json and the files of the dev stack", () => {
        const out = tempDir("render-cli-");
        const result = render(["--stack", "dev", "--out", out]);
        assert.strictEqual(result.status, 0, result.stderr);
        const resources = JSON.parse(fs.readFileSync(path.join(out, "resources.json"), "utf8"));
        assert.ok(resources.every((r: any) => typeof r.type === "string" && typeof r.name === "string" && "inputs" in r));
        assert.ok(fs.existsSync(path.join(out, "files/prometheus/etc/prometheus/prometheus.yml")));
        assert.ok(fs.existsSync(path.join(out, "files/alertmanager/etc/alertmanager/alertmanager.yml")));
    });

    it("exits 1 with one line naming the key on bad configuration", () => {
        const dir = tempDir("render-cli-");
        const file = path.join(dir, "bad.yaml");
        fs.writeFileSync(file, "config:\n  monitoring:retention:\n    size: 50 GB\n");
        const result = render(["--stack", "dev", "--config", file, "--out", path.join(dir, "out")]);
        assert.strictEqual(result.status, 1);
        assert.strictEqual(result.stderr.trim(), 'monitoring:retention.size: "50 GB" is not a size; use e.g. 50GB');
        assert.ok(!fs.existsSync(path.join(dir, "out")), "nothing is written for a bad config");
    });
});

describe("npm run render with secrets stored encrypted", () => {
    it("builds the stack with stand-ins and writes none of them", () => {
        const dir = tempDir("render-cli-");
        const file = path.join(dir, "Pulumi.prod.yaml");
        const prod = fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");
        const encrypted = ["slackWebhookUrl", "postgresDsn", "grafanaDatabaseUrl", "pagerdutyRoutingKey"]
            .map((k) => `  monitoring:${k}:\n    secure: v1:AAAABBBBCCCC:DDDDEEEEFFFF\n`)
            .join("");
        fs.writeFileSync(file, prod.replace(/^config:\n/m, `config:\n${encrypted}`));
        const out = path.join(dir, "out");
        const result = render(["--stack", "prod", "--config", file, "--out", out]);
        assert.strictEqual(result.status, 0, result.stderr);
        const resources = fs.readFileSync(path.join(out, "resources.json"), "utf8");
        assert.ok(!resources.includes("ENCRYPTED") && !resources.includes("encrypted@"), "a stand-in reached resources.json");
    });
});
