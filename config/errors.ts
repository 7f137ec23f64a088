/**
 * A mistake in the stack configuration. The message always starts with the full key
 * (`monitoring:retention.size`) so the user knows what to change.
 */
export class ConfigError extends Error {
    constructor(
        public readonly key: string,
        detail: string,
    ) {
        super(`monitoring:${key}: ${detail}`);
        this.name = "ConfigError";
    }
}
