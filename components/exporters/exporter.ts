import * as pulumi from "@pulumi/pulumi";
import { Platform, ServiceSpec } from "../platform/spec";
import { SCRAPED_BY_PROMETHEUS } from "../flows";
import { servedOverTls } from "../tls";
import { RegisteredExporter } from "./definition";

export interface ExporterArgs {
    readonly definition: RegisteredExporter;
    /** What its reader made of its block. */
    readonly settings: unknown;
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
        const workload: ServiceSpec = { name: definition.name, image: definition.image, ...definition.spec(args.settings) };
        const spec = servedOverTls(workload, tls, definition.tls ?? (() => ({})));
        // Every exporter is there to be scraped.
        platform.deploy({ ...spec, inbound: [SCRAPED_BY_PROMETHEUS, ...(spec.inbound ?? [])] }, { parent: this });
        this.tlsServerName = tls?.serverName;
        this.registerOutputs({});
    }
}
