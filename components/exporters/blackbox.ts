import { portOf } from "../platform/spec";
import { IMAGES } from "../images";
import { blackboxScrapeConfigs, renderBlackboxConfig } from "../render/blackbox";
import { toolkitTls } from "../tls";
import { ExporterDefinition } from "./exporter";

const PORT = 9115;
const CONFIG_FILE = "/etc/blackbox_exporter/blackbox.yml";

/** Probes from outside: HTTP status and latency, TCP connect, ICMP, TLS certificate expiry. */
export const blackboxExporter: ExporterDefinition = {
    name: "blackbox-exporter",
    configKey: "blackbox",
    enabled: (config) => config.exporters.blackbox !== undefined,
    dashboards: ["services/probes"],
    spec: (config) => ({
        name: "blackbox-exporter",
        image: IMAGES.blackboxExporter,
        kind: "deployment",
        args: [`--config.file=${CONFIG_FILE}`, `--web.listen-address=:${PORT}`],
        ports: [{ name: "http", port: PORT }],
        files: [{ path: CONFIG_FILE, content: renderBlackboxConfig(config.exporters.blackbox!.timeout) }],
        health: { path: "/-/healthy", port: PORT },
        // ICMP cannot be allowed by a NetworkPolicy: icmp probes work on Docker, or with a CNI that lets it out.
        outbound: [...new Set(config.exporters.blackbox!.probes.filter((p) => p.module !== "icmp").map((p) => portOf(p.url)))].map((port) => ({ port })),
        user: "65534:65534",
        readOnlyRootFilesystem: true,
        resources: { cpuRequest: "50m", memoryRequest: "32Mi", cpuLimit: "250m", memoryLimit: "128Mi" },
    }),
    tls: toolkitTls(),
    scrapeConfigs: (config, addressing) => blackboxScrapeConfigs(config.exporters.blackbox!.probes, addressing.addressOf("blackbox-exporter", PORT)),
};
