import { ConfigError } from "./errors";

/** Reads one value of the raw configuration tree, so every check can name its key. */
export type Raw = unknown;

const DURATION = /^(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/;
const DURATION_MS: Record<string, number> = { y: 31536e6, w: 6048e5, d: 864e5, h: 36e5, m: 6e4, s: 1e3, ms: 1 };
const SIZE = /^(\d+(?:\.\d+)?)(B|KB|MB|GB|TB|PB|EB)$/;
const K8S_QUANTITY = /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;

function show(value: unknown): string {
    return typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
}

export function optional<T>(value: Raw, fallback: T, read: (value: Raw) => T): T {
    return value === undefined || value === null ? fallback : read(value);
}

export function string(key: string, value: Raw): string {
    if (typeof value !== "string" || value.trim() === "") {
        throw new ConfigError(key, `${show(value)} is not a non-empty string`);
    }
    return value;
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

/** A Prometheus duration such as 15s, 1h30m or 30d; zero is refused. */
export function duration(key: string, value: Raw): string {
    if (typeof value !== "string" || value === "" || !DURATION.test(value) || durationMs(value) === 0) {
        throw new ConfigError(key, `${show(value)} is not a duration; use e.g. 15s, 5m, 12h or 30d`);
    }
    return value;
}

export function durationMs(value: string): number {
    let total = 0;
    for (const [, amount, unit] of value.matchAll(/(\d+)(ms|y|w|d|h|m|s)/g)) total += Number(amount) * DURATION_MS[unit];
    return total;
}

/** A Prometheus byte size such as 512MB or 50GB. */
export function size(key: string, value: Raw): string {
    const match = typeof value === "string" ? SIZE.exec(value) : null;
    if (!match || Number(match[1]) <= 0) {
        throw new ConfigError(key, `${show(value)} is not a size; use e.g. 50GB`);
    }
    return value as string;
}

/** A Kubernetes quantity such as 20Gi or 500M (volume sizes, memory). */
export function quantity(key: string, value: Raw): string {
    if (typeof value !== "string" || !K8S_QUANTITY.test(value) || parseFloat(value) <= 0) {
        throw new ConfigError(key, `${show(value)} is not a storage size; use e.g. 20Gi`);
    }
    return value;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

export function ipv4(key: string, value: Raw): string {
    if (typeof value !== "string" || !IPV4.test(value)) {
        throw new ConfigError(key, `${show(value)} is not an IPv4 address; use e.g. 127.0.0.1`);
    }
    return value;
}

const HOST = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)$/;

/** `host:port`, the form Prometheus static targets and SMTP smarthosts take. */
export function hostPort(key: string, value: Raw): string {
    const match = typeof value === "string" ? /^(.+):(\d+)$/.exec(value) : null;
    if (!match || !HOST.test(match[1]) || Number(match[2]) < 1 || Number(match[2]) > 65535) {
        throw new ConfigError(key, `${show(value)} is not host:port; use e.g. host.docker.internal:8080`);
    }
    return value as string;
}

export function url(key: string, value: Raw, schemes: readonly string[] = ["http", "https"]): string {
    let parsed: URL | undefined;
    try {
        parsed = typeof value === "string" ? new URL(value) : undefined;
    } catch {
        parsed = undefined;
    }
    if (!parsed || !schemes.includes(parsed.protocol.replace(/:$/, "")) || !parsed.hostname) {
        throw new ConfigError(key, `${show(value)} is not a URL; use e.g. ${schemes[0]}://api.example.com/health`);
    }
    return value as string;
}

export function urlPath(key: string, value: Raw): string {
    if (typeof value !== "string" || !/^\/[^\s?#]*$/.test(value)) {
        throw new ConfigError(key, `${show(value)} is not a URL path; use e.g. /metrics`);
    }
    return value;
}

export function email(key: string, value: Raw): string {
    if (typeof value !== "string" || !/^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/.test(value)) {
        throw new ConfigError(key, `${show(value)} is not an email address; use e.g. oncall@example.com`);
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

/** An Alertmanager matcher such as notify_sms="true" or severity=~"critical|warning". */
export function matcher(key: string, value: Raw): string {
    if (typeof value !== "string" || !/^[a-zA-Z_][a-zA-Z0-9_]*\s*(=|!=|=~|!~)\s*"[^"]*"$/.test(value)) {
        throw new ConfigError(key, `${show(value)} is not a matcher; use e.g. notify_sms="true"`);
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
