import { ConfigError } from "./errors";

/**
 * The one place that takes network endpoints apart: `host:port`, http(s) URLs and database URLs
 * (DSNs). Validation reads them here, and so do the NetworkPolicies (which port a service dials),
 * so a value that passes validation is read the same way where it is used.
 */

const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

/** A DNS name or IP literal (IPv6 in brackets), as Go's net.SplitHostPort leaves it. */
const HOST = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)$/;
const HOST_PORT = /^(.+):(\d{1,5})$/;

export interface Endpoint {
    readonly host: string;
    readonly port: number;
}

const validPort = (port: number): boolean => Number.isInteger(port) && port >= 1 && port <= 65535;

/** Whether `text` is a host name or IP literal without a port. */
export function isHost(text: string): boolean {
    return HOST.test(text);
}

/** `host:port`, as Prometheus targets, Redis and Kafka addresses are written. */
export function hostPort(key: string, value: unknown): Endpoint {
    const match = typeof value === "string" ? HOST_PORT.exec(value) : null;
    if (!match || !HOST.test(match[1]) || !validPort(Number(match[2]))) {
        throw new ConfigError(key, `${show(value)} is not host:port; use e.g. host.docker.internal:8080`);
    }
    return { host: match[1], port: Number(match[2]) };
}

/**
 * The port a validated address dials: `host:port`, or an http(s) URL (its port, else 443 or 80).
 * For values checked at load; a malformed one is a bug, not a user mistake.
 */
export function portOf(address: string): number {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(address)) {
        const url = new URL(address);
        return url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
    }
    const match = HOST_PORT.exec(address);
    if (!match) throw new Error(`internal: ${show(address)} has no port`);
    return Number(match[2]);
}

/** The parts of `scheme://user:password@host:port/database?params`, percent-decoded where the consumer decodes them. */
export interface DatabaseUrl extends Endpoint {
    readonly user: string;
    readonly password: string;
    /** `host:port/database?params` as written, without scheme or credentials. */
    readonly uri: string;
    readonly database?: string;
    /** The query string as written, with its `?`; empty when there is none. */
    readonly query: string;
}

export interface DatabaseUrlKind {
    /** URL schemes the consumer takes, the first one shown in examples. */
    readonly schemes: readonly string[];
    readonly defaultPort: number;
    readonly requireDatabase?: boolean;
}

export const POSTGRES_URL: DatabaseUrlKind = { schemes: ["postgresql", "postgres"], defaultPort: 5432 };

const DATABASE_URL = /^([a-z]+):\/\/([^:@/?#\s]+)(?::([^@/?#\s]*))?@(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?(?:\/([^?#\s]*))?(\?[^#\s]*)?$/;

/**
 * Parses a database URL as libpq and Go's database drivers do. Throws a ConfigError naming `key`
 * that never shows the value (it holds a password).
 */
export function databaseUrl(key: string, text: string, kind: DatabaseUrlKind): DatabaseUrl {
    const example = `${kind.schemes[0]}://user:password@host:${kind.defaultPort}/db`;
    const match = DATABASE_URL.exec(text);
    if (!match || !kind.schemes.includes(match[1])) {
        throw new ConfigError(key, `the secret value is not a URL like ${example} (a user is required; percent-encode @, : and / in the password)`);
    }
    const [, , user, password, host, port, database, query] = match;
    const decode = (part: string | undefined, what: string): string | undefined => {
        if (part === undefined) return undefined;
        try {
            return decodeURIComponent(part);
        } catch {
            throw new ConfigError(key, `the ${what} in the secret value holds a % that does not start a percent-encoded byte; write a literal % as %25`);
        }
    };
    const portNumber = port === undefined ? kind.defaultPort : Number(port);
    if (!validPort(portNumber)) throw new ConfigError(key, "the port in the secret value is not between 1 and 65535");
    const db = decode(database, "database name");
    if (kind.requireDatabase && !db) throw new ConfigError(key, `the secret value names no database; use e.g. ${example}`);
    const hostPortText = port === undefined ? host : `${host}:${port}`;
    return {
        user: decode(user, "user")!,
        password: decode(password, "password") ?? "",
        host,
        port: portNumber,
        uri: `${hostPortText}${database !== undefined ? `/${database}` : ""}${query ?? ""}`,
        database: db,
        query: query ?? "",
    };
}
