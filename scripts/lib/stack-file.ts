import * as fs from "fs";
import * as yaml from "js-yaml";
import { ConfigError } from "../../config/errors";
import { SECRET_STAND_INS } from "../../config/secrets";

/** The configuration of a Pulumi stack file (`Pulumi.<stack>.yaml` format), keyed as `monitoring:<key>`. */
export interface StackFile {
    /** `monitoring:<key>` -> value (objects and lists kept as parsed YAML). */
    readonly config: Record<string, unknown>;
    /** Keys whose value was stored encrypted (`secure:`); their plain text is not known offline. */
    readonly encryptedKeys: string[];
}

/** A stack file that cannot be read or is not YAML: one line naming the file, line and key. */
export class StackFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackFileError";
    }
}

/** The dotted path of the key on `line` (0-based), from the keys of the lines that enclose it. */
function keyPathAt(lines: string[], line: number): string | undefined {
    const keyOf = (text: string) => /^\s*(?:- )?([^\s#].*?):(?:\s|$)/.exec(text)?.[1].replace(/^["']|["']$/g, "");
    const indentOf = (text: string) => /^\s*/.exec(text)![0].length;
    let start = line;
    while (start >= 0 && (lines[start] === undefined || !keyOf(lines[start]))) start--;
    if (start < 0) return undefined;
    const path = [keyOf(lines[start])!];
    let indent = indentOf(lines[start]);
    for (let i = start - 1; i >= 0 && indent > 0; i--) {
        const key = keyOf(lines[i]);
        if (key && indentOf(lines[i]) < indent) {
            path.unshift(key);
            indent = indentOf(lines[i]);
        }
    }
    return path.filter((k, i) => !(i === 0 && k === "config")).join(".");
}

/** The error for a stack file js-yaml cannot load, naming the key nearest to the mistake. */
function yamlError(file: string, text: string, err: yaml.YAMLException): Error {
    const line = err.mark?.line ?? 0;
    const where = `${file} line ${line + 1}`;
    const reason = err.reason ?? "not valid YAML";
    const key = keyPathAt(text.split("\n"), line);
    if (key?.startsWith("monitoring:")) {
        return new ConfigError(key.slice("monitoring:".length), `${reason} (${where}); each key once, in valid YAML`);
    }
    return new StackFileError(`${where}: ${reason}${key ? ` (near ${key})` : ""}`);
}

export function readStackFile(file: string): StackFile {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        throw new StackFileError(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    let loaded: unknown;
    try {
        // js-yaml refuses a key given twice, as Pulumi does.
        loaded = yaml.load(text) ?? {};
    } catch (err) {
        if (err instanceof yaml.YAMLException) throw yamlError(file, text, err);
        throw err;
    }
    const isMap = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
    if (!isMap(loaded) || (loaded.config !== undefined && loaded.config !== null && !isMap(loaded.config))) {
        throw new StackFileError(`${file}: is not a stack file; expected a mapping with a config: mapping of keys such as monitoring:platform`);
    }
    const doc = loaded as { config?: Record<string, unknown> };
    const config: Record<string, unknown> = {};
    const encryptedKeys: string[] = [];
    for (const [key, value] of Object.entries(doc.config ?? {})) {
        if (value !== null && typeof value === "object" && "secure" in (value as object)) {
            encryptedKeys.push(key);
            // Encrypted values cannot be read offline: a stand-in of the right shape builds the same stack.
            config[key] = (SECRET_STAND_INS as Record<string, string>)[key.replace(/^monitoring:/, "")] ?? "encrypted";
        } else if (hasEncryptedLeaf(value)) {
            // `pulumi config set --secret --path` encrypts the leaves of a map: the map is unreadable offline.
            encryptedKeys.push(key);
            config[key] = (SECRET_STAND_INS as Record<string, string>)[key.replace(/^monitoring:/, "")] ?? "encrypted";
        } else {
            config[key] = value;
        }
    }
    return { config, encryptedKeys };
}

function hasEncryptedLeaf(value: unknown): boolean {
    if (value === null || typeof value !== "object") return false;
    if ("secure" in (value as object) && Object.keys(value as object).length === 1) return true;
    return Object.values(value as object).some(hasEncryptedLeaf);
}

/** The `monitoring:` namespace of a stack file, without the prefix, as `objectConfigSource` takes it. */
export function monitoringValues(file: StackFile): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(file.config)) {
        if (key.startsWith("monitoring:")) out[key.slice("monitoring:".length)] = value;
    }
    return out;
}
