import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../config";
import { Alertmanager } from "./alertmanager";
import { EXPORTERS, Exporter } from "./exporters";
import { Grafana } from "./grafana";
import { deployLogging, loggingScrapeConfigs } from "./logs";
import { Platform } from "./platform/spec";
import { Prometheus } from "./prometheus";

export interface MonitoringStackArgs {
    /** The validated stack configuration. */
    readonly config: StackConfig;
    /** Docker or Kubernetes. */
    readonly platform: Platform;
}

/** The whole stack: exporters, Alertmanager, Prometheus and Grafana, wired together. */
export class MonitoringStack extends pulumi.ComponentResource {
    public readonly grafanaUrl: pulumi.Output<string>;
    public readonly prometheusUrl: pulumi.Output<string>;
    public readonly alertmanagerUrl: pulumi.Output<string>;
    /** Loki's URL (push and query API), when logs are on. */
    public readonly lokiUrl?: pulumi.Output<string>;
    public readonly grafanaAdminPassword: pulumi.Output<string>;
    public readonly prometheusPassword: pulumi.Output<string>;
    public readonly alertmanagerPassword: pulumi.Output<string>;

    constructor(name: string, args: MonitoringStackArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monitoring:index:MonitoringStack", name, {}, opts);
        const { config, platform } = args;

        const exporters = EXPORTERS.filter((e) => e.enabled(config));
        for (const definition of exporters) {
            new Exporter(`${name}-${definition.name}`, { definition, config, platform }, { parent: this });
        }
        const logging = deployLogging(name, config, platform, this);

        const alertmanager = new Alertmanager(
            `${name}-alertmanager`,
            { alerting: config.alerting, settings: config.alertmanager, secrets: config.secrets, hostPort: config.ports.alertmanager, platform },
            { parent: this },
        );
        // The cluster the platform runs on, if any: Prometheus scrapes it, Grafana shows its dashboards.
        const cluster = platform.clusterMonitoring?.();
        const prometheus = new Prometheus(
            `${name}-prometheus`,
            {
                config,
                platform,
                cluster,
                scrapeConfigs: [...exporters.flatMap((e) => e.scrapeConfigs(config, platform)), ...loggingScrapeConfigs(config, platform)],
                alertmanagerEndpoints: alertmanager.endpoints,
                alertmanagerPassword: alertmanager.password,
            },
            { parent: this },
        );
        const grafana = new Grafana(
            `${name}-grafana`,
            {
                settings: config.grafana,
                hostPort: config.ports.grafana,
                prometheusPassword: prometheus.password,
                alertmanagerPassword: alertmanager.password,
                lokiAddress: logging?.lokiAddress,
                secrets: config.secrets,
                kubernetesDashboards: Boolean(cluster),
                platform,
            },
            { parent: this },
        );
        // Every service is known now: the platform adds what spans them (NetworkPolicies on Kubernetes).
        platform.finalize?.({ parent: this });

        this.grafanaUrl = grafana.url;
        this.prometheusUrl = prometheus.url;
        this.alertmanagerUrl = alertmanager.url;
        this.lokiUrl = logging?.lokiUrl;
        this.grafanaAdminPassword = grafana.adminPassword;
        this.prometheusPassword = prometheus.password;
        this.alertmanagerPassword = alertmanager.password;
        this.registerOutputs({ grafanaUrl: this.grafanaUrl, prometheusUrl: this.prometheusUrl, alertmanagerUrl: this.alertmanagerUrl });
    }
}
