import * as pulumi from "@pulumi/pulumi";
import { IMAGES } from "../images";
import { ServiceSpec } from "../platform/spec";
import { PUSHES_TO_LOKI, SCRAPED_BY_PROMETHEUS } from "../flows";
import { renderAlloyConfig } from "../render/alloy";
import { ShipperArgs } from "./promtail";
import { shipperModel, shipperMounts } from "./sources";

export const ALLOY_PORT = 12345;
const CONFIG_FILE = "/etc/alloy/config.alloy";
const DATA_DIR = "/var/lib/alloy/data";

/** Grafana Alloy, Promtail's successor: the same sources and labels, in Alloy's configuration syntax. */
export class Alloy extends pulumi.ComponentResource {
    constructor(name: string, args: ShipperArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monitoring:index:Alloy", name, {}, opts);
        args.platform.deploy(alloySpec(args), { parent: this });
        this.registerOutputs({});
    }
}

export function alloySpec(args: ShipperArgs): ServiceSpec {
    const model = shipperModel(args.logs, args.platform, ALLOY_PORT, DATA_DIR);
    return {
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
        resources: { cpuRequest: "50m", memoryRequest: "128Mi", cpuLimit: "500m", memoryLimit: "512Mi" },
    };
}
