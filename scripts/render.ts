// npm run render -- --stack dev|prod [--config FILE] [--out DIR]
// The `helm template` of this project: every resource and generated file, offline.
import * as path from "path";
import { parseArgs } from "util";
import { ConfigError } from "../config";
import { renderStack, writeRender } from "./lib/render-stack";
import { StackFileError } from "./lib/stack-file";

const USAGE = "usage: npm run render -- --stack dev|prod [--config FILE] [--out DIR]";

/**
 * Runs the render command and returns its exit code: 0 rendered, 1 the configuration or stack file
 * is wrong (one line on `error`, naming the key), 2 a usage error or a bug of ours (one line too).
 */
export async function runRender(argv: string[], out: { log: (line: string) => void; error: (line: string) => void } = console): Promise<number> {
    try {
        const { values } = parseArgs({
            args: argv,
            options: { stack: { type: "string" }, config: { type: "string" }, out: { type: "string" } },
            strict: true,
        });
        if (!values.stack) {
            out.error(USAGE);
            return 2;
        }
        const configFile = values.config ?? `Pulumi.${values.stack}.yaml`;
        const outDir = values.out ?? path.join("out", values.stack);
        const rendered = await renderStack(values.stack, configFile);
        writeRender(rendered, outDir);
        const containers = rendered.resources.filter((r) => r.custom).length;
        out.log(`rendered stack ${values.stack} from ${configFile}: ${containers} resources, ${rendered.files.length} files -> ${outDir}`);
        return 0;
    } catch (err) {
        // The user's mistake: one line naming the key, no stack trace.
        if (err instanceof ConfigError || err instanceof StackFileError) {
            out.error(err.message.split("\n")[0]);
            return 1;
        }
        const message = (err instanceof Error ? err.message : String(err)).split("\n")[0];
        out.error((err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS") ? `${message}\n${USAGE}` : `render failed: ${message}`);
        return 2;
    }
}

if (require.main === module) {
    runRender(process.argv.slice(2)).then((code) => process.exit(code));
}
