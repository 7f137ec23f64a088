import { toYaml, GENERATED } from "./yaml";

/** Fixed datasource UIDs: dashboards reference these, so they never change. */
export const DATASOURCE_UIDS = { prometheus: "prometheus", alertmanager: "alertmanager", loki: "loki" } as const;

export interface GrafanaDatasourcesModel {
    readonly prometheusUrl: string;
    readonly alertmanagerUrl: string;
    readonly lokiUrl?: string;
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
            name: "Prometheus",
            uid: DATASOURCE_UIDS.prometheus,
            type: "prometheus",
            access: "proxy",
            url: model.prometheusUrl,
            isDefault: true,
            editable: false,
            basicAuth: true,
            basicAuthUser: "admin",
            jsonData: { httpMethod: "POST", timeInterval: "15s", ...tls.jsonData },
            secureJsonData: { basicAuthPassword: `$__file{${model.prometheusPasswordFile}}`, ...tls.secureJsonData },
        },
        {
            name: "Alertmanager",
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
            name: "Loki",
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

/** provisioning/dashboards/dashboards.yml: folders follow the directories under `path`. */
export function renderDashboardProvider(path: string): string {
    return toYaml(
        {
            apiVersion: 1,
            providers: [
                {
                    name: "monitoring",
                    type: "file",
                    disableDeletion: true,
                    allowUiUpdates: false,
                    // Short poll so an edited dashboard shows without a restart (hot reload).
                    updateIntervalSeconds: 30,
                    options: { path, foldersFromFilesStructure: true },
                },
            ],
        },
        GENERATED,
    );
}
