import * as pulumi from "@pulumi/pulumi";

/** Where configuration values come from: `pulumi.Config` in a real run, a plain map in tests. */
export interface ConfigSource {
    /** The value of `monitoring:<key>`: parsed JSON for objects, lists, numbers and booleans, the string otherwise. */
    value(key: string): unknown;
    /** A secret key's value, still plain, for shape checks only; never log or render it. */
    secretText(key: string): string | undefined;
    /** Every key set in the namespace, so a typo is caught instead of silently ignored. */
    keys(): string[];
}

function parse(raw: string | undefined): unknown {
    if (raw === undefined) return undefined;
    try {
        return JSON.parse(raw);
    } catch {
        return raw;
    }
}

/** Reads the `monitoring` namespace of the stack's configuration. */
export function pulumiConfigSource(namespace = "monitoring"): ConfigSource {
    const config = new pulumi.Config(namespace);
    return {
        value: (key) => parse(config.get(key)),
        secretText: (key) => config.get(key),
        keys: () =>
            Object.keys(pulumi.runtime.allConfig())
                .filter((k) => k.startsWith(`${namespace}:`))
                .map((k) => k.slice(namespace.length + 1)),
    };
}

/** A source over a plain object, as the tests and the README's examples write config. */
export function objectConfigSource(values: Record<string, unknown>): ConfigSource {
    return {
        value: (key) => values[key],
        secretText: (key) => {
            const v = values[key];
            return v === undefined ? undefined : String(v);
        },
        keys: () => Object.keys(values),
    };
}
