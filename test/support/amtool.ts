// Runs the real amtool (the Alertmanager release we ship) on an alertmanager.yml rendered from a
// stack configuration: check-config, and `config routes test` for the receivers labels reach.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { AlertingConfig } from "../../config";
import { renderAlertmanagerConfig, renderNotificationTemplates } from "../../components/render/alertmanager";

/** A rendered alertmanager.yml in a temp folder, with a dummy for every secret file it names. */
export class AlertmanagerFixture {
    readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "amtool-"));
    readonly file = path.join(this.dir, "alertmanager.yml");
    readonly secretFiles: string[] = [];

    constructor(alerting: AlertingConfig) {
        const secretsDir = path.join(this.dir, "secrets");
        fs.mkdirSync(secretsDir);
        const rendered = renderAlertmanagerConfig(alerting, (secret) => {
            const file = path.join(secretsDir, secret.replace(/[^A-Za-z0-9_-]/g, "_"));
            if (!this.secretFiles.includes(file)) this.secretFiles.push(file);
            return file;
        });
        for (const file of this.secretFiles) fs.writeFileSync(file, "dummy-secret\n");
        const templates = path.join(this.dir, "templates");
        fs.mkdirSync(templates);
        fs.writeFileSync(path.join(templates, "monitoring.tmpl"), renderNotificationTemplates());
        const doc = yaml.load(rendered) as Record<string, unknown>;
        doc.templates = [path.join(templates, "*.tmpl")];
        fs.writeFileSync(this.file, yaml.dump(doc, { lineWidth: -1 }));
    }

    get text(): string {
        return fs.readFileSync(this.file, "utf8");
    }

    /** `amtool check-config`: the output when it fails, undefined when it passes. */
    check(amtool: string): string | undefined {
        const run = spawnSync(amtool, ["check-config", this.file], { encoding: "utf8" });
        return run.status === 0 ? undefined : `${run.stdout}${run.stderr}`;
    }

    /** The receivers `amtool config routes test` sends these labels to, in its order. */
    routes(amtool: string, labels: Record<string, string>): string[] {
        const args = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
        const run = spawnSync(amtool, ["config", "routes", "test", `--config.file=${this.file}`, ...args], { encoding: "utf8" });
        if (run.status !== 0) throw new Error(`amtool config routes test ${args.join(" ")} failed:\n${run.stdout}${run.stderr}`);
        return run.stdout.trim().split(",").filter(Boolean);
    }

    dispose(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}
