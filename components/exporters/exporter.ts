import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../../config";
import { Addressing, Platform, ServiceSpec } from "../platform/spec";
import { ScrapeConfig } from "../render/prometheus";

/**
 * Everything the stack needs to know about one exporter. Adding an exporter is one file
 * exporting such a definition, plus one line in `exporters/index.ts`.
 */
export interface ExporterDefinition {
    /** Service name and scrape job name. */
    readonly name: string;
    /** Whether the stack configuration turns it on. */
    enabled(config: StackConfig): boolean;
    /** Built-in dashboards (paths under dashboards/ without .json) that show its metrics: shipped only while it runs. */
    readonly dashboards?: readonly string[];
    /** Its workload. */
    spec(config: StackConfig, addressing: Addressing): ServiceSpec;
    /** The jobs Prometheus scrapes it with. */
    scrapeConfigs(config: StackConfig, addressing: Addressing): ScrapeConfig[];
}

export interface ExporterArgs {
    readonly definition: ExporterDefinition;
    readonly config: StackConfig;
    readonly platform: Platform;
}

/** One exporter, deployed from its definition. */
export class Exporter extends pulumi.ComponentResource {
    constructor(name: string, args: ExporterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monitoring:index:Exporter", name, { exporter: args.definition.name }, opts);
        args.platform.deploy(args.definition.spec(args.config, args.platform), { parent: this });
        this.registerOutputs({});
    }
}
