// Creates the program's docker.Network, docker.Volume and docker.Container resources on a real
// engine, field by field as the Pulumi Docker provider (terraform-provider-docker) maps them onto
// the Engine API. Every input field has an entry in a table below; a field without one fails the
// run, so nothing the program sets is silently ignored.
import Docker from "dockerode";
import * as tar from "tar-stream";
import { withinStack } from "../support/stack-names";
import { PlannedResource } from "./plan";
import { buildStandIn, standInFor } from "./stand-ins";

const TYPES = {
    network: "docker:index/network:Network",
    volume: "docker:index/volume:Volume",
    container: "docker:index/container:Container",
    image: "docker:index/remoteImage:RemoteImage",
};
const MiB = 1024 * 1024;

/** What the engine is asked for: the create body, plus what the provider does around it. */
interface ContainerPlan {
    body: Docker.ContainerCreateOptions & { HostConfig: Docker.HostConfig; Healthcheck?: Record<string, unknown> };
    /** Networks connected after create (the first one is the container's network mode). */
    networks: { name: string; aliases?: string[]; ipv4?: string }[];
    uploads: { file: string; content: Buffer; mode: number }[];
    start: boolean;
}

type FieldMap<T> = Record<string, (value: any, into: T, inputs: Record<string, any>) => void>;
const ignore = () => undefined;

/** `15s`, `1m30s`, `500ms` -> nanoseconds, as Go's time.ParseDuration (the provider's parser). */
export function durationNs(text: string): number {
    const units: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
    let total = 0;
    const rest = text.replace(/(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)/g, (_, n, u) => ((total += Number(n) * units[u]), ""));
    if (rest !== "" || text === "") throw new Error(`not a duration: ${text}`);
    return Math.round(total);
}

/** Providers' behaviour flags with no Engine API counterpart: accepted only at values the applier honours. */
function onlyDefault(field: string, defaultValue: unknown) {
    return (value: unknown) => {
        if (value !== defaultValue) throw new Error(`container input ${field}=${JSON.stringify(value)} is not applied by test/docker/applier.ts`);
    };
}

const CONTAINER_FIELDS: FieldMap<ContainerPlan> = {
    name: (v, p) => (p.body.name = v),
    image: ignore, // resolved by the applier from the RemoteImage
    command: (v, p) => (p.body.Cmd = v),
    entrypoints: (v, p) => (p.body.Entrypoint = v),
    envs: (v, p) => (p.body.Env = v),
    user: (v, p) => (p.body.User = v),
    workingDir: (v, p) => (p.body.WorkingDir = v),
    hostname: (v, p) => (p.body.Hostname = v),
    domainname: (v, p) => (p.body.Domainname = v),
    labels: (v: { label: string; value: string }[], p) => (p.body.Labels = Object.fromEntries(v.map((l) => [l.label, l.value]))),
    stopSignal: (v, p) => (p.body.StopSignal = v),
    stopTimeout: (v, p) => (p.body.StopTimeout = v),
    healthcheck: (v, p) =>
        (p.body.Healthcheck = {
            Test: v.tests,
            Interval: v.interval ? durationNs(v.interval) : 0,
            Timeout: v.timeout ? durationNs(v.timeout) : 0,
            StartPeriod: v.startPeriod ? durationNs(v.startPeriod) : 0,
            Retries: v.retries ?? 0,
        }),
    ports: (v: { internal: number; external?: number; ip?: string; protocol?: string }[], p) => {
        p.body.ExposedPorts = Object.fromEntries(v.map((port) => [`${port.internal}/${port.protocol ?? "tcp"}`, {}]));
        const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
        for (const port of v) {
            const key = `${port.internal}/${port.protocol ?? "tcp"}`;
            (bindings[key] ??= []).push({ HostIp: port.ip ?? "0.0.0.0", HostPort: port.external === undefined ? "" : String(port.external) });
        }
        p.body.HostConfig.PortBindings = bindings;
    },
    publishAllPorts: (v, p) => (p.body.HostConfig.PublishAllPorts = v),
    volumes: (v: { volumeName?: string; hostPath?: string; containerPath: string; readOnly?: boolean; fromContainer?: string }[], p) => {
        const binds = v.filter((m) => m.volumeName || m.hostPath);
        p.body.HostConfig.Binds = binds.map((m) => `${m.volumeName ?? m.hostPath}:${m.containerPath}${m.readOnly ? ":ro" : ""}`);
        p.body.HostConfig.VolumesFrom = v.filter((m) => m.fromContainer).map((m) => m.fromContainer!);
        p.body.Volumes = Object.fromEntries(v.filter((m) => !m.volumeName && !m.hostPath && !m.fromContainer).map((m) => [m.containerPath, {}]));
    },
    mounts: (v: { target: string; type: string; source?: string; readOnly?: boolean }[], p) =>
        (p.body.HostConfig.Mounts = v.map((m) => ({ Target: m.target, Type: m.type as any, Source: m.source ?? "", ReadOnly: m.readOnly }))),
    tmpfs: (v, p) => (p.body.HostConfig.Tmpfs = v),
    hosts: (v: { host: string; ip: string }[], p) => (p.body.HostConfig.ExtraHosts = v.map((h) => `${h.host}:${h.ip}`)),
    dns: (v, p) => (p.body.HostConfig.Dns = v),
    dnsOpts: (v, p) => (p.body.HostConfig.DnsOptions = v),
    dnsSearches: (v, p) => (p.body.HostConfig.DnsSearch = v),
    restart: (v, p, all) => (p.body.HostConfig.RestartPolicy = { Name: v, MaximumRetryCount: v === "on-failure" ? (all.maxRetryCount ?? 0) : 0 }),
    maxRetryCount: ignore, // part of restart
    memory: (v, p) => (p.body.HostConfig.Memory = v * MiB),
    memorySwap: (v, p) => (p.body.HostConfig.MemorySwap = v > 0 ? v * MiB : v),
    memoryReservation: (v, p) => (p.body.HostConfig.MemoryReservation = v * MiB),
    cpus: (v, p) => (p.body.HostConfig.NanoCpus = Math.round(Number(v) * 1e9)),
    cpuShares: (v, p) => (p.body.HostConfig.CpuShares = v),
    cpuSet: (v, p) => (p.body.HostConfig.CpusetCpus = v),
    shmSize: (v, p) => (p.body.HostConfig.ShmSize = v * MiB),
    privileged: (v, p) => (p.body.HostConfig.Privileged = v),
    devices: (v: { hostPath: string; containerPath?: string; permissions?: string }[], p) =>
        (p.body.HostConfig.Devices = v.map((d) => ({
            PathOnHost: d.hostPath,
            PathInContainer: d.containerPath ?? d.hostPath,
            CgroupPermissions: d.permissions ?? "rwm",
        }))),
    capabilities: (v: { adds?: string[]; drops?: string[] }, p) => {
        p.body.HostConfig.CapAdd = v.adds ?? [];
        p.body.HostConfig.CapDrop = v.drops ?? [];
    },
    securityOpts: (v, p) => (p.body.HostConfig.SecurityOpt = v),
    readOnly: (v, p) => (p.body.HostConfig.ReadonlyRootfs = v),
    init: (v, p) => (p.body.HostConfig.Init = v),
    groupAdds: (v, p) => (p.body.HostConfig.GroupAdd = v),
    sysctls: (v, p) => (p.body.HostConfig.Sysctls = v),
    ulimits: (v: { name: string; soft: number; hard: number }[], p) =>
        (p.body.HostConfig.Ulimits = v.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard }))),
    logDriver: (v, p) => (p.body.HostConfig.LogConfig = { Config: {}, ...p.body.HostConfig.LogConfig, Type: v }),
    logOpts: (v, p) => (p.body.HostConfig.LogConfig = { Type: "json-file", ...p.body.HostConfig.LogConfig, Config: v }),
    pidMode: (v, p) => (p.body.HostConfig.PidMode = v),
    ipcMode: (v, p) => (p.body.HostConfig.IpcMode = v),
    networkMode: (v, p) => (p.body.HostConfig.NetworkMode = v),
    networksAdvanced: (v: { name: string; aliases?: string[]; ipv4Address?: string }[], p) =>
        (p.networks = v.map((n) => ({ name: n.name, aliases: n.aliases, ipv4: n.ipv4Address }))),
    uploads: (v: { file: string; content?: string; contentBase64?: string; executable?: boolean; source?: string }[], p) => {
        p.uploads = v.map((u) => {
            if (u.source !== undefined) throw new Error(`upload ${u.file}: a source path is not applied by test/docker/applier.ts`);
            const content = u.contentBase64 !== undefined ? Buffer.from(u.contentBase64, "base64") : Buffer.from(u.content ?? "");
            return { file: u.file, content, mode: u.executable ? 0o744 : 0o644 };
        });
    },
    // The provider's own behaviour, not the engine's.
    start: (v, p) => (p.start = v),
    mustRun: ignore, // checked: every started container must reach healthy or running
    destroyGraceSeconds: ignore,
    removeVolumes: ignore,
    containerReadRefreshTimeoutMilliseconds: ignore,
    rm: onlyDefault("rm", false),
    attach: onlyDefault("attach", false),
    logs: onlyDefault("logs", false),
    wait: onlyDefault("wait", false),
};

const NETWORK_FIELDS: FieldMap<Docker.NetworkCreateOptions> = {
    name: (v, b) => (b.Name = v),
    driver: (v, b) => (b.Driver = v),
    internal: (v, b) => (b.Internal = v),
    attachable: (v, b) => (b.Attachable = v),
    ipv6: (v, b) => (b.EnableIPv6 = v),
    options: (v, b) => (b.Options = v),
    labels: (v: { label: string; value: string }[], b) => (b.Labels = Object.fromEntries(v.map((l) => [l.label, l.value]))),
    checkDuplicate: (v, b) => (b.CheckDuplicate = v),
};

const VOLUME_FIELDS: FieldMap<Docker.VolumeCreateOptions> = {
    name: (v, b) => (b.Name = v),
    driver: (v, b) => (b.Driver = v),
    driverOpts: (v, b) => (b.DriverOpts = v),
    labels: (v: { label: string; value: string }[], b) => (b.Labels = Object.fromEntries(v.map((l) => [l.label, l.value]))),
};

const IMAGE_FIELDS: FieldMap<{ name?: string }> = {
    name: (v, b) => (b.name = v),
    keepLocally: ignore, // what `pulumi destroy` does with the image
};

/** Applies every input through `fields`; collects the inputs no entry maps. */
function mapInputs<T>(resource: PlannedResource, fields: FieldMap<T>, into: T, unmapped: string[]): T {
    for (const [field, value] of Object.entries(resource.inputs)) {
        if (value === undefined || value === null) continue;
        const apply = fields[field];
        if (!apply) unmapped.push(`${resource.type} ${resource.name}: ${field}`);
        else apply(value, into, resource.inputs);
    }
    return into;
}

/** The image name behind a container's `image` input (the mocked RemoteImage id embeds it). */
function imageName(image: string): string {
    return image.startsWith("sha256:mock-") ? image.slice("sha256:mock-".length) : image;
}

export interface ListedService {
    readonly name: string;
    readonly image: string;
}

export interface AppliedStack {
    /** Container name -> the program's logical name, for every container created. */
    readonly containers: Map<string, string>;
    readonly networks: string[];
    readonly volumes: string[];
    /** Containers the program declares whose image has no stand-in here: listed, not created. */
    readonly listed: ListedService[];
}

/** Turns a planned stack into networks, volumes and containers on `api`. */
export class DockerApplier {
    private readonly plans = new Map<string, ContainerPlan>();

    constructor(private readonly api: Docker) {}

    async apply(resources: PlannedResource[]): Promise<AppliedStack> {
        const unmapped: string[] = [];
        const known = new Set(Object.values(TYPES));
        for (const r of resources) if (r.type.startsWith("docker:") && !known.has(r.type)) unmapped.push(`${r.type} ${r.name}: the whole resource`);
        const of = (type: string) => resources.filter((r) => r.type === type);
        const images = of(TYPES.image).map((r) => mapInputs<{ name?: string }>(r, IMAGE_FIELDS, {}, unmapped).name!);
        const networks = of(TYPES.network).map((r) => mapInputs(r, NETWORK_FIELDS, { Name: "" }, unmapped));
        const volumes = of(TYPES.volume).map((r) => mapInputs<Docker.VolumeCreateOptions>(r, VOLUME_FIELDS, {}, unmapped));
        const containers = of(TYPES.container).map((r) => ({
            resource: r,
            plan: mapInputs(r, CONTAINER_FIELDS, { body: { HostConfig: {} }, networks: [], uploads: [], start: true } as ContainerPlan, unmapped),
        }));
        if (unmapped.length) throw new Error(`inputs the Docker applier does not map (add them to test/docker/applier.ts):\n  ${unmapped.join("\n  ")}`);

        for (const image of images) {
            const standIn = standInFor(image);
            if (standIn) await buildStandIn(this.api, standIn);
        }
        for (const body of networks) await this.api.createNetwork(body);
        for (const body of volumes) await this.api.createVolume(body);
        const created = new Map<string, string>();
        const listed: ListedService[] = [];
        for (const { resource, plan } of containers) {
            const image = imageName(resource.inputs.image);
            if (!standInFor(image)) {
                listed.push({ name: withinStack(resource), image });
                continue;
            }
            plan.body.Image = image;
            this.plans.set(plan.body.name!, plan);
            await this.create(plan);
            created.set(plan.body.name!, withinStack(resource));
        }
        return { containers: created, networks: networks.map((n) => n.Name), volumes: volumes.map((v) => v.Name!), listed };
    }

    /** Removes a container and creates it again from the same inputs, as a replacement by `pulumi up` would. */
    async recreate(containerName: string): Promise<void> {
        const plan = this.plans.get(containerName);
        if (!plan) throw new Error(`no container ${containerName} was applied`);
        await this.api.getContainer(containerName).remove({ force: true });
        await this.create(plan);
    }

    /** Create, connect the networks, copy the uploads in, start: the provider's order. */
    private async create(plan: ContainerPlan): Promise<void> {
        const [first, ...others] = plan.networks;
        const body = { ...plan.body, HostConfig: { ...plan.body.HostConfig } };
        if (first && !body.HostConfig.NetworkMode) {
            // Created on its first network directly: the engine's default bridge is never joined.
            body.HostConfig.NetworkMode = first.name;
            body.NetworkingConfig = { EndpointsConfig: { [first.name]: endpoint(first) } };
        }
        const container = await this.api.createContainer(body);
        for (const network of first && body.HostConfig.NetworkMode !== first.name ? plan.networks : others) {
            await this.api.getNetwork(network.name).connect({ Container: container.id, EndpointConfig: endpoint(network) });
        }
        if (plan.uploads.length) await container.putArchive(await uploadsArchive(plan.uploads), { path: "/" });
        if (plan.start) await container.start();
    }
}

function endpoint(network: ContainerPlan["networks"][number]): Docker.EndpointSettings {
    return { Aliases: network.aliases, ...(network.ipv4 ? { IPAMConfig: { IPv4Address: network.ipv4 } } : {}) };
}

/** One tar with every upload at its absolute path (root-owned, 0644 or 0744), as the provider sends it. */
async function uploadsArchive(uploads: ContainerPlan["uploads"]): Promise<Buffer> {
    const pack = tar.pack();
    for (const u of uploads) pack.entry({ name: u.file.replace(/^\/+/, ""), mode: u.mode, uid: 0, gid: 0 }, u.content);
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const chunk of pack) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
}
