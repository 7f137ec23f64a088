import * as fs from "fs";
import * as yaml from "js-yaml";
import { SECRET_STAND_INS } from "../../config/secrets";

/** The configuration of a Pulumi stack file (`Pulumi.<stack>.yaml` format), keyed as `monitoring:<key>`. */
export interface StackFile {
    /** `monitoring:<key>` -> value (objects and lists kept as parsed YAML). */
    readonly config: Record<string, unknown>;
    /** Keys whose value was stored encrypted (`secure:`); their plain text is not known offline. */
    readonly encryptedKeys: string[];
}

export function readStackFile(file: string): StackFile {
    const doc = (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
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
