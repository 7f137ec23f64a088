import { ConfigError } from "./errors";
import * as v from "./validate";

/** How the user's services label http_requests_total and http_request_duration_seconds. */
export interface HttpConfig {
    /** The label holding the status code (`code` in client_golang, `status` in some libraries). */
    readonly statusLabel: string;
    /** The label holding the route template (`route`, `handler`, `path`, ...). */
    readonly routeLabel: string;
}

export function readHttp(raw: unknown): HttpConfig {
    const key = "http";
    const obj = v.fields(key, raw ?? {}, ["statusLabel", "routeLabel"]);
    const http = {
        statusLabel: v.optional(obj.statusLabel, "code", (x) => v.labelName(`${key}.statusLabel`, x)),
        routeLabel: v.optional(obj.routeLabel, "route", (x) => v.labelName(`${key}.routeLabel`, x)),
    };
    for (const [field, label] of Object.entries(http)) {
        if (["job", "instance", "le", "__name__"].includes(label)) {
            throw new ConfigError(`${key}.${field}`, `"${label}" is a label the rules already use for something else`);
        }
    }
    if (http.statusLabel === http.routeLabel) {
        throw new ConfigError(`${key}.routeLabel`, `"${http.routeLabel}" is also the status label; they must differ`);
    }
    return http;
}

export const DEFAULT_RUNBOOK_BASE_URL = "https://github.com/your-org/monitoring/blob/main/";

/** Where RUNBOOK.md is browsable; alerts link to `<base>RUNBOOK.md#<alert>`. */
export function readRunbookBaseUrl(raw: unknown): string {
    const key = "runbookBaseUrl";
    const base = v.optional(raw, DEFAULT_RUNBOOK_BASE_URL, (x) => v.url(key, x));
    if (!base.endsWith("/")) {
        throw new ConfigError(key, `${JSON.stringify(base)} must end with /; use e.g. https://github.com/acme/monitoring/blob/main/`);
    }
    return base;
}
