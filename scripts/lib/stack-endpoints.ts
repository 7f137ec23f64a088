// Where the operating scripts (smoke, test-alert, backup, restore) find the running stack:
// flags first, then password environment variables, then `pulumi stack output`.
import { execFile } from "child_process";

/** The user basic auth expects on Prometheus and Alertmanager, and Grafana's admin (components/passwords.ts). */
export const ADMIN_USER = "admin";

export type ServiceName = "prometheus" | "alertmanager" | "grafana" | "loki";

/** One service of the stack: its base URL and, when it wants one, the password of user `admin`. */
export interface ServiceEndpoint {
    readonly url: string;
    readonly password?: string;
}

export interface StackEndpoints {
    /** The Pulumi stack, when one was named. */
    readonly stack?: string;
    readonly services: Partial<Record<ServiceName, ServiceEndpoint>>;
}

/** `util.parseArgs` options every script shares. */
export const ENDPOINT_OPTIONS = {
    stack: { type: "string" },
    "prometheus-url": { type: "string" },
    "alertmanager-url": { type: "string" },
    "grafana-url": { type: "string" },
    "loki-url": { type: "string" },
    "prometheus-password": { type: "string" },
    "alertmanager-password": { type: "string" },
    "grafana-password": { type: "string" },
} as const;

export type EndpointFlags = Partial<Record<keyof typeof ENDPOINT_OPTIONS, string | boolean>>;

/** Environment variables read for passwords: safer than flags, which `ps` shows. */
export const PASSWORD_ENV: Record<Exclude<ServiceName, "loki">, string> = {
    prometheus: "PROMETHEUS_PASSWORD",
    alertmanager: "ALERTMANAGER_PASSWORD",
    grafana: "GRAFANA_PASSWORD",
};

/** The stack outputs each service is read from (components/program.ts). */
const OUTPUT_KEYS: Record<ServiceName, { url: string; password?: string }> = {
    prometheus: { url: "prometheusUrl", password: "prometheusPassword" },
    alertmanager: { url: "alertmanagerUrl", password: "alertmanagerPassword" },
    grafana: { url: "grafanaUrl", password: "grafanaAdminPassword" },
    loki: { url: "lokiUrl" },
};

const URL_FLAGS_USAGE =
    "--prometheus-url/--alertmanager-url/--grafana-url/--loki-url URL, " + `passwords in ${Object.values(PASSWORD_ENV).join(", ")} or --<service>-password`;

export const ENDPOINT_USAGE = `--stack NAME (reads \`pulumi stack output\`), or ${URL_FLAGS_USAGE}`;

/** A problem finding the stack; its message is meant for the user as is. */
export class EndpointError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "EndpointError";
    }
}

export type StackOutputReader = (stack: string) => Promise<Record<string, unknown>>;

/** `pulumi stack output --json --show-secrets --stack <stack>`, run in the project folder. */
export const pulumiStackOutputs: StackOutputReader = (stack) =>
    new Promise((resolve, reject) => {
        const args = ["stack", "output", "--json", "--show-secrets", "--stack", stack];
        execFile("pulumi", args, { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
            if (err && (err as NodeJS.ErrnoException).code === "ENOENT") {
                reject(new EndpointError(`the pulumi CLI is not on PATH; install it, or pass ${URL_FLAGS_USAGE}`));
            } else if (err) {
                reject(new EndpointError(`pulumi stack output --stack ${stack} failed: ${stderr.trim() || err.message}`));
            } else {
                try {
                    resolve(JSON.parse(stdout) as Record<string, unknown>);
                } catch {
                    reject(new EndpointError(`pulumi stack output --stack ${stack} did not print JSON`));
                }
            }
        });
    });

function flag(values: EndpointFlags, name: string): string | undefined {
    const value = values[name as keyof EndpointFlags];
    return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * The endpoints of the services a script needs (`required`) plus any optional ones known.
 * Flags win over environment variables, which win over stack outputs; `pulumi` runs only
 * when something required is still missing.
 */
export async function resolveEndpoints(
    values: EndpointFlags,
    required: ServiceName[],
    optional: ServiceName[] = [],
    env: NodeJS.ProcessEnv = process.env,
    readOutputs: StackOutputReader = pulumiStackOutputs,
): Promise<StackEndpoints> {
    const stack = flag(values, "stack");
    const local = (service: ServiceName): Partial<ServiceEndpoint> => ({
        url: flag(values, `${service}-url`),
        password: flag(values, `${service}-password`) ?? (service === "loki" ? undefined : env[PASSWORD_ENV[service]] || undefined),
    });
    const wanted = [...required, ...optional.filter((s) => !required.includes(s))];
    const incomplete = (service: ServiceName, found: Partial<ServiceEndpoint>): boolean =>
        !found.url || (OUTPUT_KEYS[service].password !== undefined && !found.password);

    let outputs: Record<string, unknown> = {};
    if (stack && wanted.some((s) => incomplete(s, local(s)))) {
        outputs = await readOutputs(stack);
    }
    const output = (key: string | undefined): string | undefined => {
        const value = key ? outputs[key] : undefined;
        return typeof value === "string" && value !== "" ? value : undefined;
    };

    const services: StackEndpoints["services"] = {};
    for (const service of wanted) {
        const found = local(service);
        const url = found.url ?? output(OUTPUT_KEYS[service].url);
        const password = found.password ?? output(OUTPUT_KEYS[service].password);
        if (url) {
            services[service] = { url: url.replace(/\/+$/, ""), ...(password ? { password } : {}) };
        } else if (required.includes(service)) {
            throw new EndpointError(
                stack ? `stack ${stack} has no output ${OUTPUT_KEYS[service].url}; pass --${service}-url` : `no ${service} URL: pass ${ENDPOINT_USAGE}`,
            );
        }
    }
    return { stack, services };
}

/** Every password known, to scrub from anything printed. */
export function secretsOf(endpoints: StackEndpoints): string[] {
    return Object.values(endpoints.services).flatMap((s) => (s?.password ? [s.password] : []));
}

/** Replaces every known secret in `text` by `***`. */
export function scrub(text: string, secrets: string[]): string {
    return secrets.filter((s) => s.length > 0).reduce((out, secret) => out.split(secret).join("***"), text);
}

export interface ServiceResponse {
    readonly status: number;
    readonly text: string;
}

/** Thrown when the service cannot be reached at all (refused, timed out, bad address). */
export class UnreachableError extends Error {
    constructor(url: string, cause: string) {
        super(`${url} unreachable: ${cause}`);
        this.name = "UnreachableError";
    }
}

/** Why fetch failed, in the words of the socket: `ECONNREFUSED 127.0.0.1:19090`, `timed out after 5s`. */
function fetchFailure(err: unknown, timeoutMs: number): string {
    if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")) {
        return `timed out after ${timeoutMs / 1000}s`;
    }
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}

/**
 * One HTTP request to a service, with basic auth when it has a password. Never puts the
 * password in the URL, so no error message can carry it.
 */
export async function callService(
    endpoint: ServiceEndpoint,
    path: string,
    init: { method?: string; body?: unknown; timeoutMs?: number; anonymous?: boolean } = {},
): Promise<ServiceResponse> {
    const timeoutMs = init.timeoutMs ?? 10_000;
    const headers: Record<string, string> = { Accept: "application/json" };
    if (endpoint.password !== undefined && !init.anonymous) {
        headers.Authorization = `Basic ${Buffer.from(`${ADMIN_USER}:${endpoint.password}`).toString("base64")}`;
    }
    if (init.body !== undefined) headers["Content-Type"] = "application/json";
    const url = `${endpoint.url}${path}`;
    try {
        const res = await fetch(url, {
            method: init.method ?? "GET",
            headers,
            body: init.body === undefined ? undefined : JSON.stringify(init.body),
            signal: AbortSignal.timeout(timeoutMs),
        });
        return { status: res.status, text: await res.text() };
    } catch (err) {
        throw new UnreachableError(url, fetchFailure(err, timeoutMs));
    }
}

/** `callService` that wants a 2xx JSON answer; anything else throws with the status and body. */
export async function callServiceJson<T>(endpoint: ServiceEndpoint, path: string, init: Parameters<typeof callService>[2] = {}): Promise<T> {
    const res = await callService(endpoint, path, init);
    if (res.status < 200 || res.status > 299) {
        throw new HttpStatusError(`${init.method ?? "GET"} ${path}`, res);
    }
    if (res.text.trim() === "") return undefined as T;
    try {
        return JSON.parse(res.text) as T;
    } catch {
        throw new HttpStatusError(`${init.method ?? "GET"} ${path} (not JSON)`, res);
    }
}

/** A service answered, but not with success. */
export class HttpStatusError extends Error {
    constructor(
        what: string,
        public readonly response: ServiceResponse,
    ) {
        super(`${what}: HTTP ${response.status}${statusHint(response.status)} ${oneLine(response.text)}`.trimEnd());
        this.name = "HttpStatusError";
    }
}

function statusHint(status: number): string {
    return status === 401 ? " (wrong or missing password for user admin)" : "";
}

/** A response body squeezed to one short line for a report. */
export function oneLine(text: string, max = 160): string {
    const line = text.replace(/\s+/g, " ").trim();
    return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The message of any error, for the user. */
export function errorMessage(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}

/** What a script prints when it fails: the message, and the usage when the command line was wrong. */
export function failureMessage(script: string, err: unknown, usage: string): string {
    if (err instanceof EndpointError) return err.message;
    const badArgs = String((err as { code?: unknown }).code ?? "").startsWith("ERR_PARSE_ARGS");
    return `${script}: ${oneLine(errorMessage(err), 400)}${badArgs ? `\n${usage}` : ""}`;
}

/** Runs a command's `main` and exits with its code; an unexpected failure prints one line and exits 2. */
export function runCommand(script: string, main: () => Promise<number>, usage: string): void {
    main().then(
        (code) => process.exit(code),
        (err) => {
            console.error(failureMessage(script, err, usage));
            process.exit(2);
        },
    );
}
