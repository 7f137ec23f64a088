import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../../config";
import { Platform } from "../platform/spec";
import { scrapeOverTls } from "../prometheus";
import { ScrapeConfig, serviceJob, staticJob } from "../render/prometheus";
import { Alloy, ALLOY_PORT } from "./alloy";
import { Loki, LOKI_PORT } from "./loki";
import { Promtail, PROMTAIL_PORT } from "./promtail";

export { Loki, LOKI_PORT } from "./loki";
export { Promtail, PROMTAIL_PORT } from "./promtail";
export { Alloy, ALLOY_PORT } from "./alloy";

/** What the rest of the stack needs from logging. */
export interface Logging {
    /** Loki's `host:port`, for Grafana's Loki datasource. */
    readonly lokiAddress: string;
    /** The name Loki's certificate holds, when it serves TLS. */
    readonly lokiTlsServerName?: string;
    readonly lokiUrl: pulumi.Output<string>;
    /** Prometheus jobs for Loki and the shipper, over TLS where they serve it. */
    readonly scrapeConfigs: ScrapeConfig[];
}

/** Prometheus jobs for Loki (`loki`) and the shipper (`promtail` or `alloy`, on every host). */
export function loggingScrapeConfigs(config: StackConfig, platform: Platform, tlsServerNames: { loki?: string; shipper?: string } = {}): ScrapeConfig[] {
    if (!config.logs.enabled) return [];
    const shipper =
        config.logs.shipper === "alloy"
            ? serviceJob("alloy", platform.scrapeTargets("alloy", ALLOY_PORT))
            : serviceJob("promtail", platform.scrapeTargets("promtail", PROMTAIL_PORT));
    return [scrapeOverTls(staticJob("loki", [platform.addressOf("loki", LOKI_PORT)]), tlsServerNames.loki), scrapeOverTls(shipper, tlsServerNames.shipper)];
}

/** Loki and the chosen shipper, when `monitoring:logs.enabled` (the default). */
export function deployLogging(name: string, config: StackConfig, platform: Platform, parent: pulumi.Resource): Logging | undefined {
    if (!config.logs.enabled) return undefined;
    const loki = new Loki(
        `${name}-loki`,
        { logs: config.logs, hostPort: config.ports.loki, secrets: config.secrets, platform },
        { parent },
    );
    const Shipper = config.logs.shipper === "alloy" ? Alloy : Promtail;
    const shipper = new Shipper(
        `${name}-${config.logs.shipper}`,
        { logs: config.logs, platform, lokiTlsServerName: loki.tlsServerName },
        { parent, dependsOn: [loki] },
    );
    return {
        lokiAddress: loki.address,
        lokiTlsServerName: loki.tlsServerName,
        lokiUrl: loki.url,
        scrapeConfigs: loggingScrapeConfigs(config, platform, { loki: loki.tlsServerName, shipper: shipper.tlsServerName }),
    };
}
