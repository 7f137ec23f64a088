import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { FULL_DEV_CONFIG, relocate, RenderedDir, renderToDir } from "./support/render";
import { requireTool } from "./support/tools";

function run(tool: string, args: string[]): string {
    try {
        return execFileSync(tool, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (err: any) {
        assert.fail(`${path.basename(tool)} ${args.join(" ")} failed:\n${err.stdout ?? ""}${err.stderr ?? ""}`);
    }
}

/** Writes a dummy for each credential file the config points at, as the platform would mount. */
function dummySecrets(root: string, files: string[]): void {
    for (const file of files) {
        const target = path.join(root, file);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, "dummy\n");
    }
}

for (const [label, values] of [
    ["default dev config", {}],
    ["dev config with every receiver", FULL_DEV_CONFIG],
] as const) {
    describe(`real tools on the rendered ${label}`, () => {
        let out: RenderedDir;
        before(async () => {
            out = await renderToDir("dev", values);
        });

        it("promtool check config accepts prometheus.yml with its rule files", function () {
            const promtool = requireTool(this, "promtool");
            const { root } = relocate(out, "prometheus", ["/etc/prometheus"]);
            dummySecrets(root, ["etc/prometheus/secrets/password", "etc/prometheus/secrets/alertmanager_password"]);
            const output = run(promtool, ["check", "config", path.join(root, "etc/prometheus/prometheus.yml")]);
            assert.match(output, /SUCCESS/);
        });

        it("promtool check rules accepts every rendered rule file", function () {
            const promtool = requireTool(this, "promtool");
            const rules = out.rendered.files.filter((f) => f.service === "prometheus" && f.path.startsWith("/etc/prometheus/rules/"));
            assert.ok(rules.length > 0, "no rule files rendered");
            const { root } = relocate(out, "prometheus", ["/etc/prometheus"]);
            const output = run(promtool, ["check", "rules", ...rules.map((r) => path.join(root, r.path))]);
            assert.doesNotMatch(output, /FAILED/);
        });

        it("amtool check-config accepts alertmanager.yml and its templates", function () {
            const amtool = requireTool(this, "amtool");
            const { root } = relocate(out, "alertmanager", ["/etc/alertmanager"]);
            dummySecrets(root, [
                "etc/alertmanager/secrets/slack_webhook_url",
                "etc/alertmanager/secrets/smtp_password",
                "etc/alertmanager/secrets/pagerduty_routing_key",
                "etc/alertmanager/secrets/webhook_url",
            ]);
            const output = run(amtool, ["check-config", path.join(root, "etc/alertmanager/alertmanager.yml")]);
            assert.match(output, /SUCCESS/);
        });
    });
}
