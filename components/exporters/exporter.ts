import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../../config";
import { Addressing, Platform, ServiceSpec } from "../platform/spec";
import { SCRAPED_BY_PROMETHEUS } from "../flows";
import { ScrapeConfig } from "../render/prometheus";
import { servedOverTls, TlsServing } from "../tls";
import type { ServiceTls } from "../platform/spec";

/**
 * Everything the stack needs to know about one exporter. Adding an exporter is one file
 * exporting such a definition, plus one line in `exporters/index.ts`.
 */
export interface ExporterDefinition {
    /** Service name and scrape job name. */
    readonly name: string;
    /** Its key under monitoring:exporters (`kafka`), where its scrapeInterval and scrapeTimeout live. */
    readonly configKey: string;
    /** Whether the stack configuration turns it on. */
    enabled(config: StackConfig): boolean;
    /** Built-in dashboards (paths under dashboards/ without .json) that show its metrics: shipped only while it runs. */
    readonly dashboards?: readonly string[];
    /** Its workload. */
    spec(config: StackConfig, addressing: Addressing): ServiceSpec;
    /** The jobs Prometheus scrapes it with. */
    scrapeConfigs(config: StackConfig, addressing: Addressing): ScrapeConfig[];
    /**
     * How it serves its metrics over TLS with the platform's certificate (in-cluster TLS on
     * Kubernetes). Absent: it cannot, and runs only where services talk plain HTTP (cAdvisor, Docker).
     */
    readonly tls?: (tls: ServiceTls) => TlsServing;
}

export interface ExporterArgs {
    readonly definition: ExporterDefinition;
    readonly config: StackConfig;
    readonly platform: Platform;
}

/** One exporter, deployed from its definition. */
export class Exporter extends pulumi.ComponentResource {
    /** The name Prometheus verifies its certificate against, when it serves TLS. */
    public readonly tlsServerName?: string;

    constructor(name: string, args: ExporterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monitoring:index:Exporter", name, { exporter: args.definition.name }, opts);
        const { definition, platform } = args;
        const tls = definition.tls ? platform.serviceTls?.(definition.name, `/etc/${definition.name}/tls`, this) : undefined;
        const spec = servedOverTls(definition.spec(args.config, platform), tls, definition.tls ?? (() => ({})));
        // Every exporter is there to be scraped.
        platform.deploy({ ...spec, inbound: [SCRAPED_BY_PROMETHEUS, ...(spec.inbound ?? [])] }, { parent: this });
        this.tlsServerName = tls?.serverName;
        this.registerOutputs({});
    }
}
