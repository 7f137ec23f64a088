import * as endpoints from "./endpoints";
import { ConfigError } from "./errors";
import { isIpv4, singleLine } from "./formats";

export { duration, durationMs, goDuration, quantity, quantityValue, size, sizeBytes } from "./units";
export { cidr, email, emailList, matcher, regex, singleLine, url } from "./formats";

/** Reads one value of the raw configuration tree, so every check can name its key. */
export type Raw = unknown;

function show(value: unknown): string {
    return typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
}

export function optional<T>(value: Raw, fallback: T, read: (value: Raw) => T): T {
    return value === undefined || value === null ? fallback : read(value);
}

export function string(key: string, value: Raw): string {
    if (typeof value !== "string" || value.trim() === "") {
        throw new ConfigError(key, `${show(value)} is not a non-empty string`);
    }
    return singleLine(key, value, "text");
}

export function oneOf<T extends string>(key: string, value: Raw, choices: readonly T[]): T {
    if (typeof value !== "string" || !choices.includes(value as T)) {
        throw new ConfigError(key, `${show(value)} is not one of ${choices.join(" | ")}`);
    }
    return value as T;
}

export function boolean(key: string, value: Raw): boolean {
    if (value === true || value === "true") return true;
    if (value === false || value === "false") return false;
    throw new ConfigError(key, `${show(value)} is not a boolean; use true or false`);
}

export function number(key: string, value: Raw, opts: { min?: number; max?: number; integer?: boolean } = {}): number {
    const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
    const kind = opts.integer ? "a whole number" : "a number";
    if (typeof n !== "number" || !Number.isFinite(n) || (opts.integer && !Number.isInteger(n))) {
        throw new ConfigError(key, `${show(value)} is not ${kind}`);
    }
    if (opts.min !== undefined && n < opts.min) throw new ConfigError(key, `${n} is below the minimum ${opts.min}`);
    if (opts.max !== undefined && n > opts.max) throw new ConfigError(key, `${n} is above the maximum ${opts.max}`);
    return n;
}

export function port(key: string, value: Raw): number {
    return number(key, value, { min: 1, max: 65535, integer: true });
}

export function ipv4(key: string, value: Raw): string {
    if (typeof value !== "string" || !isIpv4(value)) {
        throw new ConfigError(key, `${show(value)} is not an IPv4 address; use e.g. 127.0.0.1`);
    }
    return value;
}

/** `host:port`, the form Prometheus static targets and SMTP smarthosts take, kept as written (config/endpoints.ts takes it apart). */
export function hostPort(key: string, value: Raw): string {
    endpoints.hostPort(key, value);
    return value as string;
}

export function urlPath(key: string, value: Raw): string {
    if (typeof value !== "string" || !/^\/[^\s?#]*$/.test(value)) {
        throw new ConfigError(key, `${show(value)} is not a URL path; use e.g. /metrics`);
    }
    return value;
}

/** A Prometheus label name (also job names are kept to this shape so they read well in queries). */
export function labelName(key: string, value: Raw): string {
    if (typeof value !== "string" || !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(value)) {
        throw new ConfigError(key, `${show(value)} is not a label name; use letters, digits and _`);
    }
    return value;
}

export function jobName(key: string, value: Raw): string {
    if (typeof value !== "string" || !/^[a-zA-Z_][a-zA-Z0-9_.-]*$/.test(value)) {
        throw new ConfigError(key, `${show(value)} is not a job name; use letters, digits, _, . and -`);
    }
    return value;
}

export function object(key: string, value: Raw): Record<string, Raw> {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new ConfigError(key, `${show(value)} is not an object`);
    }
    return value as Record<string, Raw>;
}

/** An object whose keys must all be known: a typo in a key is an error, not a silent default. */
export function fields(key: string, value: Raw, known: readonly string[]): Record<string, Raw> {
    const obj = object(key, value);
    for (const field of Object.keys(obj)) {
        if (!known.includes(field)) {
            throw new ConfigError(`${key}.${field}`, `unknown key; expected one of ${known.join(", ")}`);
        }
    }
    return obj;
}

export function list<T>(key: string, value: Raw, item: (key: string, value: Raw) => T, opts: { nonEmpty?: boolean } = {}): T[] {
    if (!Array.isArray(value)) throw new ConfigError(key, `${show(value)} is not a list`);
    if (opts.nonEmpty && value.length === 0) throw new ConfigError(key, "is empty; give at least one entry");
    return value.map((v, i) => item(`${key}[${i}]`, v));
}

export function unique(key: string, values: string[], what: string): void {
    const seen = new Set<string>();
    for (const v of values) {
        if (seen.has(v)) throw new ConfigError(key, `${what} ${JSON.stringify(v)} appears twice; each must be unique`);
        seen.add(v);
    }
}
