import * as pulumi from "@pulumi/pulumi";
import { DeployedService, Platform, ScrapeTargets, ServiceSpec, ServiceTls } from "../../components/platform/spec";
import { LoopbackCa } from "./loopback-ca";

/**
 * The platform of the live tests: every service and replica answers on 127.0.0.1 at a port of
 * its own, taken from a pool of free ports; `deploy` only records the ServiceSpec. The
 * renderers get these addresses through the same `Addressing` contract Docker and Kubernetes
 * implement, so the files the tests run are the ones the stack would deploy.
 */
export class LoopbackPlatform implements Platform {
    // No container logs, no discovery, no in-cluster TLS: it offers Addressing and deploy only.
    public readonly specs: ServiceSpec[] = [];
    /** `service#replica:containerPort` -> loopback port. */
    private readonly assigned = new Map<string, number>();

    /** In-cluster TLS, as Kubernetes offers it, when the platform was given a CA. */
    public readonly serviceTls?: (service: string, dir: string) => ServiceTls;

    /**
     * @param pool free loopback ports to hand out (see `freePorts`).
     * @param ca when given, every service gets a certificate from it and serves TLS (the prod shape).
     */
    constructor(private readonly pool: number[], ca?: LoopbackCa) {
        if (ca) this.serviceTls = (service, dir) => ca.issue(service, dir);
    }

    addressOf(service: string, port: number): string {
        return `127.0.0.1:${this.portOf(service, port, 0)}`;
    }

    replicaAddresses(service: string, replicas: number, port: number): string[] {
        return Array.from({ length: replicas }, (_, i) => `127.0.0.1:${this.portOf(service, port, i)}`);
    }

    scrapeTargets(service: string, port: number): ScrapeTargets {
        return { static_configs: [{ targets: [this.addressOf(service, port)] }] };
    }

    deploy(spec: ServiceSpec, _opts: pulumi.CustomResourceOptions): DeployedService {
        this.specs.push(spec);
        return {};
    }

    /** The loopback port replica `replica` of `service` listens on for its container port `port`. */
    portOf(service: string, port: number, replica = 0): number {
        const key = `${service}#${replica}:${port}`;
        let assigned = this.assigned.get(key);
        if (assigned === undefined) {
            assigned = this.pool.shift();
            if (assigned === undefined) throw new Error(`LoopbackPlatform: port pool exhausted at ${key}`);
            this.assigned.set(key, assigned);
        }
        return assigned;
    }

    /** Which service replica listens on a loopback `host:port`, if any. */
    ownerOf(address: string): { service: string; replica: number } | undefined {
        for (const [key, port] of this.assigned) {
            if (address === `127.0.0.1:${port}`) {
                const match = /^(.*)#(\d+):\d+$/.exec(key)!;
                return { service: match[1], replica: Number(match[2]) };
            }
        }
        return undefined;
    }
}
