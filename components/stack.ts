import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../config";
import { Alertmanager } from "./alertmanager";
import { EXPORTERS, Exporter } from "./exporters";
import { selectBuiltInDashboards } from "./dashboards";
import { generatePassword } from "./passwords";
import { withScrapeSettings } from "./render/prometheus";
import { Grafana } from "./grafana";
import { GrafanaDatabase } from "./grafana-database";
import { deployLogging } from "./logs";
import { createPlatform } from "./platform";
import { Platform, PlatformFactory } from "./platform/spec";
import { Prometheus, scrapeOverTls } from "./prometheus";
import { ScrapeConfig } from "./render/prometheus";

export interface MonitoringStackArgs {
    /** The validated stack configuration. */
    readonly config: StackConfig;
    /**
     * Where the services run: by default the platform `config.platform` names, made as a child of
     * the stack. A Platform object is used as it is (the live tests' loopback platform).
     */
    readonly platform?: Platform | PlatformFactory;
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
        const { config } = args;
        const platform = makePlatform(name, args, this);

        const exporterJobs: ScrapeConfig[] = [];
        for (const definition of EXPORTERS) {
            const settings = config.exporters.running.get(definition.configKey);
            if (settings === undefined) continue;
            const exporter = new Exporter(`${name}-${definition.name}`, { definition, settings, platform }, { parent: this });
            const scrape = config.exporters.scrape[definition.configKey];
            exporterJobs.push(
                ...definition
                    .scrapeConfigs(settings, platform)
                    .map((job) => scrapeOverTls(withScrapeSettings(job, scrape, config.scrapeInterval), exporter.tlsServerName)),
            );
        }
        const logging = deployLogging(name, config, platform, this);

        const alertmanager = new Alertmanager(
            `${name}-alertmanager`,
            { alerting: config.alerting, settings: config.alertmanager, secrets: config.secrets, hostPort: config.ports.alertmanager, platform },
            { parent: this },
        );
        // Prometheus scrapes Grafana's /metrics with it; Grafana checks it (metrics basic auth).
        const grafanaMetrics = generatePassword(`${name}-grafana-metrics-password`, this);
        // The cluster the platform runs on, if any: Prometheus scrapes it, Grafana shows its dashboards.
        const cluster = platform.clusterMonitoring?.();
        const prometheus = new Prometheus(
            `${name}-prometheus`,
            {
                config,
                platform,
                cluster,
                scrapeConfigs: [...exporterJobs, ...(logging?.scrapeConfigs ?? [])],
                alertmanagerEndpoints: alertmanager.endpoints,
                alertmanagerPassword: alertmanager.password,
                grafanaMetricsPassword: grafanaMetrics.password,
            },
            { parent: this },
        );
        const grafanaDatabase = config.grafana.ownDatabase
            ? new GrafanaDatabase(`${name}-grafana-database`, { storageSize: config.grafana.ownDatabase.storageSize, platform }, { parent: this })
            : undefined;
        const grafana = new Grafana(
            `${name}-grafana`,
            {
                settings: config.grafana,
                hostPort: config.ports.grafana,
                prometheusPassword: prometheus.password,
                alertmanagerPassword: alertmanager.password,
                metricsPassword: grafanaMetrics.password,
                lokiAddress: logging?.lokiAddress,
                dashboards: { builtIn: selectBuiltInDashboards(config, EXPORTERS, Boolean(cluster)), user: config.dashboards },
                http: config.http,
                scrapeInterval: config.scrapeInterval,
                secrets: config.secrets,
                ownDatabase: grafanaDatabase,
                platform,
            },
            { parent: this },
        );
        // Every service is known now: the platform adds what spans them (NetworkPolicies on Kubernetes).
        platform.finalize?.();

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

function makePlatform(name: string, args: MonitoringStackArgs, parent: pulumi.Resource): Platform {
    const given = args.platform ?? ((n: string, opts: pulumi.ComponentResourceOptions) => createPlatform(args.config, n, opts));
    return typeof given === "function" ? given(name, { parent }) : given;
}
