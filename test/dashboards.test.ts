// Every dashboard in dashboards/<folder>/*.json loads in Grafana and shows data from this stack:
// valid structure, unique identity, queries that parse, datasources that exist, and metrics that
// an exporter, a stack component or a recording rule in rules/*.yml actually produces.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { dashboardProblems } from "./support/dashboard-schema";
import {
    allPanels,
    dashboardQueries,
    GRAFANA_BUILTINS,
    logqlStreamLabels,
    looksLikeLogql,
    readPromql,
    recordedLabels,
    variablesIn,
} from "./support/dashboard-queries";
import { cataloguedMetrics, METRIC_SOURCES } from "./support/metrics-catalogue";
import { BUILT_IN_JOBS } from "../config/load";
import { PROBE_JOBS } from "../components/render/blackbox";

const ROOT = path.join(__dirname, "..");
const DASHBOARDS = path.join(ROOT, "dashboards");
const RULES = path.join(ROOT, "rules");
const FOLDERS = ["stack", "services", "infrastructure", "datastores", "logs", "kubernetes"];
/** The datasources the Grafana component provisions, by fixed UID. */
const DATASOURCES: Readonly<Record<string, string>> = { prometheus: "prometheus", alertmanager: "alertmanager", loki: "loki" };
/** Labels the log shipper (Alloy or Promtail) attaches to log streams. */
const LOG_LABELS = new Set(["container", "service", "stack", "job", "level", "filename"]);
/** Every scrape job of the stack: its own and each exporter's in the registry (config/load.ts), plus the probe jobs. */
const STACK_JOBS = new Set([...BUILT_IN_JOBS, ...Object.values(PROBE_JOBS)]);
/** Dashboards that do not filter by instance, and why. */
const NO_INSTANCE_VARIABLE: Readonly<Record<string, string>> = {
    "mon-slo": "SLO recording rules aggregate each job over all its instances",
};
/** One metric per view the issue asks for, proving the view exists. */
const REQUIRED_VIEWS: Readonly<Record<string, string>> = {
    "targets up": "up",
    "firing alerts": "ALERTS",
    "scrape health": "scrape_duration_seconds",
    "HTTP RED by route": "job_route:http_requests:rate5m",
    "SLO error budget": "job:slo_error_budget_remaining:ratio",
    host: "instance:node_cpu_utilisation:rate5m",
    containers: "container:cpu_usage_seconds:rate5m",
    PostgreSQL: "pg_up",
    Redis: "redis_up",
    "Kafka consumer lag": "kafka_consumergroup_lag_sum",
    "probes and certificates": "probe_ssl_earliest_cert_expiry",
    Prometheus: "prometheus_tsdb_head_series",
    Alertmanager: "alertmanager_notifications_failed_total",
    "Kubernetes cluster": "kube_node_info",
    "Kubernetes namespace": "namespace:container_cpu_requests:sum",
    "Kubernetes workload": "namespace_workload_pod:kube_pod_owner:relabel",
    "Kubernetes pod": "kube_pod_container_status_waiting_reason",
    "Kubernetes node": "kubelet_running_pods",
    "persistent volumes": "kubelet_volume_stats_available_bytes",
    "API server": "apiserver_request_duration_seconds_bucket",
    CoreDNS: "coredns_dns_responses_total",
};

type Json = Record<string, unknown>;
interface DashboardFile {
    readonly file: string;
    readonly folder: string;
    readonly json: Json;
    readonly parseError?: string;
}

function dashboardFiles(): string[] {
    if (!fs.existsSync(DASHBOARDS)) return [];
    return fs
        .readdirSync(DASHBOARDS, { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".json"))
        .map((f) => path.join(DASHBOARDS, f))
        .sort();
}

/** Recording rules in rules/*.yml: record name -> expression. */
function recordingRules(): Map<string, string> {
    const rules = new Map<string, string>();
    const files = fs.existsSync(RULES) ? fs.readdirSync(RULES).filter((f) => /\.ya?ml$/.test(f)) : [];
    for (const f of files) {
        const doc = yaml.load(fs.readFileSync(path.join(RULES, f), "utf8")) as { groups?: { rules?: { record?: string; expr?: unknown }[] }[] } | null;
        for (const g of doc?.groups ?? []) for (const r of g.rules ?? []) if (r.record) rules.set(r.record, String(r.expr));
    }
    return rules;
}
const RULES_BY_NAME = recordingRules();
const RULE_LABELS = recordedLabels(RULES_BY_NAME);

const files = dashboardFiles();
const loaded: DashboardFile[] = files.map((file) => {
    const where = { file: path.relative(ROOT, file), folder: path.relative(DASHBOARDS, path.dirname(file)) };
    try {
        return { ...where, json: JSON.parse(fs.readFileSync(file, "utf8")) as Json };
    } catch (err) {
        return { ...where, json: {}, parseError: (err as Error).message };
    }
});
const variablesOf = (d: Json): Json[] => (d.templating as { list?: Json[] } | undefined)?.list ?? [];
const queriesOn = (d: Json, type: string) => dashboardQueries(d).filter((q) => (q.datasource as { type?: string } | undefined)?.type === type);

describe("dashboards", () => {
    it("at least 10 dashboards, each in one of the provisioned folders", () => {
        assert.ok(files.length >= 10, `found ${files.length} dashboards in dashboards/`);
        for (const d of loaded) assert.ok(FOLDERS.includes(d.folder), `${d.file}: folder must be one of ${FOLDERS.join(", ")}`);
        for (const folder of FOLDERS)
            assert.ok(
                loaded.some((d) => d.folder === folder),
                `folder dashboards/${folder}/ is empty`,
            );
    });

    it("uids and titles are unique across all files", () => {
        for (const key of ["uid", "title"]) {
            const seen = new Map<unknown, string>();
            for (const d of loaded) {
                assert.ok(!seen.has(d.json[key]), `${d.file}: ${key} "${String(d.json[key])}" also used by ${seen.get(d.json[key])}`);
                seen.set(d.json[key], d.file);
            }
        }
    });

    it("the stack's recording rules are present in rules/*.yml", () => {
        assert.ok(RULES_BY_NAME.size > 0, "no recording rules found in rules/*.yml; the dashboards read job:*, job_route:* and instance:* rules");
    });

    it("every view the issue asks for is on some dashboard", () => {
        const read = new Set(loaded.flatMap((d) => queriesOn(d.json, "prometheus").flatMap((q) => (q.expr ? readPromql(q.expr).metrics : []))));
        for (const [view, metric] of Object.entries(REQUIRED_VIEWS)) assert.ok(read.has(metric), `no dashboard shows ${view} (reads ${metric})`);
        assert.ok(
            loaded.some((d) => allPanels(d.json).some((p) => p.type === "logs")),
            "no dashboard has a logs panel for live search",
        );
    });

    for (const d of loaded) {
        describe(d.file, () => {
            const json = d.json;
            const panels = allPanels(json).filter((p) => p.type !== "row");
            const variables = variablesOf(json);

            it("parses as JSON", () => assert.equal(d.parseError, undefined));

            it("is a structurally valid Grafana dashboard (@grafana/schema)", () => {
                assert.deepEqual(dashboardProblems(json), []);
                assert.ok(
                    !("__inputs" in json) && !JSON.stringify(json).includes("${DS_"),
                    "export-for-sharing placeholders (${DS_...}) do not resolve when provisioned",
                );
            });

            it("has tags, a refresh interval, a time range and the monitoring tag the dashboard links use", () => {
                assert.ok(Array.isArray(json.tags) && json.tags.includes("monitoring"), "tags must include monitoring");
                assert.ok(typeof json.refresh === "string" && json.refresh !== "", "refresh is not set");
                assert.ok(typeof (json.time as Json | undefined)?.from === "string", "time range is not set");
            });

            it("every panel has a unique title, a description, a unit and thresholds", () => {
                const titles = new Set<unknown>();
                for (const p of panels) {
                    const label = `panel "${String(p.title)}"`;
                    assert.ok(typeof p.title === "string" && p.title.trim() !== "", `${label}: no title`);
                    assert.ok(!titles.has(p.title), `${label}: two panels share this title`);
                    titles.add(p.title);
                    assert.ok(typeof p.description === "string" && p.description.trim().length >= 20, `${label}: description missing or too short`);
                    if (["logs", "text"].includes(p.type as string)) continue;
                    const defaults = ((p.fieldConfig as Json | undefined)?.defaults ?? {}) as Json;
                    assert.ok(typeof defaults.unit === "string" && defaults.unit !== "", `${label}: fieldConfig.defaults.unit is not set`);
                    const steps = ((defaults.thresholds as Json | undefined)?.steps ?? []) as unknown[];
                    assert.ok(steps.length >= 1, `${label}: fieldConfig.defaults.thresholds is not set`);
                    if (["stat", "gauge", "bargauge"].includes(p.type as string)) {
                        // A single blue step marks a figure that is informational by design (a count, a rate).
                        const informational = steps.length === 1 && (steps[0] as Json).color === "blue";
                        const mapped = ((defaults.mappings as unknown[] | undefined) ?? []).length > 0;
                        assert.ok(
                            steps.length >= 2 || mapped || informational,
                            `${label}: a ${String(p.type)} panel needs a threshold step or value mappings (or one blue step if informational)`,
                        );
                    }
                }
            });

            it("every datasource reference resolves to a provisioned UID and matches the query language", () => {
                const queries = dashboardQueries(json);
                assert.ok(queries.length > 0, "no queries");
                for (const q of queries) {
                    const ds = q.datasource as { type?: unknown; uid?: unknown } | undefined;
                    assert.ok(ds && typeof ds === "object" && typeof ds.uid === "string", `${q.where}: datasource must be { type, uid }`);
                    assert.ok(
                        (ds.uid as string) in DATASOURCES,
                        `${q.where}: datasource uid "${String(ds.uid)}" is not one of ${Object.keys(DATASOURCES).join(", ")}`,
                    );
                    assert.equal(
                        ds.type,
                        DATASOURCES[ds.uid as string],
                        `${q.where}: datasource uid "${String(ds.uid)}" has type ${DATASOURCES[ds.uid as string]}`,
                    );
                    if (ds.type === "prometheus") {
                        assert.ok(q.expr !== undefined && q.expr.trim() !== "", `${q.where}: Prometheus query without expr`);
                        assert.ok(!looksLikeLogql(q.expr), `${q.where}: LogQL sent to the Prometheus datasource: ${q.expr}`);
                    }
                    if (ds.type === "loki" && !(q.kind === "variable" && q.expr === "")) {
                        // label_values(label) needs no selector
                        assert.ok(
                            q.expr !== undefined && looksLikeLogql(q.expr),
                            `${q.where}: Loki query must be LogQL with a stream selector: ${String(q.expr)}`,
                        );
                        for (const l of logqlStreamLabels(q.expr))
                            assert.ok(LOG_LABELS.has(l), `${q.where}: stream label "${l}" is not one Promtail sets (${[...LOG_LABELS].join(", ")})`);
                    }
                }
            });

            it("every PromQL expression parses, with range functions over ranges and only stack job names", () => {
                for (const q of queriesOn(json, "prometheus")) {
                    if (!q.expr) continue;
                    const { errors, jobs } = readPromql(q.expr);
                    assert.deepEqual(errors, [], `${q.where}: ${q.expr}`);
                    for (const j of jobs) assert.ok(STACK_JOBS.has(j), `${q.where}: job "${j}" is not a scrape job of the stack`);
                }
            });

            it("every metric read is produced by an exporter, a stack component or a recording rule", () => {
                const catalogue = cataloguedMetrics();
                const rules = RULES_BY_NAME;
                for (const q of queriesOn(json, "prometheus")) {
                    for (const m of q.expr ? readPromql(q.expr).metrics : []) {
                        assert.ok(
                            catalogue.has(m) || rules.has(m),
                            `${q.where}: metric ${m} is not produced by ${Object.keys(METRIC_SOURCES).join(", ")} nor recorded in rules/*.yml`,
                        );
                    }
                }
            });

            it("filters recording rules only on labels the rule keeps", () => {
                for (const q of queriesOn(json, "prometheus")) {
                    for (const sel of q.expr ? readPromql(q.expr).selectors : []) {
                        const kept = RULE_LABELS.get(sel.metric);
                        if (kept === undefined || kept === "all" || kept === "scalar") continue;
                        for (const l of sel.labels)
                            assert.ok(
                                kept.has(l),
                                `${q.where}: ${sel.metric} has no "${l}" label (it keeps ${[...kept].join(", ")}), so the filter matches nothing`,
                            );
                    }
                }
            });

            it("every variable a query uses is defined, and every defined variable is used", () => {
                const defined = new Set(variables.map((v) => v.name as string));
                for (const q of dashboardQueries(json)) {
                    for (const v of variablesIn(q.expr ?? "")) assert.ok(defined.has(v) || GRAFANA_BUILTINS.has(v), `${q.where}: $${v} is not defined`);
                }
                const text = JSON.stringify({ panels: json.panels, templating: json.templating, annotations: json.annotations });
                for (const name of defined) assert.ok(new RegExp(`\\$\\{?${name}\\b`).test(text), `variable $${name} is defined but never used`);
            });

            it("filters by job and instance with query variables on Prometheus (logs: a search box on Loki)", () => {
                const byName = new Map(variables.map((v) => [v.name as string, v]));
                if (queriesOn(json, "prometheus").length === 0) {
                    const search = variables.find((v) => v.type === "textbox");
                    assert.ok(search, "a Loki dashboard needs a text-box variable for live search");
                    assert.ok(
                        queriesOn(json, "loki").some((q) => q.expr?.includes(`$${String(search.name)}`)),
                        "the search box is not used by any LogQL query",
                    );
                    return;
                }
                const needed = NO_INSTANCE_VARIABLE[json.uid as string] ? ["job"] : ["job", "instance"];
                for (const name of needed) {
                    const v = byName.get(name);
                    assert.ok(v, `no $${name} variable`);
                    assert.equal(v.type, "query", `$${name} must be a query variable`);
                    assert.deepEqual(v.datasource, { type: "prometheus", uid: "prometheus" }, `$${name} must query the Prometheus datasource`);
                }
                if (byName.has("instance"))
                    assert.match(JSON.stringify(byName.get("instance")!.query), /job=~\\"\$job\\"/, "$instance must be filtered by the selected $job");
            });

            it("links to other dashboards point at uids that exist", () => {
                const uids = new Set(loaded.map((x) => x.json.uid));
                for (const m of JSON.stringify(json).matchAll(/\/d\/([A-Za-z0-9_-]+)/g))
                    assert.ok(uids.has(m[1]), `link to /d/${m[1]}: no dashboard has that uid`);
            });
        });
    }
});
