import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./errors";
import { scrapeTimeout } from "./targets";
import type { PlatformName } from "./types";
import * as v from "./validate";

/**
 * `monitoring:exporters`: each exporter plug-in (components/exporters/) owns its key under it, the
 * reader of its block and its secrets. This file only runs them: which key turns what on, the
 * scrape settings every block takes, and the checks common to all.
 */

/** A secret an exporter reads, set with `pulumi config set --secret monitoring:<key>`. */
export interface ExporterSecret {
    readonly key: string;
    /** One line: what it holds; Pulumi.yaml declares it with these words (a test checks). */
    readonly description: string;
    /** A value of the right shape, shown in the error when a reader requires it and it is missing. */
    readonly example: string;
    /** Checks the value's shape without ever showing it; throws a ConfigError naming `key`. */
    readonly check?: (key: string, text: string) => void;
    /** What the offline render uses when the stack file holds the value encrypted. */
    readonly standIn: string;
}

/** A secret as a reader gets it: plain text for shape and port checks only, and the secret Output the exporter uses. */
export interface SecretValue {
    readonly text: string;
    readonly value: pulumi.Output<string>;
}

/** What a reader gets besides its block. */
export interface ExporterReadContext {
    /** `exporters.<configKey>`, for error messages. */
    readonly key: string;
    readonly platform: PlatformName;
    /** One of the exporter's own secrets, when it is set. */
    secret(key: string): SecretValue | undefined;
    /** One of its own secrets that it cannot run without: a ConfigError saying how to set it when missing. */
    requiredSecret(key: string): SecretValue;
}

/** The part of an exporter plug-in that config/ reads. */
export interface ExporterConfigPart<S> {
    /** Service and scrape job name. */
    readonly name: string;
    /** Its key under monitoring:exporters. */
    readonly configKey: string;
    /** The fields of its block besides scrapeInterval and scrapeTimeout; `true` stands for a block with none. */
    readonly fields: readonly string[];
    /** Its block in one line for Pulumi.yaml and docs, e.g. `{address, user}`. */
    readonly synopsis: string;
    /** Where it can run; elsewhere turning it on is an error saying why. */
    readonly platforms?: { readonly only: PlatformName; readonly why: string };
    /** Whether it runs when its key is absent: the node exporter does everywhere, cAdvisor on Docker. */
    readonly onByDefault?: (platform: PlatformName) => boolean;
    readonly secrets?: readonly ExporterSecret[];
    /** Reads and checks its block (an empty one for `true`) into its settings. */
    read(block: Readonly<Record<string, unknown>>, context: ExporterReadContext): S;
}

/** Which exporters run, with the settings their readers made, and their scrape settings. */
export interface ExportersConfig {
    /** Settings of each exporter that runs, by its config key. Read them with `settingsOf`. */
    readonly running: ReadonlyMap<string, unknown>;
    /** Scrape interval and timeout of an exporter's jobs, by its key under monitoring:exporters. */
    readonly scrape: Readonly<Record<string, ScrapeSettings>>;
}

/** `scrapeInterval` / `scrapeTimeout` of one exporter; absent: the global interval, Prometheus' timeout. */
export interface ScrapeSettings {
    readonly interval?: string;
    readonly timeout?: string;
}

const SCRAPE_FIELDS = ["scrapeInterval", "scrapeTimeout"];

export interface ExportersContext {
    readonly platform: PlatformName;
    /** The exporters' secrets that are set, by key. */
    secret(key: string): SecretValue | undefined;
    /** `monitoring:scrapeInterval`, which an exporter's timeout must not exceed unless it has its own interval. */
    readonly scrapeInterval: string;
}

/** The settings an exporter's reader made, when it runs. */
export function settingsOf<S>(exporters: ExportersConfig, exporter: ExporterConfigPart<S>): S | undefined {
    // The reader of this very exporter made the value: its type is S.
    return exporters.running.get(exporter.configKey) as S | undefined;
}

export function readExporters(raw: unknown, registry: readonly ExporterConfigPart<unknown>[], context: ExportersContext): ExportersConfig {
    const key = "exporters";
    const obj = v.fields(
        key,
        raw ?? {},
        registry.map((e) => e.configKey),
    );
    const running = new Map<string, unknown>();
    for (const exporter of registry) {
        const blockKey = `${key}.${exporter.configKey}`;
        const block = readBlock(blockKey, obj[exporter.configKey], exporter, context.platform);
        if (!block) continue;
        if (exporter.platforms && exporter.platforms.only !== context.platform) throw new ConfigError(blockKey, exporter.platforms.why);
        const own = (name: string): ExporterSecret => {
            const declared = exporter.secrets?.find((s) => s.key === name);
            if (!declared) throw new Error(`internal: exporter ${exporter.name} reads the secret ${name} it does not declare`);
            return declared;
        };
        const secret = (name: string) => context.secret(own(name).key);
        const requiredSecret = (name: string): SecretValue => {
            const value = secret(name);
            if (value) return value;
            throw new ConfigError(
                name,
                `is required when monitoring:${blockKey} is set; run: pulumi config set --secret monitoring:${name} ${own(name).example}`,
            );
        };
        running.set(exporter.configKey, exporter.read(block, { key: blockKey, platform: context.platform, secret, requiredSecret }));
    }
    return { running, scrape: readScrapeSettings(key, obj, context.scrapeInterval) };
}

/**
 * An exporter's block: absent is its default, `false` turns it off, `true` or a block turns it on.
 * Returns the block's fields (none for `true`), or undefined when it is off.
 */
function readBlock(key: string, raw: unknown, exporter: ExporterConfigPart<unknown>, platform: PlatformName): Record<string, unknown> | undefined {
    if (raw === undefined || raw === null) return exporter.onByDefault?.(platform) ? {} : undefined;
    if (raw === false || raw === "false") return undefined;
    if (raw === true || raw === "true") return {};
    if (typeof raw !== "object" || Array.isArray(raw)) {
        throw new ConfigError(key, `${JSON.stringify(raw)} is neither true, false nor a block ${exporter.synopsis}`);
    }
    return v.fields(key, raw, [...exporter.fields, ...SCRAPE_FIELDS]);
}

/** Each exporter block's `scrapeInterval` and `scrapeTimeout`; a timeout above the interval it runs at is an error. */
function readScrapeSettings(key: string, obj: Record<string, unknown>, globalInterval: string): Record<string, ScrapeSettings> {
    const out: Record<string, ScrapeSettings> = {};
    for (const [name, raw] of Object.entries(obj)) {
        if (typeof raw !== "object" || raw === null || Array.isArray(raw)) continue;
        const fields = raw as Record<string, unknown>;
        const interval = v.optional(fields.scrapeInterval, undefined, (x) => v.duration(`${key}.${name}.scrapeInterval`, x));
        const timeout = v.optional(fields.scrapeTimeout, undefined, (x) => scrapeTimeout(`${key}.${name}.scrapeTimeout`, x, interval ?? globalInterval));
        if (interval || timeout) out[name] = { interval, timeout };
    }
    return out;
}
