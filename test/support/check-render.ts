// Runs the real tools over one or many renders in as few processes as possible: one promtool
// check config (which also checks every rule file it names), one amtool check-config, and the
// blackbox exporter's --config.check per config.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { relocate, RenderedDir } from "./render";

/** Gives every `*_file:` a rendered config points at a dummy, as the platform would mount the secret. */
function mountDummies(configText: string): void {
    for (const [, file] of configText.matchAll(/_file: "?([^"\s]+)"?/g)) {
        if (fs.existsSync(file)) continue;
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, "dummy\n");
    }
}

function run(tool: string, args: string[]): void {
    try {
        execFileSync(tool, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (err: any) {
        throw new Error(`${path.basename(tool)} ${args.slice(0, 3).join(" ")} ... failed:\n${err.stdout ?? ""}${err.stderr ?? ""}`);
    }
}

export interface RealTools {
    readonly promtool: string;
    readonly amtool: string;
    /** Absent: blackbox configs are not checked. */
    readonly blackbox?: string;
}

/**
 * Checks prometheus.yml (with its rule files), alertmanager.yml and blackbox.yml of every render
 * with the real binaries. Throws with the tool's output on the first refusal. Returns the scratch
 * roots it made, for the caller to remove.
 */
export function checkWithRealTools(renders: RenderedDir[], tools: RealTools): string[] {
    const roots: string[] = [];
    const prometheusConfigs: string[] = [];
    const alertmanagerConfigs: string[] = [];
    for (const out of renders) {
        const prom = relocate(out, "prometheus", ["/etc/prometheus"]);
        roots.push(prom.root);
        const promYml = path.join(prom.root, "etc/prometheus/prometheus.yml");
        mountDummies(fs.readFileSync(promYml, "utf8"));
        prometheusConfigs.push(promYml);

        const am = relocate(out, "alertmanager", ["/etc/alertmanager"]);
        roots.push(am.root);
        const amYml = path.join(am.root, "etc/alertmanager/alertmanager.yml");
        mountDummies(fs.readFileSync(amYml, "utf8"));
        alertmanagerConfigs.push(amYml);

        const blackbox = out.rendered.files.find((f) => f.service === "blackbox-exporter" && f.path.endsWith(".yml"));
        if (blackbox && tools.blackbox) {
            const file = path.join(am.root, "blackbox.yml");
            fs.writeFileSync(file, blackbox.content);
            run(tools.blackbox, [`--config.file=${file}`, "--config.check"]);
        }
    }
    run(tools.promtool, ["check", "config", ...prometheusConfigs]);
    run(tools.amtool, ["check-config", ...alertmanagerConfigs]);
    return roots;
}
