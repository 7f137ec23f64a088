// The render refuses a stack in which an alert it can raise would reach no integration. Each
// alert is walked down the route tree with the labels known before it fires: its name, the
// static labels of its rule (severity, team, ...) and Prometheus' external labels. Labels that come
// from the series (job, instance, target labels) are not known here and count as absent.
import { matchRoutes } from "./alert-routing";
import { ConfigError } from "./errors";
import { UserRuleFile } from "./rule-files";
import type { ShippedFiles } from "./shipped-files";
import { SloConfig } from "./slos";
import { alertEnabled, builtInAlerts, SLO_ALERTS, SLO_GROUP, ThresholdsConfig } from "./thresholds";
import { AlertingConfig } from "./types";

/** An alert the stack can raise, with the labels it carries whatever series fires it. */
export interface RaisableAlert {
    readonly labels: Record<string, string>;
    /** Where it is defined, for the message. */
    readonly origin: string;
}

export interface AlertSources {
    readonly thresholds: ThresholdsConfig;
    readonly slos: readonly SloConfig[];
    readonly ruleFiles: readonly UserRuleFile[];
    /** The stack's own rule files. */
    readonly shipped: Pick<ShippedFiles, "rules">;
    /** Added by Prometheus to every alert it sends (`stack`, monitoring:prometheus.externalLabels). */
    readonly externalLabels: Readonly<Record<string, string>>;
}

/** A label value rendered per alert (`{{ $labels.team }}`) is not known before the alert fires. */
const staticLabels = (labels: Readonly<Record<string, string>>) => Object.fromEntries(Object.entries(labels).filter(([, value]) => !value.includes("{{")));

/** Every alert the stack can raise, after scoping, with its known labels. */
export function raisableAlerts(sources: AlertSources): RaisableAlert[] {
    const { thresholds } = sources;
    const alerts: RaisableAlert[] = [];
    for (const rule of builtInAlerts(sources.shipped.rules)) {
        if (!alertEnabled(thresholds, rule.alert, rule.group)) continue;
        const severity = thresholds.alerts[rule.alert]?.severity;
        alerts.push({ labels: { ...staticLabels(rule.labels), ...(severity ? { severity } : {}), alertname: rule.alert }, origin: `rules/${rule.file}` });
    }
    const sloSeverity: Record<(typeof SLO_ALERTS)[number], string> = {
        SLOErrorBudgetBurnFast: "critical",
        SLOErrorBudgetBurnSlow: "warning",
        SLOLatencyBudgetBurnFast: "critical",
        SLOLatencyBudgetBurnSlow: "warning",
    };
    for (const slo of sources.slos) {
        for (const alert of SLO_ALERTS) {
            const latency = alert.startsWith("SLOLatency");
            if ((latency && !slo.latency) || !alertEnabled(thresholds, alert, SLO_GROUP)) continue;
            const severity = thresholds.alerts[alert]?.severity ?? sloSeverity[alert];
            alerts.push({ labels: { alertname: alert, severity, slo: latency ? "latency" : "availability", job: slo.job }, origin: "monitoring:slos" });
        }
    }
    for (const file of sources.ruleFiles) {
        for (const group of file.groups) {
            for (const rule of group.rules) {
                if (rule.alert) alerts.push({ labels: { ...staticLabels(rule.labels), alertname: rule.alert }, origin: file.source });
            }
        }
    }
    // Prometheus adds its external labels to each alert, except where the alert has the label already.
    const external = (labels: Record<string, string>) => Object.fromEntries(Object.entries(sources.externalLabels).filter(([k]) => !(k in labels)));
    return alerts.map((a) => ({ ...a, labels: { ...a.labels, ...external(a.labels) } }));
}

/** `{alertname="X", severity="business", ...}`, the name first as Alertmanager's UI shows it. */
const show = (labels: Readonly<Record<string, string>>) => {
    const { alertname, ...rest } = labels;
    return `{${Object.entries({ alertname, ...rest })
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(", ")}}`;
};

/**
 * Throws a ConfigError naming the first alert that would reach no integration. A stack with no
 * integration at all (the default dev stack) is left alone: its alerts are meant for the UI.
 */
export function checkAlertDelivery(alerting: AlertingConfig, alerts: readonly RaisableAlert[]): void {
    const integrations = new Map(alerting.receivers.map((r) => [r.name, r.integrations.length]));
    if (![...integrations.values()].some((n) => n > 0)) return;
    for (const alert of alerts) {
        const reached = matchRoutes(alerting.route, alert.labels).map((r) => r.receiver);
        const delivered = reached.some((name) => (integrations.get(name) ?? 0) > 0 || alerting.silentReceivers.includes(name));
        if (delivered) continue;
        const severity = alert.labels.severity;
        const suggestion = severity ? `matchers: ['severity="${severity}"']` : `matchers: ['alertname="${alert.labels.alertname}"']`;
        throw new ConfigError(
            "alerting.routes",
            `alert ${alert.labels.alertname} ${show(alert.labels)} (from ${alert.origin}) reaches no integration: it ends at ` +
                `${[...new Set(reached)].map((r) => `receiver "${r}"`).join(" and ")}, which has none; add a route {${suggestion}, receiver: <a receiver with an integration>} ` +
                "or give the alert a severity the defaults send",
        );
    }
}
