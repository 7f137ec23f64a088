// npm run render -- --stack dev|prod [--config FILE] [--out DIR]
// The `helm template` of this project: every resource and generated file, offline.
import * as path from "path";
import { parseArgs } from "util";
import { ConfigError } from "../config";
import { renderStack, writeRender } from "./lib/render-stack";

async function main(): Promise<number> {
    const { values } = parseArgs({
        options: { stack: { type: "string" }, config: { type: "string" }, out: { type: "string" } },
        strict: true,
    });
    if (!values.stack) {
        console.error("usage: npm run render -- --stack dev|prod [--config FILE] [--out DIR]");
        return 2;
    }
    const configFile = values.config ?? `Pulumi.${values.stack}.yaml`;
    const outDir = values.out ?? path.join("out", values.stack);
    const rendered = await renderStack(values.stack, configFile);
    writeRender(rendered, outDir);
    const containers = rendered.resources.filter((r) => r.custom).length;
    console.log(`rendered stack ${values.stack} from ${configFile}: ${containers} resources, ${rendered.files.length} files -> ${outDir}`);
    return 0;
}

main().then(
    (code) => process.exit(code),
    (err) => {
        if (err instanceof ConfigError) {
            console.error(err.message);
            process.exit(1);
        }
        console.error(err instanceof Error ? err.message : String(err));
        process.exit(2);
    },
);
