import * as assert from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { runUnderMocks } from "../scripts/lib/mock-runtime";
import { BAD_INPUTS } from "./support/bad-inputs";

const INDEX = path.resolve(__dirname, "..", "index.ts");

/**
 * `pulumi up` runs index.ts: a mistake must end in a RunError, which Pulumi's runner prints as its
 * message alone (no stack trace) with a failed exit. Every value-based case of the bad-input table.
 */
describe("pulumi up with a bad configuration: index.ts throws a RunError of one line naming the key", () => {
    const cases = BAD_INPUTS.filter((b) => b.values !== undefined);
    it(`covers the ${cases.length} value cases of the bad-input table`, async () => {
        for (const input of cases) {
            const config = Object.fromEntries(Object.entries(input.values!).map(([k, v]) => [`monitoring:${k}`, v]));
            const secretKeys = Object.keys(config).filter((k) => /Url$|Password$|Dsn$|Key$|SecretAccessKey$/.test(k));
            delete require.cache[INDEX];
            await assert.rejects(
                runUnderMocks({ project: "monitoring", stack: "test", config, secretKeys }, () => require(INDEX)),
                (err: unknown) => {
                    assert.ok(err instanceof pulumi.RunError, `${input.what}: ${String(err)}`);
                    assert.ok(err.message.startsWith(`${input.key}:`), `${input.what}: "${err.message}" should start with ${input.key}:`);
                    assert.ok(!err.message.includes("\n"), `${input.what}: more than one line`);
                    return true;
                },
                input.what,
            );
        }
    });
});
