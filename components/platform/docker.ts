import { ResourceOverride } from "../../config";
import { BASIC_AUTH_USER } from "../passwords";
import { StackNames } from "./naming";
import { withResourceOverrides } from "./resources";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { ContainerLogs } from "../render/log-sources";
import { Addressing, DeployedService, HealthSpec, Platform, ScrapeTargets, ServiceSpec } from "./spec";

/** The Docker daemon's API socket: the log shipper lists containers and reads their logs through it. */
export const DOCKER_SOCKET = "/var/run/docker.sock";

export interface DockerPlatformArgs {
    /** Pulumi stack name, in container, network and volume names so stacks can sit side by side. */
    readonly stack: string;
    /** Address published ports listen on: 127.0.0.1 unless the user says otherwise. */
    readonly bindAddress: string;
    /** `monitoring:resources`: limits by service name, over each service's defaults. */
    readonly resources?: Record<string, ResourceOverride>;
    /**
     * Existing Docker networks (`monitoring:docker.networks`) the services that connect beyond the
     * stack join, so they reach the user's containers by name.
     */
    readonly networks?: readonly string[];
}

/** Resolves services by their alias on the stack's Docker network. */
export const dockerAddressing: Addressing = {
    addressOf: (service, port) => `${service}:${port}`,
    replicaAddresses: (service, replicas, port) => Array.from({ length: replicas }, (_, i) => `${replicaName(service, i)}:${port}`),
    scrapeTargets: (service, port): ScrapeTargets => ({ static_configs: [{ targets: [`${service}:${port}`] }] }),
};

/** Replica 0 answers to the service name itself; the others to `name-N`. */
function replicaName(service: string, index: number): string {
    return index === 0 ? service : `${service}-${index}`;
}

/** `512Mi` / `4Gi` / `500M` -> megabytes, as Docker's `memory` takes them. */
export function megabytes(quantity: string): number {
    const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity);
    if (!match) throw new Error(`not a memory quantity: ${quantity}`);
    const factor: Record<string, number> = { Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 1024 * 1024, k: 1 / 1000, M: 1, G: 1000, T: 1e6 };
    return Math.ceil(Number(match[1]) * (match[2] ? factor[match[2]] : 1 / (1024 * 1024)));
}

/** `500m` / `2` -> CPUs as Docker's `cpus` takes them. */
export function cpus(quantity: string): string {
    return quantity.endsWith("m") ? String(Number(quantity.slice(0, -1)) / 1000) : quantity;
}

/** Single-quotes a word for `sh`. */
function shellQuote(word: string): string {
    return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The shell check Docker runs. Without a password: `wget`. With one, no process may carry it in
 * its arguments (`/proc/<pid>/cmdline` is world-readable, and `docker inspect` shows the check):
 * the shell reads the file into a variable and only its builtin `printf` sees the value; `base64`
 * gets it on stdin and `nc` sends the request, with the `Authorization` header, on its stdin.
 * Every image with a healthcheck is busybox- or alpine-based: `sh`, `nc`, `base64`, `wget`.
 */
export function healthcheckCommand(health: HealthSpec): string {
    if (health.command) return health.command.join(" ");
    if (!health.basicAuthPasswordFile) {
        return `wget -q -O /dev/null http://127.0.0.1:${health.port}${health.path} || exit 1`;
    }
    // sh passes the backslash escapes through; printf turns them into CR LF.
    return [
        `pw=$(cat ${shellQuote(health.basicAuthPasswordFile)})`,
        `{ printf 'GET %s HTTP/1.0\\r\\nAuthorization: Basic ' ${shellQuote(health.path)}; ` +
            `printf '${BASIC_AUTH_USER}:%s' "$pw" | base64 -w 0; printf '\\r\\n\\r\\n'; }` +
            ` | nc 127.0.0.1 ${health.port} | head -n 1 | grep -q ' 200 ' || exit 1`,
    ].join("; ");
}

/** The service opens connections to something that is not a service of the stack (a port, not a `service` flow). */
function connectsBeyondStack(spec: ServiceSpec): boolean {
    return (spec.outbound ?? []).some((o) => o.service === undefined && o.pods === undefined && o.port !== undefined);
}

/** Local Docker: one network, pinned images, ports on the bind address, data on named volumes. */
export class DockerPlatform extends pulumi.ComponentResource implements Platform {
    public readonly addressOf = dockerAddressing.addressOf;
    public readonly replicaAddresses = dockerAddressing.replicaAddresses;
    public readonly scrapeTargets = dockerAddressing.scrapeTargets;
    private readonly network: docker.Network;
    private readonly names: StackNames;
    /**
     * `<name>-<stack>`: the Docker network, and the prefix of every container and volume name, so two
     * MonitoringStacks on one engine (or one program) never claim the same object. `monitoring-dev` for the default stack.
     */
    private readonly project: string;

    /** @param name the MonitoringStack's name: prefix of every resource name (`<name>-network`, `<name>-prometheus`) */
    constructor(
        name: string,
        private readonly args: DockerPlatformArgs,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super("monitoring:index:DockerPlatform", name, {}, opts);
        if (args.bindAddress === "0.0.0.0") {
            pulumi.log.warn(
                "monitoring:bindAddress is 0.0.0.0: Prometheus, Alertmanager and Grafana are published on every interface. " +
                    "Use 127.0.0.1 unless a firewall or VPN protects this machine.",
            );
        }
        this.names = new StackNames(name);
        this.project = `${name}-${args.stack}`;
        // The alias: stacks deployed before the platform had a parent keep their network.
        this.network = new docker.Network(
            this.names.of("network"),
            { name: this.project, driver: "bridge" },
            { parent: this, aliases: this.names.former([{ name: "monitoring-network", parent: pulumi.rootStackResource }]) },
        );
        this.registerOutputs({});
    }

    /** Every container's logs, through the Docker API. */
    containerLogs(): ContainerLogs {
        return { kind: "docker", socketPath: DOCKER_SOCKET };
    }

    deploy(given: ServiceSpec, opts: pulumi.CustomResourceOptions): DeployedService {
        const spec = withResourceOverrides(given, this.args.resources ?? {});
        const image = new docker.RemoteImage(
            this.names.of(`${spec.name}-image`),
            { name: spec.image, keepLocally: true },
            this.names.aliased(`${spec.name}-image`, opts),
        );
        const replicas = spec.kind === "daemonset" ? 1 : (spec.replicas ?? 1);
        for (let i = 0; i < replicas; i++) {
            // One volume per replica, as a StatefulSet's claims: two Prometheus on one TSDB, the second dies on its lock.
            const name = replicaName(spec.name, i);
            const volume = spec.data
                ? new docker.Volume(this.names.of(`${name}-data`), { name: `${this.project}-${name}-data` }, this.names.aliased(`${name}-data`, opts))
                : undefined;
            this.container(spec, i, image, volume, opts);
        }
        const exposed = spec.ports.find((p) => p.expose);
        // A wildcard bind is still reached on loopback from this machine.
        const host = this.args.bindAddress === "0.0.0.0" ? "127.0.0.1" : this.args.bindAddress;
        return { url: exposed?.expose ? pulumi.output(`http://${host}:${exposed.expose.hostPort}`) : undefined };
    }

    private container(
        spec: ServiceSpec,
        index: number,
        image: docker.RemoteImage,
        volume: docker.Volume | undefined,
        opts: pulumi.CustomResourceOptions,
    ): docker.Container {
        const name = replicaName(spec.name, index);
        // Only the first replica publishes: two containers cannot share a host port.
        const published = index === 0 ? spec.ports.filter((p) => p.expose) : [];
        return new docker.Container(
            this.names.of(name),
            {
                name: `${this.project}-${name}`,
                image: image.imageId,
                command: spec.args,
                envs: [
                    ...Object.entries(spec.env ?? {}).map(([key, value]) => `${key}=${value}`),
                    ...(spec.replicaNameEnv ? [`${spec.replicaNameEnv}=${name}`] : []),
                ],
                ports: published.map((p) => ({ internal: p.port, external: p.expose!.hostPort, ip: this.args.bindAddress })),
                uploads: (spec.files ?? []).map((f) => ({ file: f.path, content: f.content })),
                volumes: [
                    ...(volume && spec.data ? [{ volumeName: volume.name, containerPath: spec.data.path }] : []),
                    ...(spec.hostMounts ?? []).map((m) => ({ hostPath: m.hostPath, containerPath: m.path, readOnly: m.readOnly })),
                ],
                networksAdvanced: [
                    { name: this.network.name, aliases: [name] },
                    // Joined by name: the network belongs to the application, not to this stack.
                    ...(connectsBeyondStack(spec) ? (this.args.networks ?? []).map((network) => ({ name: network })) : []),
                ],
                // Lets Prometheus scrape the user's applications running on the host.
                hosts: [{ host: "host.docker.internal", ip: "host-gateway" }],
                restart: "unless-stopped",
                user: spec.user,
                memory: megabytes(spec.resources.memoryLimit),
                cpus: cpus(spec.resources.cpuLimit),
                privileged: spec.privileged,
                devices: (spec.devices ?? []).map((device) => ({ hostPath: device, containerPath: device })),
                securityOpts: ["no-new-privileges:true"],
                labels: [
                    { label: "com.docker.compose.project", value: this.project },
                    { label: "com.docker.compose.service", value: spec.name },
                ],
                healthcheck:
                    spec.health && !spec.health.httpProbeOnly
                        ? { tests: ["CMD-SHELL", healthcheckCommand(spec.health)], interval: "15s", timeout: "5s", retries: 5, startPeriod: "30s" }
                        : undefined,
            },
            // Fixed container names and host ports: the old container must go before its replacement starts.
            this.names.aliased(name, { ...opts, deleteBeforeReplace: true, replaceOnChanges: ["healthcheck"] }),
        );
    }
}
