import * as pulumi from "@pulumi/pulumi";
import { IMAGES } from "../images";
import { ServiceSpec, ServiceTls } from "../platform/spec";
import { PUSHES_TO_LOKI, SCRAPED_BY_PROMETHEUS } from "../flows";
import { renderAlloyConfig } from "../render/alloy";
import { servedOverTls } from "../tls";
import { ShipperArgs } from "./promtail";
import { shipperModel, shipperMounts } from "./sources";

export const ALLOY_PORT = 12345;
const CONFIG_FILE = "/etc/alloy/config.alloy";
const DATA_DIR = "/var/lib/alloy/data";

/** Grafana Alloy, Promtail's successor: the same sources and labels, in Alloy's configuration syntax. */
export class Alloy extends pulumi.ComponentResource {
    /** The name Prometheus verifies its certificate against, when it serves TLS. */
    public readonly tlsServerName?: string;

    constructor(name: string, args: ShipperArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monitoring:index:Alloy", name, {}, opts);
        const tls = args.platform.serviceTls?.("alloy", "/etc/alloy/tls", this);
        args.platform.deploy(alloySpec(args, tls), { parent: this });
        this.tlsServerName = tls?.serverName;
        this.registerOutputs({});
    }
}

export function alloySpec(args: ShipperArgs, tls?: ServiceTls): ServiceSpec {
    const model = shipperModel(args.logs, args.platform, ALLOY_PORT, DATA_DIR, tls, args.lokiTlsServerName);
    const spec: ServiceSpec = {
        name: "alloy",
        image: IMAGES.alloy,
        kind: "daemonset",
        args: [
            "run",
            `--server.http.listen-addr=0.0.0.0:${ALLOY_PORT}`,
            // Positions of every file and container live here, on the data volume.
            `--storage.path=${DATA_DIR}`,
            "--disable-reporting",
            CONFIG_FILE,
        ],
        ports: [{ name: "http", port: ALLOY_PORT }],
        inbound: [SCRAPED_BY_PROMETHEUS],
        outbound: [PUSHES_TO_LOKI],
        files: [{ path: CONFIG_FILE, content: renderAlloyConfig(model) }],
        data: { path: DATA_DIR, size: "1Gi" },
        hostMounts: shipperMounts(args.logs, model.containers),
        health: { path: "/-/ready", port: ALLOY_PORT, httpProbeOnly: true },
        user: "0:0",
        readOnlyRootFilesystem: true,
        discoversPods: model.containers?.kind === "kubernetes",
        nodeNameEnv: model.containers?.kind === "kubernetes" ? model.containers.nodeNameEnv : undefined,
        resources: { cpuRequest: "50m", memoryRequest: "128Mi", cpuLimit: "500m", memoryLimit: "512Mi" },
    };
    // config.alloy names the certificate (its `http { tls { } }` block).
    return servedOverTls(spec, tls, () => ({}));
}
