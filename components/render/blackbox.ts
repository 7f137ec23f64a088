import { goDuration } from "../../config/units";
import { ScrapeConfig } from "./prometheus";
import { GENERATED, toYaml } from "./yaml";

export type ProbeModule = "http_2xx" | "tcp_connect" | "icmp";
export const PROBE_MODULES: readonly ProbeModule[] = ["http_2xx", "tcp_connect", "icmp"];

/** One blackbox probe: an https:// health endpoint, a host:port, or a host to ping. */
export interface ProbeConfig {
    /** Shown as the `probe` label; defaults to the target. */
    readonly name?: string;
    /** http(s) URL for http_2xx, host:port for tcp_connect, host for icmp. */
    readonly url: string;
    readonly module: ProbeModule;
}

/** The scrape job of each module: one job per kind of probe, so alerts can tell them apart. */
export const PROBE_JOBS: Record<ProbeModule, string> = {
    http_2xx: "blackbox-http",
    tcp_connect: "blackbox-tcp",
    icmp: "blackbox-icmp",
};

/**
 * blackbox.yml. IPv4 first: Docker networks and many clusters have no IPv6 route. The http
 * prober verifies TLS and exports probe_ssl_earliest_cert_expiry for every https target.
 */
export function renderBlackboxConfig(probeTimeout: string): string {
    // The module timeout is a Go time.Duration: no d, w or y.
    const timeout = goDuration(probeTimeout);
    const ip = { preferred_ip_protocol: "ip4", ip_protocol_fallback: true };
    return toYaml(
        {
            modules: {
                http_2xx: {
                    prober: "http",
                    timeout,
                    http: { ...ip, method: "GET", follow_redirects: true, valid_status_codes: [] },
                },
                tcp_connect: { prober: "tcp", timeout, tcp: ip },
                icmp: { prober: "icmp", timeout, icmp: ip },
            },
        },
        GENERATED,
    );
}

/**
 * One job per module in use, with the standard relabelling: the target becomes the `target`
 * parameter and the `instance` label, and Prometheus scrapes the exporter's /probe instead.
 */
export function blackboxScrapeConfigs(probes: ProbeConfig[], exporterAddress: string): ScrapeConfig[] {
    return PROBE_MODULES.filter((module) => probes.some((p) => p.module === module)).map((module) => ({
        job_name: PROBE_JOBS[module],
        metrics_path: "/probe",
        params: { module: [module] },
        static_configs: probes.filter((p) => p.module === module).map((p) => ({ targets: [p.url], ...(p.name ? { labels: { probe: p.name } } : {}) })),
        relabel_configs: [
            { source_labels: ["__address__"], target_label: "__param_target" },
            { source_labels: ["__param_target"], target_label: "instance" },
            { target_label: "__address__", replacement: exporterAddress },
        ],
    }));
}
