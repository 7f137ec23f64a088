import { AlertingConfig, Severity, SEVERITIES } from "../../config/types";
import { toYaml, GENERATED } from "./yaml";

/** Where Alertmanager finds each credential: mounted secret files, never inline values. */
export interface AlertmanagerSecretFiles {
    readonly slackWebhookUrl: string;
    readonly smtpPassword: string;
    readonly pagerdutyRoutingKey: string;
    readonly webhookUrl: string;
}

export const TEMPLATES_DIR = "/etc/alertmanager/templates";

/** The receiver every alert of this severity reaches. Without integrations it still shows in the UI. */
export function severityReceiver(severity: Severity): string {
    return severity;
}

export const SMS_RECEIVER = "sms";
/** Watchdog fires forever by design; it must reach Alertmanager (the smoke test checks) but page nobody. */
export const WATCHDOG_RECEIVER = "watchdog";
export const DEFAULT_RECEIVER = "default";

function receiverFor(severity: Severity, alerting: AlertingConfig, files: AlertmanagerSecretFiles): Record<string, unknown> {
    const receiver: Record<string, unknown> = { name: severityReceiver(severity) };
    if (alerting.slack) {
        receiver.slack_configs = [
            {
                api_url_file: files.slackWebhookUrl,
                channel: alerting.slack.channels[severity],
                send_resolved: true,
                title: '{{ template "monitoring.title" . }}',
                text: '{{ template "monitoring.text" . }}',
            },
        ];
    }
    if (alerting.email?.severities.includes(severity)) {
        const email = alerting.email;
        receiver.email_configs = [
            {
                to: email.to,
                from: email.from,
                smarthost: email.smarthost,
                require_tls: email.requireTls,
                ...(email.username ? { auth_username: email.username, auth_password_file: files.smtpPassword } : {}),
                send_resolved: true,
                headers: { Subject: '{{ template "monitoring.title" . }}' },
            },
        ];
    }
    if (alerting.pagerduty?.severities.includes(severity)) {
        receiver.pagerduty_configs = [
            { routing_key_file: files.pagerdutyRoutingKey, severity: severity === "info" ? "info" : severity, send_resolved: true },
        ];
    }
    return receiver;
}

/** alertmanager.yml: one receiver per severity, the SMS webhook by matcher, criticals inhibit warnings. */
export function renderAlertmanagerConfig(alerting: AlertingConfig, files: AlertmanagerSecretFiles): string {
    const { route } = alerting;
    const routes: Record<string, unknown>[] = [{ receiver: WATCHDOG_RECEIVER, matchers: ['alertname="Watchdog"'], repeat_interval: "1h" }];
    const receivers: Record<string, unknown>[] = [{ name: DEFAULT_RECEIVER }, { name: WATCHDOG_RECEIVER }];

    if (alerting.webhook) {
        // `continue` so an SMS-flagged alert also reaches its severity's receiver.
        routes.push({ receiver: SMS_RECEIVER, matchers: alerting.webhook.matchers, continue: true });
        receivers.push({ name: SMS_RECEIVER, webhook_configs: [{ url_file: files.webhookUrl, send_resolved: true }] });
    }
    for (const severity of SEVERITIES) {
        routes.push({ receiver: severityReceiver(severity), matchers: [`severity="${severity}"`] });
        receivers.push(receiverFor(severity, alerting, files));
    }

    const doc = {
        route: {
            receiver: DEFAULT_RECEIVER,
            group_by: route.groupBy,
            group_wait: route.groupWait,
            group_interval: route.groupInterval,
            repeat_interval: route.repeatInterval,
            routes,
        },
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
