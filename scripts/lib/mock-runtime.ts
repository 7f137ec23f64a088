import * as bcrypt from "bcryptjs";
import * as pulumi from "@pulumi/pulumi";
import { getMonitor } from "@pulumi/pulumi/runtime/settings";

// Internal to the SDK (not in its typings): resolves when every outstanding registration is done.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a module path the typings do not export
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> };

/** One resource the program registered, with its inputs as the engine would receive them. */
export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    /** Name of the parent resource; absent for top-level resources. */
    readonly parent?: string;
    readonly custom: boolean;
    /** The URN the engine gives it: stack, project, the type chain of its parents and its name. */
    readonly urn: string;
    /** URNs it answers to as well (its `aliases`, resolved as the engine does): a resource found under one is not replaced. */
    readonly aliases: string[];
    /** Inputs with every secret value replaced by the string `[secret]`. */
    readonly inputs: Record<string, unknown>;
}

// Markers of Pulumi's wire format (sdk/nodejs/runtime/rpc.ts).
const SPECIAL_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export const SECRET_PLACEHOLDER = "[secret]";

/** Replaces secret values by `[secret]` and unknowns by `[unknown]`, recursively. */
function redact(value: unknown): unknown {
    if (value === UNKNOWN) return "[unknown]";
    if (Array.isArray(value)) return value.map(redact);
    if (value !== null && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        if (obj[SPECIAL_SIG] === SECRET_SIG) return SECRET_PLACEHOLDER;
        return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, redact(v)]));
    }
    return value;
}

/** Replaces each secret by its value, recursively: for code that must use the values (the Docker applier). */
export function reveal(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(reveal);
    if (value !== null && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        if (obj[SPECIAL_SIG] === SECRET_SIG) return reveal(obj.value);
        return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, reveal(v)]));
    }
    return value;
}

function nameFromUrn(urn: string): string | undefined {
    return urn ? urn.split("::").pop() : undefined;
}

/** The root stack resource is no part of its children's type chain. */
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** A URN as the engine makes it: `urn:pulumi:<stack>::<project>::<parent type chain>$<type>::<name>`. */
export function engineUrn(stack: string, project: string, parent: string | undefined, type: string, name: string): string {
    const parentChain = parent?.split("::")[2];
    const chain = parentChain && parentChain !== ROOT_STACK_TYPE ? `${parentChain}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${chain}::${name}`;
}

/**
 * Engine URNs of what the mock monitor registers. The mock's own URNs keep only the parent's last
 * type, so they are mapped to the engine's as each registration answers.
 */
class UrnBook {
    private readonly byMockUrn = new Map<string, string>();
    private readonly aliasesOf = new Map<string, string[]>();

    constructor(
        private readonly stack: string,
        private readonly project: string,
    ) {}

    /** The engine URN and the resolved aliases of the resource `req` registers. */
    resolve(req: any): { urn: string; parent?: string; aliases: string[] } {
        const parent = this.engineUrnOf(req.getParent());
        const type: string = req.getType();
        const name: string = req.getName();
        const urn = engineUrn(this.stack, this.project, parent, type, name);
        // As the engine does: every alias of the parent is also a former parent of the child.
        const parents = parent ? [parent, ...(this.aliasesOf.get(parent) ?? [])] : [undefined];
        const candidates: string[] = parents.slice(1).map((p) => engineUrn(this.stack, this.project, p, type, name));
        for (const alias of req.getAliasesList() as any[]) {
            if (!alias.hasSpec()) {
                candidates.push(alias.getUrn());
                continue;
            }
            const spec = alias.getSpec();
            const aliasParents = spec.getNoparent() ? [undefined] : spec.getParenturn() ? [this.engineUrnOf(spec.getParenturn())] : parents;
            for (const p of aliasParents) {
                candidates.push(engineUrn(spec.getStack() || this.stack, spec.getProject() || this.project, p, spec.getType() || type, spec.getName() || name));
            }
        }
        const aliases = [...new Set(candidates)].filter((a) => a !== urn);
        this.aliasesOf.set(urn, aliases);
        return { urn, parent, aliases };
    }

    /** Remembers the engine URN of the resource the mock answered for. */
    answered(mockUrn: string, urn: string): void {
        this.byMockUrn.set(mockUrn, urn);
    }

    private engineUrnOf(mockUrn: string): string | undefined {
        return mockUrn ? (this.byMockUrn.get(mockUrn) ?? mockUrn) : undefined;
    }
}

/** The password a mocked RandomPassword yields: fixed per name, so tests can log in. */
export function mockPassword(resourceName: string): string {
    return `mockpw${resourceName.replace(/[^A-Za-z0-9]/g, "")}`;
}

/** Outputs the providers would compute, filled in so the program sees realistic values. */
function computedOutputs(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
    switch (args.type) {
        case "random:index/randomPassword:RandomPassword":
            // A real hash (cheap cost) so the live tests can run the rendered web.yml as it is.
            return { result: mockPassword(args.name), bcryptHash: bcrypt.hashSync(mockPassword(args.name), 4) };
        case "docker:index/remoteImage:RemoteImage":
            return { imageId: `sha256:mock-${args.inputs.name}`, repoDigest: `${args.inputs.name}@sha256:mock` };
        case "tls:index/privateKey:PrivateKey":
            return { privateKeyPem: `mock-private-key-${args.name}`, publicKeyPem: `mock-public-key-${args.name}` };
        case "tls:index/selfSignedCert:SelfSignedCert":
        case "tls:index/locallySignedCert:LocallySignedCert":
            return { certPem: `mock-cert-${args.name}` };
        default:
            return {};
    }
}

export interface MockRunOptions {
    readonly project: string;
    readonly stack: string;
    /** Full keys (`monitoring:retention`) to plain values; objects are passed as JSON like the CLI does. */
    readonly config: Record<string, unknown>;
    /** Full keys to treat as secrets, as if set with `pulumi config set --secret`. */
    readonly secretKeys: string[];
    /**
     * Sees every resource the mocked engine creates, inputs resolved and secrets in Pulumi's
     * `{4dabf...: "1b47...", value}` wrapper (the Docker applier needs the real values).
     */
    readonly onNewResource?: (args: pulumi.runtime.MockResourceArgs) => void;
}

/**
 * Runs `program` under Pulumi's mock runtime and returns what it registered. Nothing talks to
 * a Pulumi service, a cloud, Docker or a cluster.
 */
export async function runUnderMocks<T>(options: MockRunOptions, program: () => T): Promise<{ result: T; resources: RecordedResource[] }> {
    const resources: RecordedResource[] = [];
    const mocks: pulumi.runtime.Mocks = {
        newResource: (args) => {
            options.onNewResource?.(args);
            return { id: `${args.name}-id`, state: { ...args.inputs, ...computedOutputs(args) } };
        },
        call: (args) => args.inputs,
    };
    await pulumi.runtime.setMocks(mocks, options.project, options.stack, false);
    // Record each registration as the engine would receive it: secrets still marked.
    const monitor = getMonitor() as unknown as { registerResource: (req: any, callback: (err: any, resp: any) => void) => Promise<void> };
    const register = monitor.registerResource.bind(monitor);
    const urns = new UrnBook(options.stack, options.project);
    monitor.registerResource = (req, callback) => {
        const { urn, aliases } = urns.resolve(req);
        resources.push({
            type: req.getType(),
            name: req.getName(),
            parent: nameFromUrn(req.getParent()),
            custom: req.getCustom(),
            urn,
            aliases,
            inputs: redact(req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>,
        });
        return register(req, (err: any, resp: any) => {
            if (resp) urns.answered(resp.getUrn(), urn);
            callback(err, resp);
        });
    };
    const config = Object.fromEntries(Object.entries(options.config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
    pulumi.runtime.setAllConfig(config, options.secretKeys);

    const result = program();
    await settle();
    return { result, resources };
}

/** Waits until every pending registration and output has resolved. */
async function settle(): Promise<void> {
    await waitForRPCs();
    await new Promise((resolve) => setImmediate(resolve));
    await waitForRPCs();
}

/** The value of an Output and whether it is secret (mocks resolve every value). */
export async function resolveOutput<T>(value: pulumi.Input<T>): Promise<{ value: T; secret: boolean }> {
    if (!pulumi.Output.isInstance(value)) return { value: value as T, secret: false };
    const output = value as pulumi.Output<T>;
    const [resolved, secret] = await Promise.all([
        new Promise<T>((resolve) =>
            output.apply((v) => {
                resolve(v);
                return v;
            }),
        ),
        pulumi.isSecret(output),
    ]);
    return { value: resolved, secret };
}
