import { STACK_DATASOURCES } from "../../config/dashboards";
import { DashboardProvider } from "./dashboards";
import { toYaml, GENERATED } from "./yaml";

/** Fixed datasource UIDs: dashboards reference these, so they never change. */
export const DATASOURCE_UIDS = {
    prometheus: STACK_DATASOURCES.prometheus.uid,
    alertmanager: STACK_DATASOURCES.alertmanager.uid,
    loki: STACK_DATASOURCES.loki.uid,
} as const;

export interface GrafanaDatasourcesModel {
    readonly prometheusUrl: string;
    readonly alertmanagerUrl: string;
    readonly lokiUrl?: string;
    /** Prometheus' scrape interval: `$__rate_interval` spans at least four of them. */
    readonly scrapeInterval: string;
    /** Files holding the basic-auth passwords, read by Grafana through `$__file{}` at provisioning. */
    readonly prometheusPasswordFile: string;
    readonly alertmanagerPasswordFile: string;
    /** CA that signed the in-cluster certificates, when services talk TLS. */
    readonly caFile?: string;
}

function tlsFields(caFile?: string): { jsonData: Record<string, unknown>; secureJsonData: Record<string, string> } {
    return caFile
        ? { jsonData: { tlsAuthWithCACert: true }, secureJsonData: { tlsCACert: `$__file{${caFile}}` } }
        : { jsonData: {}, secureJsonData: {} };
}

/** provisioning/datasources/datasources.yml */
export function renderGrafanaDatasources(model: GrafanaDatasourcesModel): string {
    const tls = tlsFields(model.caFile);
    const datasources: Record<string, unknown>[] = [
        {
            name: STACK_DATASOURCES.prometheus.name,
            uid: DATASOURCE_UIDS.prometheus,
            type: "prometheus",
            access: "proxy",
            url: model.prometheusUrl,
            isDefault: true,
            editable: false,
            basicAuth: true,
            basicAuthUser: "admin",
            jsonData: { httpMethod: "POST", timeInterval: model.scrapeInterval, ...tls.jsonData },
            secureJsonData: { basicAuthPassword: `$__file{${model.prometheusPasswordFile}}`, ...tls.secureJsonData },
        },
        {
            name: STACK_DATASOURCES.alertmanager.name,
            uid: DATASOURCE_UIDS.alertmanager,
            type: "alertmanager",
            access: "proxy",
            url: model.alertmanagerUrl,
            editable: false,
            basicAuth: true,
            basicAuthUser: "admin",
            jsonData: { implementation: "prometheus", handleGrafanaManagedAlerts: false, ...tls.jsonData },
            secureJsonData: { basicAuthPassword: `$__file{${model.alertmanagerPasswordFile}}`, ...tls.secureJsonData },
        },
    ];
    if (model.lokiUrl) {
        datasources.push({
            name: STACK_DATASOURCES.loki.name,
            uid: DATASOURCE_UIDS.loki,
            type: "loki",
            access: "proxy",
            url: model.lokiUrl,
            editable: false,
            jsonData: { maxLines: 1000, ...tls.jsonData },
            ...(model.caFile ? { secureJsonData: tls.secureJsonData } : {}),
        });
    }
    return toYaml({ apiVersion: 1, prune: true, datasources }, GENERATED);
}

/**
 * provisioning/dashboards/dashboards.yml: one file provider per directory. Without a folder,
 * folders follow the directories under `path`; the short poll shows an edited dashboard without
 * a restart (hot reload).
 */
export function renderDashboardProviders(providers: readonly DashboardProvider[]): string {
    return toYaml(
        {
            apiVersion: 1,
            providers: providers.map((p) => ({
                name: p.name,
                ...(p.folder !== undefined ? { folder: p.folder } : {}),
                type: "file",
                disableDeletion: true,
                allowUiUpdates: false,
                updateIntervalSeconds: 30,
                options: { path: p.path, ...(p.folder === undefined ? { foldersFromFilesStructure: true } : {}) },
            })),
        },
        GENERATED,
    );
}
