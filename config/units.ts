import { ConfigError } from "./errors";

/**
 * Durations, byte sizes and Kubernetes quantities, each checked by the rules of the program that
 * reads it: a value we accept is one the consumer accepts too.
 */

const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

// Prometheus' model.ParseDuration: units in this order, each at most once, integers only.
const PROMETHEUS_DURATION = /^(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/;
const UNIT_MS: Record<string, bigint> = { y: 31536000000n, w: 604800000n, d: 86400000n, h: 3600000n, m: 60000n, s: 1000n, ms: 1n };
/** Both Prometheus' model.Duration and Go's time.Duration count nanoseconds in an int64. */
const MAX_NANOSECONDS = 2n ** 63n - 1n;

function durationNs(value: string): bigint {
    let total = 0n;
    for (const [, amount, unit] of value.matchAll(/(\d+)(ms|y|w|d|h|m|s)/g)) total += BigInt(amount) * UNIT_MS[unit] * 1000000n;
    return total;
}

/**
 * A Prometheus duration such as 15s, 1h30m or 30d (model.Duration: ms, s, m, h, d, w, y); zero is
 * refused, and so is anything past the ~292 years an int64 of nanoseconds holds.
 */
export function duration(key: string, value: unknown): string {
    if (typeof value !== "string" || value === "" || !PROMETHEUS_DURATION.test(value) || durationNs(value) === 0n) {
        throw new ConfigError(key, `${show(value)} is not a duration; use e.g. 15s, 5m, 12h or 30d`);
    }
    if (durationNs(value) > MAX_NANOSECONDS) {
        throw new ConfigError(key, `${value} is longer than the 292 years a duration can hold; use e.g. 10y`);
    }
    return value;
}

/** Milliseconds of a duration `duration()` accepted. */
export function durationMs(value: string): number {
    return Number(durationNs(value) / 1000000n);
}

/**
 * The same length written for Go's time.ParseDuration (flags such as Alertmanager's
 * `--data.retention`, the blackbox exporter's module timeout), which knows no d, w or y:
 * 7d -> 168h, 90s -> 1m30s.
 */
export function goDuration(prometheusDuration: string): string {
    let ms = BigInt(durationMs(prometheusDuration));
    let out = "";
    for (const [unit, size] of [["h", 3600000n], ["m", 60000n], ["s", 1000n], ["ms", 1n]] as const) {
        if (ms >= size) {
            out += `${ms / size}${unit}`;
            ms %= size;
        }
    }
    return out;
}

// Prometheus' --storage.tsdb.retention.size is a units.Base2Bytes: B, KB ... EB, powers of 1024.
const SIZE = /^(\d+(?:\.\d+)?)(B|KB|MB|GB|TB|PB|EB)$/;
const SIZE_POWER: Record<string, number> = { B: 0, KB: 1, MB: 2, GB: 3, TB: 4, PB: 5, EB: 6 };

/** Bytes of a size `size()` accepted (1KB = 1024 bytes, as Prometheus reads it). */
export function sizeBytes(value: string): number {
    const match = SIZE.exec(value)!;
    return Number(match[1]) * 1024 ** SIZE_POWER[match[2]];
}

/** A byte size such as 512MB or 50GB, above zero and below the 8EB an int64 of bytes holds. */
export function size(key: string, value: unknown): string {
    const match = typeof value === "string" ? SIZE.exec(value) : null;
    if (!match || Number(match[1]) <= 0) {
        throw new ConfigError(key, `${show(value)} is not a size; use e.g. 50GB`);
    }
    if (sizeBytes(value as string) >= 2 ** 63) {
        throw new ConfigError(key, `${value} is more than the 8EB a size can hold; use e.g. 500TB`);
    }
    return value as string;
}

// The Kubernetes quantity grammar (k8s.io/apimachinery resource.Quantity), signs left out.
const QUANTITY = /^(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
const QUANTITY_SUFFIX: Record<string, number> = {
    "": 1, n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
    Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** The value of a Kubernetes quantity (`500m` -> 0.5, `1Gi` -> 1073741824), or undefined when it is not one. */
export function quantityValue(value: unknown): number | undefined {
    const match = typeof value === "string" ? QUANTITY.exec(value) : null;
    if (!match) return undefined;
    const suffix = match[2] ?? "";
    const scale = /^[eE][+-]?\d+$/.test(suffix) ? 10 ** Number(suffix.slice(1)) : QUANTITY_SUFFIX[suffix];
    const n = Number(match[1]) * scale;
    return Number.isFinite(n) ? n : undefined;
}

/**
 * A Kubernetes quantity above zero, as the API server reads it: `20Gi`, `500M`, `250m`, `1.5`.
 * `what` names the kind of value in the message, `example` shows one.
 */
export function quantity(key: string, value: unknown, what = "storage size", example = "20Gi"): string {
    const n = quantityValue(value);
    if (n === undefined || n <= 0) {
        throw new ConfigError(key, `${show(value)} is not a ${what}; use e.g. ${example}`);
    }
    // The API server refuses quantities past 2^63 in their smallest unit.
    if (n >= 2 ** 63 / 1000) throw new ConfigError(key, `${value} is more than Kubernetes accepts; use e.g. ${example}`);
    return value as string;
}
