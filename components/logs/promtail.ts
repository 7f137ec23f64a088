import * as pulumi from "@pulumi/pulumi";
import { LogsConfig, PROMTAIL_END_OF_LIFE } from "../../config/logs";
import { IMAGES } from "../images";
import { Platform, ServiceSpec, ServiceTls } from "../platform/spec";
import { PUSHES_TO_LOKI, SCRAPED_BY_PROMETHEUS } from "../flows";
import { renderPromtailConfig } from "../render/promtail";
import { servedOverTls } from "../tls";
import { shipperModel, shipperMounts } from "./sources";

export const PROMTAIL_PORT = 9080;
const CONFIG_FILE = "/etc/promtail/promtail.yaml";
const DATA_DIR = "/var/lib/promtail";

export interface ShipperArgs {
    /** What to tail, already validated. */
    readonly logs: LogsConfig;
    readonly platform: Platform;
    /** The name Loki's certificate holds, when Loki serves TLS: the shipper then pushes over HTTPS. */
    readonly lokiTlsServerName?: string;
}

/** Shown at every `pulumi preview`/`up` that still deploys Promtail. */
export const PROMTAIL_DEPRECATION =
    `monitoring:logs.shipper: promtail is deprecated: it reached end of life on ${PROMTAIL_END_OF_LIFE} and gets no more fixes. ` +
    "Remove the key (Alloy is the default) or set it to alloy: the same sources and labels, and its own alerts and dashboard row.";

/** Promtail (deprecated, `monitoring:logs.shipper: promtail`) on every host: container logs and the configured files, pushed to Loki. */
export class Promtail extends pulumi.ComponentResource {
    /** The name Prometheus verifies its certificate against, when it serves TLS. */
    public readonly tlsServerName?: string;

    constructor(name: string, args: ShipperArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monitoring:index:Promtail", name, {}, opts);
        pulumi.log.warn(PROMTAIL_DEPRECATION, this);
        const tls = args.platform.serviceTls?.("promtail", "/etc/promtail/tls", this);
        args.platform.deploy(promtailSpec(args, tls), { parent: this });
        this.tlsServerName = tls?.serverName;
        this.registerOutputs({});
    }
}

export function promtailSpec(args: ShipperArgs, tls?: ServiceTls): ServiceSpec {
    const model = shipperModel(args.logs, args.platform, PROMTAIL_PORT, DATA_DIR, tls, args.lokiTlsServerName);
    const spec: ServiceSpec = {
        name: "promtail",
        image: IMAGES.promtail,
        kind: "daemonset",
        args: [`-config.file=${CONFIG_FILE}`],
        ports: [{ name: "http", port: PROMTAIL_PORT }],
        inbound: [SCRAPED_BY_PROMETHEUS],
        outbound: [PUSHES_TO_LOKI],
        files: [{ path: CONFIG_FILE, content: renderPromtailConfig(model) }],
        // Positions survive restarts: no line dropped, none sent twice.
        data: { path: DATA_DIR, size: "1Gi" },
        hostMounts: shipperMounts(args.logs, model.containers),
        // The image has neither shell nor wget.
        health: { path: "/ready", port: PROMTAIL_PORT, httpProbeOnly: true },
        // Root reads the Docker socket and log files owned by other users; mounts are read-only.
        user: "0:0",
        readOnlyRootFilesystem: true,
        discoversPods: model.containers?.kind === "kubernetes",
        resources: { cpuRequest: "50m", memoryRequest: "64Mi", cpuLimit: "500m", memoryLimit: "256Mi" },
    };
    // promtail.yaml names the certificate (server.http_tls_config).
    return servedOverTls(spec, tls, () => ({}));
}
