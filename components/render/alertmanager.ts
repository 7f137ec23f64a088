import { AlertingConfig } from "../../config/types";
import { Integration, SecretId } from "../../config/receivers";
import { toYaml, GENERATED } from "./yaml";

export { DEFAULT_RECEIVER, SMS_RECEIVER, WATCHDOG_RECEIVER, severityReceiver } from "../../config/alerting";

/** Where Alertmanager reads a credential: a mounted secret file, never an inline value. */
export type SecretFileOf = (secret: SecretId) => string;

export const TEMPLATES_DIR = "/etc/alertmanager/templates";

/** What every integration of ours says unless the user wrote otherwise. */
const HOUSE_DEFAULTS: Partial<Record<Integration["kind"], Record<string, unknown>>> = {
    slack: { title: '{{ template "monitoring.title" . }}', text: '{{ template "monitoring.text" . }}' },
    email: { headers: { Subject: '{{ template "monitoring.title" . }}' } },
};

/** One `<kind>_configs` entry: the user's fields, the house defaults, and each credential as `*_file`. */
function renderIntegration(integration: Integration, secretFile: SecretFileOf): Record<string, unknown> {
    const out: Record<string, unknown> = { send_resolved: true, ...HOUSE_DEFAULTS[integration.kind], ...structuredClone(integration.fields) };
    for (const [dotted, secret] of Object.entries(integration.files)) {
        const parts = dotted.split(".");
        let node = out;
        for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
        node[parts[parts.length - 1]] = secretFile(secret);
    }
    return out;
}

/** alertmanager.yml: the route tree and receivers built from config, and the stack's inhibitions. */
export function renderAlertmanagerConfig(alerting: AlertingConfig, secretFile: SecretFileOf): string {
    const receivers = alerting.receivers.map((receiver) => {
        const out: Record<string, unknown> = { name: receiver.name };
        for (const integration of receiver.integrations) {
            const list = (out[`${integration.kind}_configs`] ??= []) as unknown[];
            list.push(renderIntegration(integration, secretFile));
        }
        return out;
    });
    const doc = {
        route: alerting.route,
        inhibit_rules: [
            {
                source_matchers: ['severity="critical"'],
                target_matchers: ['severity="warning"'],
                equal: ["alertname", "instance"],
            },
            // One app down is one page: JobDown says it, the TargetDown of each of its instances adds nothing.
            {
                source_matchers: ['alertname="JobDown"'],
                target_matchers: ['alertname="TargetDown"'],
                equal: ["job"],
            },
            {
                source_matchers: ['severity=~"critical|warning"'],
                target_matchers: ['severity="info"'],
                equal: ["alertname", "instance"],
            },
        ],
        receivers,
        ...(alerting.timeIntervals.length ? { time_intervals: alerting.timeIntervals } : {}),
        templates: [`${TEMPLATES_DIR}/*.tmpl`],
    };
    return toYaml(doc, GENERATED);
}

/** Message templates: the summary, each alert's description and its runbook link. */
export function renderNotificationTemplates(): string {
    return `{{ define "monitoring.title" -}}
[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }}{{ if .CommonLabels.job }} ({{ .CommonLabels.job }}){{ end }}
{{- end }}

{{ define "monitoring.text" -}}
{{ range .Alerts -}}
*{{ .Labels.severity | toUpper }}* {{ .Annotations.summary }}
{{ .Annotations.description }}
{{ if .Annotations.runbook_url }}Runbook: {{ .Annotations.runbook_url }}{{ end }}
{{ end -}}
{{- end }}
`;
}
