import * as assert from "assert";
import * as fs from "fs";
import * as yaml from "js-yaml";
import { CONFIG_KEYS, loadConfig, objectConfigSource, SECRET_KEYS } from "../config";
import { monitoringValues, readStackFile } from "../scripts/lib/stack-file";

describe("Pulumi project", () => {
    const project = yaml.load(fs.readFileSync("Pulumi.yaml", "utf8")) as any;
    const declared = Object.keys(project.config).map((k) => k.replace(/^monitoring:/, ""));

    it("is the TypeScript project `monitoring` on the local file backend", () => {
        assert.strictEqual(project.name, "monitoring");
        assert.strictEqual(project.runtime.name, "nodejs");
        assert.strictEqual(project.runtime.options.typescript, true);
        assert.match(project.backend.url, /^file:\/\//);
    });

    it("declares every key the program reads, with a description", () => {
        for (const key of [...CONFIG_KEYS, ...SECRET_KEYS]) {
            assert.ok(declared.includes(key), `monitoring:${key} is not declared in Pulumi.yaml`);
            assert.ok(project.config[`monitoring:${key}`].description, `monitoring:${key} has no description`);
        }
        for (const key of declared) assert.ok([...CONFIG_KEYS, ...SECRET_KEYS].includes(key as any), `Pulumi.yaml declares unknown monitoring:${key}`);
    });

    it("marks exactly the secret keys as secret", () => {
        for (const key of declared) {
            assert.strictEqual(project.config[`monitoring:${key}`].secret === true, (SECRET_KEYS as readonly string[]).includes(key), key);
        }
    });

    for (const stack of ["dev", "prod"]) {
        it(`Pulumi.${stack}.yaml is a valid configuration`, () => {
            loadConfig(objectConfigSource(monitoringValues(readStackFile(`Pulumi.${stack}.yaml`))), stack);
        });
    }
});
