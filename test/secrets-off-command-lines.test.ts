import * as assert from "assert";
import * as fs from "fs";
import { RecordedResource, SECRET_PLACEHOLDER } from "../scripts/lib/mock-runtime";
import { PROD_NEEDLES, prodValues } from "./support/prod";
import { FULL_DEV_CONFIG, RenderedDir, renderToDir, SECRET_NEEDLES } from "./support/render";

/**
 * A process' arguments are world-readable on its host (`/proc/<pid>/cmdline`, `ps`), and a pod spec
 * or container config is readable by whoever may read workloads: no password, given or generated,
 * may be in a container's argument, command, environment value, health check or an annotation.
 */

/** Every string a container carries in its arguments, command, environment values and checks, with where it is. */
function commandLineStrings(resources: RecordedResource[]): { where: string; text: string }[] {
    const out: { where: string; text: string }[] = [];
    const collect = (where: string, value: unknown): void => {
        if (typeof value === "string") out.push({ where, text: value });
        else if (Array.isArray(value)) value.forEach((v, i) => collect(`${where}[${i}]`, v));
        else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) collect(`${where}.${k}`, v);
    };
    for (const r of resources) {
        const inputs = r.inputs as any;
        if (r.type === "docker:index/container:Container") {
            for (const field of ["command", "entrypoints", "envs", "healthcheck", "labels"]) collect(`${r.name}.${field}`, inputs[field]);
        }
        if (r.type.startsWith("kubernetes:")) {
            collect(`${r.name}.metadata.annotations`, inputs.metadata?.annotations);
            const pod = inputs.spec?.template;
            if (!pod) continue;
            const annotations = { ...(pod.metadata?.annotations ?? {}) };
            // The rollout trigger of secret files: an HMAC with a random key, a secret in the state.
            if (annotations["checksum/secrets"] === SECRET_PLACEHOLDER) delete annotations["checksum/secrets"];
            collect(`${r.name}.template.annotations`, annotations);
            for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
                for (const field of ["args", "command", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle"]) {
                    collect(`${r.name}/${c.name}.${field}`, c[field]);
                }
                for (const e of c.env ?? []) if (e.value !== undefined) collect(`${r.name}/${c.name}.env.${e.name}`, e.value);
            }
        }
    }
    return out;
}

/** Forms that put a secret on a command line at run time though the spec shows none. */
const RUNTIME_EXPANSIONS = [
    /:\/\/[^/\s:@]+:[^/\s@]+@/, // user:password@ in a URL
    /\$\([A-Z_]*(PASSWORD|SECRET|TOKEN|KEY)[A-Z_]*\)/, // $(RELOAD_PASSWORD): the kubelet expands it into argv
    // $(cat /etc/.../secrets/...) as (part of) an argument; `pw=$(cat ...)` only fills a shell variable.
    /(?<!(?:^|[\s;])[A-Za-z_][A-Za-z0-9_]*=)\$\(cat [^)]*secrets?\//,
];

for (const [stack, values, needles] of [
    ["dev", FULL_DEV_CONFIG, SECRET_NEEDLES],
    ["prod", prodValues(), PROD_NEEDLES],
] as const) {
    describe(`secrets off command lines: the ${stack} render`, () => {
        let out: RenderedDir;
        let strings: { where: string; text: string }[];
        before(async () => {
            out = await renderToDir(stack, values as Record<string, unknown>);
            strings = commandLineStrings(out.rendered.resources);
        });
        after(() => fs.rmSync(out.dir, { recursive: true, force: true }));

        it("has container arguments, commands and annotations to look at", () => {
            assert.ok(strings.length > 50, `only ${strings.length} strings found`);
        });

        it("carries no given secret, no generated password and no secret Output in any of them", () => {
            // Mocked RandomPasswords are `mockpw<name>`; a secret Output shows as the placeholder.
            for (const { where, text } of strings) {
                for (const needle of [...needles, "mockpw", SECRET_PLACEHOLDER]) {
                    assert.ok(!text.includes(needle), `${where} holds ${needle}: ${text}`);
                }
            }
        });

        it("builds no argument that the shell or the kubelet would fill with a secret at run time", () => {
            for (const { where, text } of strings) {
                for (const pattern of RUNTIME_EXPANSIONS) assert.doesNotMatch(text, pattern, `${where}: ${text}`);
            }
        });
    });
}
