import * as assert from "assert";
import * as fs from "fs";
import * as yaml from "js-yaml";
import { RecordedResource } from "../scripts/lib/mock-runtime";
import { FULL_DEV_CONFIG, RenderedDir, renderToDir, SECRET_NEEDLES, walk } from "./support/render";
import { withinStack } from "./support/stack-names";

const containers = (r: RecordedResource[]) => r.filter((x) => x.type === "docker:index/container:Container");

describe("dev stack (Docker) under mocks", () => {
    let out: RenderedDir;
    before(async () => {
        out = await renderToDir("dev", FULL_DEV_CONFIG);
    });

    it("runs Prometheus, Alertmanager, Grafana and node exporter as containers", () => {
        const names = containers(out.rendered.resources).map(withinStack);
        for (const service of ["prometheus", "alertmanager", "grafana", "node-exporter"]) {
            assert.ok(names.includes(service), `no container ${service} in ${names.join(", ")}`);
        }
    });

    it("publishes every port on 127.0.0.1 only", () => {
        const ports = containers(out.rendered.resources).flatMap((c) => (c.inputs.ports as { ip: string; external: number }[]) ?? []);
        assert.ok(ports.length >= 3);
        for (const port of ports) assert.strictEqual(port.ip, "127.0.0.1", `port ${port.external} binds ${port.ip}`);
        const published = ports.map((p) => p.external);
        for (const port of [13000, 19090, 19093]) assert.ok(published.includes(port), `${port} not published`);
    });

    it("pins every image and keeps the containers restarting", () => {
        for (const image of out.rendered.resources.filter((r) => r.type === "docker:index/remoteImage:RemoteImage")) {
            assert.match(String(image.inputs.name), /:[^:]*\d[^:]*$/, `${image.inputs.name} has no pinned tag`);
            assert.doesNotMatch(String(image.inputs.name), /:latest$/);
        }
        for (const c of containers(out.rendered.resources)) assert.strictEqual(c.inputs.restart, "unless-stopped");
    });

    it("lets Prometheus reach the host's applications", () => {
        const prometheus = containers(out.rendered.resources).find((c) => withinStack(c) === "prometheus")!;
        assert.deepStrictEqual(prometheus.inputs.hosts, [{ host: "host.docker.internal", ip: "host-gateway" }]);
    });

    it("keeps Prometheus, Alertmanager, Grafana, Loki and Alloy data on named volumes", () => {
        const volumes = out.rendered.resources.filter((r) => r.type === "docker:index/volume:Volume").map((v) => v.inputs.name);
        assert.deepStrictEqual(volumes.sort(), [
            "monitoring-dev-alertmanager-data",
            "monitoring-dev-alloy-data",
            "monitoring-dev-grafana-data",
            "monitoring-dev-loki-data",
            "monitoring-dev-prometheus-data",
        ]);
    });

    it("shows URLs in plain text and every password as a secret output", () => {
        const o = out.rendered.outputs;
        assert.deepStrictEqual(
            { grafana: o.grafanaUrl, prometheus: o.prometheusUrl, alertmanager: o.alertmanagerUrl },
            {
                grafana: { value: "http://127.0.0.1:13000", secret: false },
                prometheus: { value: "http://127.0.0.1:19090", secret: false },
                alertmanager: { value: "http://127.0.0.1:19093", secret: false },
            },
        );
        for (const key of ["grafanaAdminPassword", "prometheusPassword", "alertmanagerPassword"]) {
            assert.deepStrictEqual(o[key], { value: "[secret]", secret: true }, key);
        }
    });

    it("passes every secret-derived input to the engine as a secret", () => {
        const uploads = containers(out.rendered.resources).flatMap((c) => (c.inputs.uploads as { file: string; content: string }[]) ?? []);
        const secretFiles = uploads.filter((u) => /\/secrets\/|web\.yml$/.test(u.file));
        assert.ok(secretFiles.length >= 10, `only ${secretFiles.length} secret files`);
        for (const u of secretFiles) assert.strictEqual(u.content, "[secret]", `${u.file} is not secret`);
        const passwords = out.rendered.resources.filter((r) => r.type === "random:index/randomPassword:RandomPassword");
        // Grafana admin, Prometheus and Alertmanager basic auth, Grafana's /metrics basic auth.
        assert.strictEqual(passwords.length, 4);
    });

    it("writes no secret value into any file or resources.json", () => {
        const files = walk(out.dir);
        assert.ok(files.some((f) => f.endsWith("resources.json")));
        for (const file of files) {
            const text = fs.readFileSync(file, "utf8");
            for (const needle of SECRET_NEEDLES) assert.ok(!text.includes(needle), `${needle} found in ${file}`);
            assert.ok(!text.includes("mockpw"), `a generated password found in ${file}`);
        }
    });

    it("renders no secret file (web.yml, passwords, receiver credentials)", () => {
        const written = out.rendered.files.map((f) => f.path);
        for (const p of written) assert.doesNotMatch(p, /secrets\/|web\.yml$/);
    });
});

describe("dev stack: generated files as data", () => {
    let out: RenderedDir;
    before(async () => {
        out = await renderToDir("dev", FULL_DEV_CONFIG);
    });

    it("prometheus.yml: intervals, rule files, self-scrape, exporters and the user's jobs", () => {
        const prom = yaml.load(out.file("prometheus", "/etc/prometheus/prometheus.yml")) as any;
        assert.deepStrictEqual(prom.global.scrape_interval, "15s");
        assert.deepStrictEqual(prom.rule_files, ["/etc/prometheus/rules/*.yml"]);
        const jobs = Object.fromEntries(prom.scrape_configs.map((j: any) => [j.job_name, j]));
        assert.deepStrictEqual(jobs.prometheus.basic_auth, { username: "admin", password_file: "/etc/prometheus/secrets/password" });
        assert.deepStrictEqual(jobs["node-exporter"].static_configs, [{ targets: ["node-exporter:9100"] }]);
        assert.strictEqual(jobs.payflux.scrape_interval, "10s");
        assert.deepStrictEqual(jobs.payflux.static_configs, [{ targets: ["host.docker.internal:8080"] }]);
        assert.strictEqual(jobs["gifts-api"].metrics_path, "/internal/metrics");
        assert.deepStrictEqual(jobs["gifts-api"].static_configs[0].labels, { team: "gifting" });
        assert.strictEqual(jobs["gifts-api"].scrape_interval, undefined, "no per-job interval: the global one applies");
    });

    it("prometheus.yml: alerts go to Alertmanager with basic auth", () => {
        const prom = yaml.load(out.file("prometheus", "/etc/prometheus/prometheus.yml")) as any;
        assert.deepStrictEqual(prom.alerting.alertmanagers[0].basic_auth, {
            username: "admin",
            password_file: "/etc/prometheus/secrets/alertmanager_password",
        });
        assert.deepStrictEqual(prom.alerting.alertmanagers[0].static_configs, [{ targets: ["alertmanager:9093"] }]);
    });

    it("Prometheus runs with lifecycle reload, web config and retention by time and size", () => {
        const prometheus = containers(out.rendered.resources).find((c) => withinStack(c) === "prometheus")!;
        const args = prometheus.inputs.command as string[];
        for (const flag of [
            "--web.enable-lifecycle",
            "--web.config.file=/etc/prometheus/web.yml",
            "--storage.tsdb.retention.time=15d",
            "--storage.tsdb.retention.size=10GB",
        ]) {
            assert.ok(args.includes(flag), `missing ${flag}`);
        }
        assert.ok(!args.includes("--web.enable-admin-api"), "the admin API stays off unless configured");
    });

    it("alertmanager.yml: one receiver per severity with Slack channel, email and PagerDuty by file", () => {
        const am = yaml.load(out.file("alertmanager", "/etc/alertmanager/alertmanager.yml")) as any;
        const receivers = Object.fromEntries(am.receivers.map((r: any) => [r.name, r]));
        assert.strictEqual(receivers.critical.slack_configs[0].channel, "#alerts-critical");
        assert.strictEqual(receivers.warning.slack_configs[0].channel, "#alerts-warnings");
        assert.strictEqual(receivers.info.slack_configs[0].channel, "#alerts-general");
        assert.strictEqual(receivers.critical.slack_configs[0].api_url_file, "/etc/alertmanager/secrets/slack_webhook_url");
        assert.strictEqual(receivers.critical.email_configs[0].auth_password_file, "/etc/alertmanager/secrets/smtp_password");
        assert.strictEqual(receivers.critical.email_configs[0].require_tls, true);
        assert.strictEqual(receivers.critical.pagerduty_configs[0].routing_key_file, "/etc/alertmanager/secrets/pagerduty_routing_key");
        assert.strictEqual(receivers.warning.pagerduty_configs, undefined, "only criticals page");
        assert.strictEqual(receivers.info.email_configs, undefined, "info is not emailed");
        assert.strictEqual(receivers.sms.webhook_configs[0].url_file, "/etc/alertmanager/secrets/webhook_url");
    });

    it("alertmanager.yml: routes by severity, SMS by matcher with continue, grouping from config", () => {
        const am = yaml.load(out.file("alertmanager", "/etc/alertmanager/alertmanager.yml")) as any;
        assert.strictEqual(am.route.group_wait, "10s");
        assert.strictEqual(am.route.repeat_interval, "2h");
        assert.deepStrictEqual(am.route.group_by, ["alertname", "job", "severity"]);
        const sms = am.route.routes.find((r: any) => r.receiver === "sms");
        assert.deepStrictEqual(sms, { receiver: "sms", matchers: ['notify_sms="true"'], continue: true });
        for (const severity of ["critical", "warning", "info"]) {
            assert.ok(am.route.routes.some((r: any) => r.receiver === severity && r.matchers[0] === `severity="${severity}"`));
        }
    });

    it("alertmanager.yml: a critical inhibits the warning of the same alert and instance", () => {
        const am = yaml.load(out.file("alertmanager", "/etc/alertmanager/alertmanager.yml")) as any;
        assert.deepStrictEqual(am.inhibit_rules[0], {
            source_matchers: ['severity="critical"'],
            target_matchers: ['severity="warning"'],
            equal: ["alertname", "instance"],
        });
    });

    it("Alertmanager keeps its data for the configured retention, gossip off with one replica", () => {
        const am = containers(out.rendered.resources).find((c) => withinStack(c) === "alertmanager")!;
        const args = am.inputs.command as string[];
        assert.ok(args.includes("--data.retention=120h"));
        assert.ok(args.includes("--cluster.listen-address="));
    });

    it("Grafana: datasources with fixed UIDs, passwords by file, anonymous access and sign-up off", () => {
        const ds = yaml.load(out.file("grafana", "/etc/grafana/provisioning/datasources/datasources.yml")) as any;
        const byUid = Object.fromEntries(ds.datasources.map((d: any) => [d.uid, d]));
        assert.strictEqual(byUid.prometheus.url, "http://prometheus:9090");
        assert.strictEqual(byUid.prometheus.secureJsonData.basicAuthPassword, "$__file{/etc/grafana/secrets/prometheus_password}");
        assert.strictEqual(byUid.alertmanager.type, "alertmanager");
        const grafana = containers(out.rendered.resources).find((c) => withinStack(c) === "grafana")!;
        const env = grafana.inputs.envs as string[];
        assert.ok(env.includes("GF_AUTH_ANONYMOUS_ENABLED=false"));
        assert.ok(env.includes("GF_USERS_ALLOW_SIGN_UP=false"));
        assert.ok(env.includes("GF_SECURITY_ADMIN_PASSWORD__FILE=/etc/grafana/secrets/admin_password"));
    });

    it("Grafana: dashboards come from dashboards/ through a polling file provider", () => {
        const provider = yaml.load(out.file("grafana", "/etc/grafana/provisioning/dashboards/dashboards.yml")) as any;
        assert.strictEqual(provider.providers[0].type, "file");
        assert.strictEqual(provider.providers[0].options.foldersFromFilesStructure, true);
        assert.ok(provider.providers[0].updateIntervalSeconds <= 60);
    });
});
