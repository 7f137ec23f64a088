// Dashboards a user brings (monitoring:dashboards), the built-in ones that follow what runs, and
// the RED dashboard following monitoring:http: checked at load, provisioned into their folders.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { ConfigError, loadConfig, objectConfigSource } from "../config";
import { promqlQueries, STACK_DATASOURCES } from "../config/dashboards";
import { shippedFiles } from "../config/shipped-files";
import { promqlError } from "../config/promql";
import { readStackFile } from "../scripts/lib/stack-file";
import { renderToDir, RenderedDir } from "./support/render";
import { DEPLOYMENT, one, prodValues } from "./support/prod";

const EXAMPLE = "examples/own-dashboards.yaml";
const load = (values: Record<string, unknown>, stack = "dev") => loadConfig(objectConfigSource(values), stack);
type Json = Record<string, unknown>;

/** A temp folder of dashboard files, removed after the test. */
function fixture(files: Record<string, unknown>): { dir: string; done: () => void } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "user-dashboards-"));
    for (const [name, content] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), typeof content === "string" ? content : JSON.stringify(content));
    }
    return { dir, done: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

const dashboard = (uid: string, expr: string, ds: unknown = { type: "prometheus", uid: "${DS_PROMETHEUS}" }, extra: Json = {}) => ({
    __inputs: [{ name: "DS_PROMETHEUS", type: "datasource", pluginId: "prometheus" }],
    title: `Dashboard ${uid}`,
    uid,
    schemaVersion: 41,
    panels: [{ id: 1, type: "timeseries", title: "p", datasource: ds, targets: [{ refId: "A", datasource: ds, expr }] }],
    ...extra,
});

/** Every datasource reference of a dashboard. */
function datasourceRefs(json: unknown): unknown[] {
    if (Array.isArray(json)) return json.flatMap(datasourceRefs);
    if (typeof json !== "object" || json === null) return [];
    return Object.entries(json).flatMap(([k, v]) => (k === "datasource" ? [v] : datasourceRefs(v)));
}

describe("user dashboards (monitoring:dashboards)", () => {
    it("maps __inputs placeholders and foreign UIDs onto the stack's datasources by type", () => {
        const f = fixture({
            "a.json": dashboard("a", 'rate(x_total{job="$job"}[$__rate_interval])'),
            "b.json": dashboard("b", "up", { type: "prometheus", uid: "love-prom" }),
            "c.json": dashboard("c", "up", "Old Prom"),
        });
        try {
            const config = load({ dashboards: [{ folder: "Team", path: f.dir, datasources: { "Old Prom": "prometheus" } }] });
            const [folder] = config.dashboards;
            assert.equal(folder.folder, "Team");
            assert.deepEqual(
                folder.dashboards.map((d) => d.uid),
                ["a", "b", "c"],
            );
            for (const d of folder.dashboards) {
                assert.ok(!("__inputs" in d.json) && !JSON.stringify(d.json).includes("${DS_"), `${d.uid} keeps a placeholder`);
                for (const ref of datasourceRefs(d.json)) assert.deepEqual(ref, { type: "prometheus", uid: STACK_DATASOURCES.prometheus.uid });
            }
        } finally {
            f.done();
        }
    });

    it("takes a file, a folder or a glob", () => {
        const f = fixture({ "x/one.json": dashboard("one", "up"), "x/two.json": dashboard("two", "up"), "y/three.json": dashboard("three", "up") });
        try {
            const uids = (p: string) => load({ dashboards: [{ folder: "T", path: p }] }).dashboards[0].dashboards.map((d) => d.uid);
            assert.deepEqual(uids(path.join(f.dir, "x/one.json")), ["one"]);
            assert.deepEqual(uids(path.join(f.dir, "x")), ["one", "two"]);
            assert.deepEqual(uids(path.join(f.dir, "*/t*.json")), ["two", "three"]);
            assert.deepEqual(uids(path.join(f.dir, "**/*.json")), ["one", "two", "three"]);
        } finally {
            f.done();
        }
    });

    it("refuses a bad file with the key and the file in one line", () => {
        const builtInUid = shippedFiles().dashboards[0].uid;
        const f = fixture({
            "broken.json": "{ not json",
            "dup.json": dashboard(builtInUid, "up"),
            "influx.json": { ...dashboard("influx", "up"), __inputs: [{ name: "DS_PROMETHEUS", type: "datasource", pluginId: "influxdb" }] },
            "foreign.json": dashboard("foreign", "up", { type: "elasticsearch", uid: "es1" }),
            "promql.json": dashboard("promql", "sum(rate(x[5m])"),
            "nouid.json": { ...dashboard("x", "up"), uid: undefined },
            "twice-a.json": dashboard("same", "up"),
            "twice-b.json": dashboard("same", "up", undefined, { title: "Other title" }),
            "loki.json": dashboard("loki", "up", { type: "loki", uid: "my-loki" }),
        });
        const cases: [Json, RegExp][] = [
            [{ path: "broken.json" }, /^monitoring:dashboards\[0\]\.path: .*broken\.json: is not JSON/],
            [{ path: "dup.json" }, new RegExp(`^monitoring:dashboards\\[0\\]\\.path: .*dup\\.json: uid "${builtInUid}" is also used by the built-in`)],
            [{ path: "influx.json" }, /influx\.json: __inputs DS_PROMETHEUS wants a influxdb datasource/],
            [{ path: "foreign.json" }, /foreign\.json: panel "p": datasource .*elasticsearch.* has no match/],
            [{ path: "promql.json" }, /promql\.json: panel "p" \(refId A\): PromQL "sum\(rate\(x\[5m\]\)" does not parse/],
            [{ path: "nouid.json" }, /nouid\.json: uid undefined is not 1-40/],
            [{ path: "twice-*.json" }, /twice-b\.json: uid "same" is also used by .*twice-a\.json/],
            [{ path: "nothing-*.json" }, /^monitoring:dashboards\[0\]\.path: ".*nothing-\*\.json" matches no file/],
            [{ path: "missing.json" }, /^monitoring:dashboards\[0\]\.path: ".*missing\.json" does not exist/],
            [{ path: "dup.json", folder: "a/b" }, /^monitoring:dashboards\[0\]\.folder: "a\/b" is not a folder title/],
            [{ path: "dup.json", datasources: { x: "influxdb" } }, /^monitoring:dashboards\[0\]\.datasources\.x: "influxdb" is not one of/],
        ];
        try {
            for (const [entry, message] of cases) {
                const values = { dashboards: [{ folder: "T", ...entry, path: path.join(f.dir, String(entry.path)) }] };
                assert.throws(
                    () => load(values),
                    (e: Error) => e instanceof ConfigError && message.test(e.message) && !e.message.includes("\n"),
                    `${JSON.stringify(entry)}: expected ${message}`,
                );
            }
            // Loki is a datasource only while logs run.
            const lokiPath = path.join(f.dir, "loki.json");
            assert.equal(load({ dashboards: [{ folder: "T", path: lokiPath }] }).dashboards[0].dashboards[0].uid, "loki");
            assert.throws(
                () => load({ logs: { enabled: false }, dashboards: [{ folder: "T", path: lokiPath }] }),
                /loki\.json: .*has no match among the stack's \(prometheus/,
            );
        } finally {
            f.done();
        }
    });

    it("turns built-in dashboards off by name, and says which names exist", () => {
        assert.deepEqual(load({ grafana: { disabledDashboards: ["datastores/kafka"] } }).grafana.disabledDashboards, ["datastores/kafka"]);
        assert.throws(
            () => load({ grafana: { disabledDashboards: ["kafka"] } }),
            /monitoring:grafana\.disabledDashboards\[0\]: "kafka" is not one of .*datastores\/kafka/,
        );
    });
});

describe(`the example ${EXAMPLE}, rendered for dev`, () => {
    let out: RenderedDir;
    const grafanaFiles = () => {
        const base = path.join(out.dir, "files", "grafana");
        return fs
            .readdirSync(base, { recursive: true, encoding: "utf8" })
            .filter((f) => f.endsWith(".json"))
            .map((f) => `/${f}`)
            .sort();
    };
    before(async () => {
        const values = Object.fromEntries(Object.entries(readStackFile(EXAMPLE).config).map(([k, v]) => [k.replace(/^monitoring:/, ""), v]));
        out = await renderToDir("dev", values);
    });
    after(() => fs.rmSync(path.dirname(out.dir), { recursive: true, force: true }));

    it("provisions every user dashboard into its folder, with the stack's datasources", () => {
        const providers = (yaml.load(out.file("grafana", "/etc/grafana/provisioning/dashboards/dashboards.yml")) as { providers: Json[] }).providers;
        const folderOf = (file: string) => providers.find((p) => p.folder !== undefined && file.startsWith(`${(p.options as Json).path}/`))?.folder;
        const expected: Record<string, string> = { "payflux-overview": "Payments", "payflux-checkout": "Payments", "platform-gateway": "Platform" };
        const seen: Record<string, string> = {};
        const uids = new Set<string>(Object.values(STACK_DATASOURCES).map((d) => d.uid));
        for (const file of grafanaFiles().filter((f) => f.startsWith("/etc/grafana/user-dashboards/"))) {
            const json = JSON.parse(out.file("grafana", file)) as Json;
            seen[String(json.uid)] = String(folderOf(file));
            assert.ok(!JSON.stringify(json).includes("${"), `${file} keeps an unresolved placeholder`);
            for (const ref of datasourceRefs(json)) {
                const uid = typeof ref === "string" ? ref : (ref as Json).uid;
                assert.ok(uids.has(String(uid)) || String(uid).startsWith("-- "), `${file}: datasource ${JSON.stringify(ref)} is not the stack's`);
            }
            for (const q of promqlQueries(json)) assert.equal(promqlError(q.expr), undefined, `${file} ${q.where}`);
        }
        assert.deepEqual(seen, expected);
        const gateway = JSON.parse(
            out.file(
                "grafana",
                grafanaFiles().find((f) => f.endsWith("gateway.json"))!,
            ),
        ) as Json;
        assert.match(JSON.stringify(gateway), /env=\\"prod\\"/, "a constant __inputs value is filled in");
    });

    it("ships the built-in dashboards of what runs, minus the ones turned off", () => {
        const names = grafanaFiles()
            .filter((f) => f.startsWith("/etc/grafana/dashboards/"))
            .map((f) => f.replace(/^\/etc\/grafana\/dashboards\/|\.json$/g, ""));
        assert.deepEqual(names.sort(), [
            "datastores/kafka",
            "infrastructure/host",
            "logs/logs",
            "services/http-red",
            "stack/alertmanager",
            "stack/logging-pipeline",
            "stack/overview",
            "stack/prometheus",
        ]);
    });

    it("points the RED dashboard at the renamed status label and metrics, through the parser", () => {
        const red = out.file("grafana", "/etc/grafana/dashboards/services/http-red.json");
        const json = JSON.parse(red) as Json;
        const exprs = promqlQueries(json).map((q) => q.expr);
        for (const e of exprs) assert.equal(promqlError(e), undefined, e);
        assert.ok(
            exprs.some((e) => /sum by \(status\)/.test(e)),
            "responses are grouped by status",
        );
        assert.ok(exprs.some((e) => /http_server_requests_total\{[^}]*status=~"429\|401\|403"/.test(e)));
        assert.ok(!exprs.some((e) => /\bcode\b|http_requests_total|http_request_duration_seconds_bucket/.test(e)), "a default name survived");
        assert.match(red, /"legendFormat": "\{\{status\}\}"/);
        assert.match(red, /label_values\(http_server_requests_total\{job=~\\"\$job\\"\}, instance\)/);
    });

    it("sets the Prometheus datasource's timeInterval to the scrape interval", () => {
        const ds = yaml.load(out.file("grafana", "/etc/grafana/provisioning/datasources/datasources.yml")) as { datasources: Json[] };
        assert.equal((ds.datasources.find((d) => d.type === "prometheus")!.jsonData as Json).timeInterval, "30s");
    });
});

describe("built-in dashboards follow the exporters", () => {
    it("ships the Kafka, PostgreSQL, Redis and probe dashboards with their exporters, the SLO one with SLOs", async () => {
        const out = await renderToDir("dev", {
            exporters: {
                kafka: { brokers: ["k:9092"] },
                redis: { address: "r:6379" },
                postgres: true,
                blackbox: { probes: [{ url: "https://x.example.com" }] },
            },
            postgresDsn: "postgresql://u:FAKE-pw@db:5432/app",
            slos: [{ job: "api", availability: 0.99 }],
            logs: { enabled: false },
        });
        try {
            const dir = path.join(out.dir, "files", "grafana", "etc", "grafana", "dashboards");
            const names = fs
                .readdirSync(dir, { recursive: true, encoding: "utf8" })
                .filter((f) => f.endsWith(".json"))
                .map((f) => f.replace(/\.json$/, ""))
                .sort();
            assert.deepEqual(names, [
                "datastores/kafka",
                "datastores/postgresql",
                "datastores/redis",
                "infrastructure/containers",
                "infrastructure/host",
                "services/http-red",
                "services/probes",
                "services/slo",
                "stack/alertmanager",
                "stack/overview",
                "stack/prometheus",
            ]);
        } finally {
            fs.rmSync(path.dirname(out.dir), { recursive: true, force: true });
        }
    });
});

describe("user dashboards on Kubernetes", () => {
    it("reach Grafana by a ConfigMap directory volume and an edit changes no pod-template annotation (hot reload)", async () => {
        const f = fixture({ "team/a.json": dashboard("hot-a", "up") });
        const render = () => renderToDir("prod", prodValues({ dashboards: [{ folder: "Team", path: path.join(f.dir, "team") }] }));
        try {
            const before = await render();
            fs.writeFileSync(path.join(f.dir, "team/a.json"), JSON.stringify(dashboard("hot-a", "sum(up)")));
            const after = await render();
            const grafana = (r: RenderedDir) => one(r.rendered.resources, DEPLOYMENT, "grafana");
            const template = (r: RenderedDir) => grafana(r).spec.template;
            assert.deepEqual(template(after).metadata.annotations, template(before).metadata.annotations, "a dashboard edit would restart Grafana");
            const configMaps = (r: RenderedDir) =>
                r.rendered.resources.filter((x) => x.type === "kubernetes:core/v1:ConfigMap" && JSON.stringify(x.inputs.data ?? {}).includes("hot-a"));
            assert.equal(configMaps(before).length, 1, "the dashboard is in one ConfigMap");
            assert.notDeepEqual(configMaps(after)[0].inputs.data, configMaps(before)[0].inputs.data, "the ConfigMap carries the edit");
            const mounts = template(before).spec.containers[0].volumeMounts as { mountPath: string; subPath?: string }[];
            const mount = mounts.find((m) => m.mountPath.startsWith("/etc/grafana/user-dashboards"));
            assert.ok(mount && !mount.subPath, "mounted as a directory (a subPath mount never sees an update)");
            for (const r of [before, after]) fs.rmSync(path.dirname(r.dir), { recursive: true, force: true });
        } finally {
            f.done();
        }
    });
});
