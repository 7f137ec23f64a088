import * as assert from "assert";
import * as fs from "fs";
import * as yaml from "js-yaml";
import { loadConfig, objectConfigSource } from "../config";
import { settingsOf } from "../config/exporters";
import { postgresExporter } from "../components/exporters/postgres";
import { checkWithRealTools } from "./support/check-render";
import { FAKE_SECRETS, RenderedDir, renderToDir } from "./support/render";
import { requireTool } from "./support/tools";

/** Values at the edge of what each consumer takes: the render must carry them so the real tools accept them. */
const EDGE_VALUES = {
    ...FAKE_SECRETS,
    // Alertmanager's --data.retention is a Go duration: 7d must reach it as 168h.
    alertmanager: { retention: "7d" },
    retention: { time: "292y", size: "7EB" },
    scrapeInterval: "1m30s",
    targets: [
        { job: "payflux", targets: ["host.docker.internal:8080"], interval: "5s", timeout: "5s", labels: { team: 'a"b{{c}}$1' } },
        { job: "gifts_api.v2", targets: ["[::1]:3001"], timeout: "1m" },
    ],
    prometheus: { externalLabels: { region: "$HOME", cluster: "${USER}-eu" } },
    // A `"`, a `{{` and `$&` used to break the rule files.
    runbookBaseUrl: 'https://wiki.example.com/run"books/{{x}}/$&$1/',
    postgresDsn: "postgresql://monitor:50%25off@db.example.com:6543?sslmode=disable",
    exporters: {
        postgres: true,
        kafka: { brokers: ["kafka:9092"], topicFilter: "(?i)^orders-.*", groupFilter: "^(?P<team>[a-z]+)-consumer$" },
        blackbox: { probes: [{ url: "https://api.example.com/health" }, { url: "db.example.com:5432", module: "tcp_connect" }], timeout: "1d" },
    },
    alerting: {
        slack: {},
        email: {
            to: "oncall@example.com, Team Lead <lead@example.com>",
            from: "Alerts <alerts@example.com>",
            smarthost: "smtp.example.com:587",
            username: "alerts",
        },
        pagerduty: {},
        webhook: { matchers: ['service=~"(?i)api|web"', 'team!~"^(ops|sre)$"', 'note="say \\"hi\\""'] },
        route: { repeatInterval: "1w" },
    },
    resources: { prometheus: { cpuRequest: "1.5", cpuLimit: "1500m", memoryRequest: "1Gi", memoryLimit: "1Gi" } },
};

describe("accepted edge values", () => {
    it("are accepted by the configuration", () => {
        const config = loadConfig(objectConfigSource(EDGE_VALUES), "dev");
        assert.strictEqual(settingsOf(config.exporters, postgresExporter)?.port, 6543, "the DSN's port, though it names no database");
        assert.strictEqual(config.alertmanager.retention, "7d");
    });

    describe("rendered, and checked by promtool, amtool and the blackbox exporter", () => {
        let out: RenderedDir;
        const roots: string[] = [];
        before(async () => {
            out = await renderToDir("dev", EDGE_VALUES);
        });
        after(() => {
            for (const dir of [...roots, out?.dir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
        });

        it("hands Alertmanager its retention in hours and the blackbox exporter its timeout without d", () => {
            const args =
                (out.rendered.resources.find((r) => r.type === "docker:index/container:Container" && r.name.includes("alertmanager"))?.inputs as any)
                    ?.command ?? out.rendered.resources.flatMap((r) => JSON.stringify(r.inputs).match(/--data\.retention=[^"]+/g) ?? []);
            assert.match(JSON.stringify(args), /--data\.retention=168h"/);
            const blackbox = yaml.load(out.file("blackbox-exporter", "/etc/blackbox_exporter/blackbox.yml")) as any;
            assert.strictEqual(blackbox.modules.http_2xx.timeout, "24h");
        });

        it("keeps the runbook URL, external labels and job labels exactly as given", () => {
            const rules = yaml.load(out.file("prometheus", "/etc/prometheus/rules/host.yml")) as any;
            const link: string = rules.groups.flatMap((g: any) => g.rules).find((r: any) => r.alert).annotations.runbook_url;
            assert.ok(link.startsWith('https://wiki.example.com/run"books/{{ "{{" }}x}}/$&$1/RUNBOOK.md#'), link);
            const prom = yaml.load(out.file("prometheus", "/etc/prometheus/prometheus.yml")) as any;
            assert.strictEqual(prom.global.external_labels.region, "$$HOME");
            const payflux = prom.scrape_configs.find((j: any) => j.job_name === "payflux");
            assert.strictEqual(payflux.static_configs[0].labels.team, 'a"b{{c}}$1');
            assert.strictEqual(payflux.scrape_timeout, "5s");
        });

        it("promtool, amtool and blackbox_exporter --config.check accept every file", function () {
            const tools = {
                promtool: requireTool(this, "promtool"),
                amtool: requireTool(this, "amtool"),
                blackbox: requireTool(this, "blackbox_exporter"),
            };
            roots.push(...checkWithRealTools([out], tools));
        });
    });
});
