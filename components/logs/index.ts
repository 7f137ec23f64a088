import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../../config";
import { Platform } from "../platform/spec";
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
    readonly lokiUrl: pulumi.Output<string>;
}

/** Prometheus jobs for Loki (`loki`) and the shipper (`promtail` or `alloy`, on every host). */
export function loggingScrapeConfigs(config: StackConfig, platform: Platform): ScrapeConfig[] {
    if (!config.logs.enabled) return [];
    const shipper =
        config.logs.shipper === "alloy"
            ? serviceJob("alloy", platform.scrapeTargets("alloy", ALLOY_PORT))
            : serviceJob("promtail", platform.scrapeTargets("promtail", PROMTAIL_PORT));
    return [staticJob("loki", [platform.addressOf("loki", LOKI_PORT)]), shipper];
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
    new Shipper(`${name}-${config.logs.shipper}`, { logs: config.logs, platform }, { parent, dependsOn: [loki] });
    return { lokiAddress: loki.address, lokiUrl: loki.url };
}
