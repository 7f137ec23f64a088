import * as net from "net";
import { RE2JS } from "re2js";
import { ConfigError } from "./errors";

/**
 * Text formats checked as their consumers parse them: RE2 regexes (Go's regexp), Alertmanager
 * matchers, URLs, email addresses and CIDRs.
 */

const show = (value: unknown): string => JSON.stringify(value) ?? String(value);
// Line breaks and other control characters; a tab is ordinary text to every consumer here.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/** Why `pattern` is not an RE2 (Go regexp) pattern, or undefined when it is one. */
export function re2Error(pattern: string): string | undefined {
    try {
        RE2JS.compile(pattern);
        return undefined;
    } catch (err) {
        return (err instanceof Error ? err.message : String(err)).replace(/^error parsing regexp: /, "");
    }
}

/** Whether `text` matches `pattern` as a whole, the way Alertmanager and Prometheus anchor their regexes (RE2). */
export function re2FullMatch(pattern: string, text: string): boolean {
    return RE2JS.compile(`^(?:${pattern})$`).test(text);
}

/**
 * A regular expression in RE2 syntax, as Prometheus, Alertmanager and the exporters (Go's regexp)
 * compile it: `(?i)` flags work, lookaround and backreferences do not.
 */
export function regex(key: string, value: unknown): string {
    if (typeof value !== "string" || value === "") throw new ConfigError(key, `${show(value)} is not a regular expression`);
    const problem = re2Error(value);
    if (problem) throw new ConfigError(key, `${show(value)} is not an RE2 regular expression (${problem}); lookaround and backreferences are not supported`);
    return value;
}

// Alertmanager's matcher: a label name, an operator and a double-quoted value (\" and \\ escaped).
const MATCHER = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"$/;

/** An Alertmanager matcher such as notify_sms="true" or severity=~"critical|warning"; regexes must be RE2. */
export function matcher(key: string, value: unknown): string {
    const match = typeof value === "string" && !CONTROL.test(value) ? MATCHER.exec(value) : null;
    if (!match) throw new ConfigError(key, `${show(value)} is not a matcher; use e.g. notify_sms="true"`);
    if (match[2] === "=~" || match[2] === "!~") {
        const pattern = match[3].replace(/\\(["\\])/g, "$1");
        const problem = re2Error(`^(?:${pattern})$`);
        if (problem) throw new ConfigError(key, `${show(value)}: the regex is not RE2 (${problem})`);
    }
    return value as string;
}

/**
 * An http(s) URL without user or password: credentials would land in clear in a rendered file.
 * `credentialsHint` says where they go instead.
 */
export function url(key: string, value: unknown, schemes: readonly string[] = ["http", "https"], credentialsHint?: string): string {
    let parsed: URL | undefined;
    try {
        parsed = typeof value === "string" && !CONTROL.test(value) && !/\s/.test(value) ? new URL(value) : undefined;
    } catch {
        parsed = undefined;
    }
    if (!parsed || !schemes.includes(parsed.protocol.replace(/:$/, "")) || !parsed.hostname) {
        throw new ConfigError(key, `${show(value)} is not a URL; use e.g. ${schemes[0]}://api.example.com/health`);
    }
    if (parsed.username || parsed.password) {
        // The value is not shown: it holds a password.
        throw new ConfigError(key, `holds credentials (user:password@); they would be written in clear into a generated file. ${credentialsHint ?? "Remove them from the URL"}`);
    }
    return value as string;
}

// Alertmanager parses addresses with net/mail; `to` is also a template, so no {{ }} either.
const ADDRESS = /^[A-Za-z0-9._%+'-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const NAMED = /^[A-Za-z0-9 .'_-]+ <([^<>]+)>$/;

function isAddress(text: string): boolean {
    const named = NAMED.exec(text);
    return ADDRESS.test(named ? named[1] : text);
}

/** An email address, optionally with a display name: `alerts@example.com`, `Alerts <alerts@example.com>`. */
export function email(key: string, value: unknown): string {
    if (typeof value !== "string" || !isAddress(value.trim())) {
        throw new ConfigError(key, `${show(value)} is not an email address; use e.g. oncall@example.com`);
    }
    return value.trim();
}

/** One address or several separated by commas, as Alertmanager's email `to` takes. */
export function emailList(key: string, value: unknown): string {
    if (typeof value !== "string" || value.split(",").some((part) => !isAddress(part.trim()))) {
        throw new ConfigError(key, `${show(value)} is not an email address or a comma-separated list of them; use e.g. oncall@example.com`);
    }
    return value.split(",").map((part) => part.trim()).join(", ");
}

const IPV4_OCTET = /^(0|[1-9]\d{0,2})$/;

/** An IPv4 address as Go's net.ParseIP reads it: four decimal octets, no leading zeros. */
export function isIpv4(text: string): boolean {
    const parts = text.split(".");
    return parts.length === 4 && parts.every((p) => IPV4_OCTET.test(p) && Number(p) <= 255);
}

/** `10.0.0.0/8` or `fd00::/8`, parsed as the Kubernetes API and Go's net.ParseCIDR do. */
export function parseCidr(text: string): { family: 4 | 6; prefix: number } | undefined {
    const match = /^([^/]+)\/(0|[1-9]\d{0,2})$/.exec(text);
    if (!match) return undefined;
    const prefix = Number(match[2]);
    if (isIpv4(match[1])) return prefix <= 32 ? { family: 4, prefix } : undefined;
    if (net.isIPv6(match[1]) && !match[1].includes("%") && !match[1].includes(".")) return prefix <= 128 ? { family: 6, prefix } : undefined;
    return undefined;
}

export function cidr(key: string, value: unknown): string {
    if (typeof value !== "string" || !parseCidr(value)) {
        throw new ConfigError(key, `${show(value)} is not a CIDR; use e.g. 10.0.0.0/8 or fd00::/8`);
    }
    return value;
}

/**
 * Plain text for a credential file or a config value: no line breaks or other control
 * characters, which would add lines to the file that reads it. The value is never shown.
 */
export function singleLine(key: string, value: string, what = "value"): string {
    if (CONTROL.test(value)) throw new ConfigError(key, `the ${what} holds a line break or another control character; give it on one line`);
    return value;
}
