// Grafana settings, single sign-on and Grafana's own scrape; the user's targets with auth, TLS
// and relabelling; per-exporter scrape intervals; Docker networks. All through the example
// examples/own-dashboards.yaml where a user would see them, the rest as configuration errors.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { ConfigError, loadConfig, objectConfigSource } from "../config";
import { grafanaEnvironment, grafanaSettings } from "../components/render/grafana-settings";
import { readStackFile } from "../scripts/lib/stack-file";
import { GRAFANA_INI_KEYS, GRAFANA_INI_SOURCE, iniKeyOf } from "./support/grafana-ini-keys";
import { relocate, renderToDir, RenderedDir, walk } from "./support/render";
import { requireTool } from "./support/tools";
import { withinStack } from "./support/stack-names";

const EXAMPLE = "examples/own-dashboards.yaml";
const load = (values: Record<string, unknown>, stack = "dev") => loadConfig(objectConfigSource(values), stack);
type Json = Record<string, unknown>;
const exampleValues = () => Object.fromEntries(Object.entries(readStackFile(EXAMPLE).config).map(([k, v]) => [k.replace(/^monitoring:/, ""), v]));

const SSO = {
    rootUrl: "https://grafana.example.com/",
    auth: {
        genericOauth: {
            clientId: "grafana",
            authUrl: "https://sso.example.com/auth",
            tokenUrl: "https://sso.example.com/token",
            apiUrl: "https://sso.example.com/userinfo",
        },
        github: { clientId: "gh", allowedOrganizations: ["acme"], teamIds: [42] },
        google: { clientId: "gg", allowedDomains: ["acme.com"], hostedDomain: "acme.com" },
        azuread: { clientId: "az", tenantId: "0000-1111", allowedGroups: ["g1"] },
        ldap: { host: "ldap.acme.com", bindDn: "cn=grafana,dc=acme", searchBaseDns: ["dc=acme"] },
    },
    smtp: { host: "smtp.acme.com:587", user: "grafana", fromAddress: "grafana@acme.com" },
};
const SSO_SECRETS = {
    grafanaOauthClientSecret: "FAKE-1",
    grafanaGithubClientSecret: "FAKE-2",
    grafanaGoogleClientSecret: "FAKE-3",
    grafanaAzureAdClientSecret: "FAKE-4",
    grafanaLdapBindPassword: "FAKE-5",
    grafanaSmtpPassword: "FAKE-6",
};

describe("Grafana settings (monitoring:grafana)", () => {
    it(`sets only grafana.ini keys Grafana has (${GRAFANA_INI_SOURCE}), every secret through a __FILE variable`, () => {
        const config = load({ grafana: SSO, ...SSO_SECRETS });
        const files = {
            adminPassword: "/s/admin",
            metricsPassword: "/s/metrics",
            databaseUrl: "/s/db",
            smtpPassword: "/s/smtp",
            genericOauthClientSecret: "/s/oauth",
            githubClientSecret: "/s/gh",
            googleClientSecret: "/s/google",
            azureadClientSecret: "/s/az",
            ldapConfig: "/etc/grafana/ldap/ldap.toml",
        };
        const env = grafanaEnvironment(grafanaSettings(config.grafana, files, { tls: { certFile: "/t/c", keyFile: "/t/k" } }));
        const unknown = Object.keys(env).filter((name) => !iniKeyOf(name));
        assert.deepEqual(unknown, [], "variables naming no grafana.ini key");
        for (const [name, value] of Object.entries(env)) {
            if (/PASSWORD|SECRET/.test(name)) assert.ok(name.endsWith("__FILE") && value.startsWith("/s/"), `${name} must come from a file`);
        }
        for (const provider of ["GENERIC_OAUTH", "GITHUB", "GOOGLE", "AZUREAD"])
            assert.equal(env[`GF_AUTH_${provider}_CLIENT_SECRET__FILE`] !== undefined, true, provider);
        assert.equal(env.GF_AUTH_AZUREAD_AUTH_URL, "https://login.microsoftonline.com/0000-1111/oauth2/v2.0/authorize");
        assert.equal(env.GF_SERVER_ROOT_URL, "https://grafana.example.com/");
        assert.equal(env.GF_METRICS_BASIC_AUTH_PASSWORD__FILE, "/s/metrics");
        assert.ok(GRAFANA_INI_KEYS["auth.generic_oauth"].includes("use_pkce"));
    });

    it("names the key in one line for every bad setting", () => {
        const cases: [Json, RegExp][] = [
            [
                { grafana: { auth: { github: { clientId: "x" } }, rootUrl: "https://g.example.com/" } },
                /^monitoring:grafanaGithubClientSecret: is required when monitoring:grafana\.auth\.github is set; run: pulumi config set --secret/,
            ],
            [
                { grafana: { auth: { genericOauth: { clientId: "x", authUrl: "https://a", tokenUrl: "https://t" } } }, grafanaOauthClientSecret: "FAKE" },
                /^monitoring:grafana\.rootUrl: is required with an OAuth provider/,
            ],
            [{ grafana: { rootUrl: "https://g.example.com" } }, /^monitoring:grafana\.rootUrl: .* must end with \//],
            [
                { grafana: { auth: { genericOauth: { clientId: "x", tokenUrl: "https://t" } }, rootUrl: "https://g.example.com/" } },
                /^monitoring:grafana\.auth\.genericOauth\.authUrl: is missing/,
            ],
            [
                { grafana: { auth: { azuread: { clientId: "x" } }, rootUrl: "https://g.example.com/" } },
                /^monitoring:grafana\.auth\.azuread\.tenantId: is missing/,
            ],
            [{ grafana: { auth: { disableLoginForm: true } } }, /^monitoring:grafana\.auth\.disableLoginForm: would leave no way to sign in/],
            [{ grafana: { auth: { okta: {} } } }, /^monitoring:grafana\.auth\.okta: unknown key/],
            [
                {
                    grafana: { auth: { ldap: { host: "l", bindDn: "cn=x", searchBaseDns: ["dc=x"], useSsl: true, startTls: true } } },
                    grafanaLdapBindPassword: "FAKE",
                },
                /^monitoring:grafana\.auth\.ldap\.startTls: and useSsl are exclusive/,
            ],
            [
                { grafana: { smtp: { host: "smtp.example.com", fromAddress: "g@example.com" } } },
                /^monitoring:grafana\.smtp\.host: "smtp\.example\.com" is not host:port/,
            ],
            [
                { grafana: { smtp: { host: "smtp.example.com:587", user: "u", fromAddress: "g@example.com" } } },
                /^monitoring:grafanaSmtpPassword: is required when monitoring:grafana\.smtp\.user is set/,
            ],
            [{ grafana: { adminUser: "a b" } }, /^monitoring:grafana\.adminUser: "a b" is not a login/],
        ];
        for (const [values, message] of cases) {
            assert.throws(
                () => load(values),
                (e: Error) => e instanceof ConfigError && message.test(e.message) && !e.message.includes("\n"),
                JSON.stringify(values),
            );
        }
    });
});

describe("targets, exporters' scrape settings and Docker networks (configuration errors)", () => {
    it("refuses a timeout above the interval, naming the key", () => {
        assert.throws(
            () => load({ targets: [{ job: "a", targets: ["a:1"], interval: "10s", timeout: "15s" }] }),
            /^ConfigError: monitoring:targets\[0\]\.timeout: 15s is longer than the scrape interval 10s/,
        );
        assert.throws(
            () => load({ scrapeInterval: "5s", targets: [{ job: "a", targets: ["a:1"], timeout: "10s" }] }),
            /monitoring:targets\[0\]\.timeout: 10s is longer than the scrape interval 5s/,
        );
        assert.throws(
            () => load({ exporters: { kafka: { brokers: ["k:9092"], scrapeInterval: "5s", scrapeTimeout: "6s" } } }),
            /monitoring:exporters\.kafka\.scrapeTimeout: 6s is longer than the scrape interval 5s/,
        );
        assert.throws(
            () => load({ exporters: { node: { scrapeTimeout: "20s" } } }),
            /monitoring:exporters\.node\.scrapeTimeout: 20s is longer than the scrape interval 15s/,
        );
    });

    it("checks relabel rules by Prometheus' rules (RE2) and credentials by name", () => {
        const target = (extra: Json) => ({ targets: [{ job: "a", targets: ["a:1"], ...extra }] });
        const cases: [Json, RegExp][] = [
            [
                target({ relabelConfigs: [{ regex: "(?!x).*", target_label: "y" }] }),
                /targets\[0\]\.relabelConfigs\[0\]\.regex: .* is not an RE2 regular expression/,
            ],
            [target({ relabelConfigs: [{ regex: "(a)\\1", target_label: "y" }] }), /relabelConfigs\[0\]\.regex: .* is not an RE2 regular expression/],
            [
                target({ metricRelabelConfigs: [{ regex: "(", action: "drop", source_labels: ["__name__"] }] }),
                /metricRelabelConfigs\[0\]\.regex: "\(" is not an RE2 regular expression/,
            ],
            [
                target({ relabelConfigs: [{ action: "hashmod", source_labels: ["a"], target_label: "b" }] }),
                /relabelConfigs\[0\]\.modulus: is missing; action hashmod needs it/,
            ],
            [target({ relabelConfigs: [{ action: "explode" }] }), /relabelConfigs\[0\]\.action: "explode" is not one of/],
            [target({ relabelConfigs: [{ sourceLabels: ["a"] }] }), /relabelConfigs\[0\]\.sourceLabels: unknown key; expected one of source_labels/],
            [target({ basicAuth: { username: "u", password: "x" } }), /targets\[0\]\.basicAuth\.password: unknown key/],
            [
                target({ basicAuth: { username: "u", passwordSecret: "nope" } }),
                /^ConfigError: monitoring:targets\[0\]: names the secret "nope", which monitoring:targetSecrets does not hold/,
            ],
            [target({ tls: { caFile: "does/not/exist.pem" } }), /targets\[0\]\.tls\.caFile: "does\/not\/exist\.pem" does not exist/],
            [target({ tls: { certFile: "examples/certs/internal-ca.pem" } }), /targets\[0\]\.tls\.keySecret: is missing/],
            [target({ scheme: "http", tls: { insecureSkipVerify: true } }), /targets\[0\]\.scheme: is http, but tls is set/],
            [{ docker: { networks: ["bad name"] } }, /monitoring:docker\.networks\[0\]: "bad name" is not a Docker network name/],
        ];
        for (const [values, message] of cases) assert.throws(() => load(values), message, JSON.stringify(values));
        assert.throws(() => load({ platform: "kubernetes", docker: { networks: ["app"] } }, "prod"), /monitoring:docker\.networks: applies to Docker only/);
        assert.ok(load(target({ relabelConfigs: [{ regex: "(?P<host>[^:]+):.*", target_label: "host", replacement: "$host" }] })));
    });
});

describe(`the example ${EXAMPLE}: SSO, targets with auth and TLS, the application's network`, () => {
    let out: RenderedDir;
    const scratch: string[] = [];
    before(async () => {
        out = await renderToDir("dev", exampleValues());
    });
    after(() => {
        fs.rmSync(path.dirname(out.dir), { recursive: true, force: true });
        for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
    });
    const container = (name: string) => out.rendered.resources.find((r) => r.type === "docker:index/container:Container" && withinStack(r) === name)!;

    it("renders a prometheus.yml with auth and TLS targets that promtool accepts", function () {
        const bin = requireTool(this, "promtool");
        const { root } = relocate(out, "prometheus", ["/etc/prometheus"]);
        scratch.push(root);
        const prometheusYml = path.join(root, "etc/prometheus/prometheus.yml");
        // Secret files are never rendered: stand-ins where the config points.
        for (const [, file] of fs.readFileSync(prometheusYml, "utf8").matchAll(/(?:password_file|credentials_file|key_file): (\S+)/g)) {
            fs.mkdirSync(path.dirname(file), { recursive: true });
            if (!fs.existsSync(file)) fs.writeFileSync(file, "dummy\n");
        }
        const output = execFileSync(bin, ["check", "config", prometheusYml], { encoding: "utf8" });
        assert.match(output, /SUCCESS/);
        const jobs = (yaml.load(out.file("prometheus", "/etc/prometheus/prometheus.yml")) as { scrape_configs: Json[] }).scrape_configs;
        const job = (name: string) => jobs.find((j) => j.job_name === name)!;
        assert.deepEqual(job("payflux").basic_auth, { username: "prometheus", password_file: "/etc/prometheus/secrets/targets/payflux/password" });
        assert.deepEqual(job("gifts-api").authorization, { type: "Bearer", credentials_file: "/etc/prometheus/secrets/targets/gifts-api/token" });
        assert.deepEqual(job("gifts-api").tls_config, { ca_file: "/etc/prometheus/targets/gifts-api/ca.pem", server_name: "gifts-api.internal" });
        assert.equal(out.file("prometheus", "/etc/prometheus/targets/gifts-api/ca.pem"), fs.readFileSync("examples/certs/internal-ca.pem", "utf8"));
        assert.deepEqual(
            [job("kafka-exporter").scrape_interval, job("kafka-exporter").scrape_timeout],
            ["5s", "5s"],
            "Kafka's 10s timeout follows a 5s interval",
        );
        assert.deepEqual([job("node-exporter").scrape_interval, job("node-exporter").scrape_timeout], ["1m", "20s"]);
        assert.deepEqual(job("grafana").basic_auth, { username: "prometheus", password_file: "/etc/prometheus/secrets/grafana_metrics_password" });
    });

    it("puts no secret value into any rendered file, resource input or environment", () => {
        const values = exampleValues();
        const secrets = [
            values.grafanaOauthClientSecret,
            values.grafanaLdapBindPassword,
            values.grafanaSmtpPassword,
            ...Object.values(values.targetSecrets as Record<string, string>),
        ].map(String);
        assert.ok(secrets.every((s) => s.startsWith("FAKE-")) && secrets.length === 5);
        const texts = [...walk(out.dir).map((f) => fs.readFileSync(f, "utf8")), JSON.stringify(out.rendered.resources)];
        for (const secret of secrets) for (const text of texts) assert.ok(!text.includes(secret), `a secret leaked: ${secret.slice(0, 9)}...`);
        const ldap = out.file("grafana", "/etc/grafana/ldap/ldap.toml");
        assert.match(ldap, /bind_password = "\$__file\{\/etc\/grafana\/secrets\/ldap_bind_password\}"/);
    });

    it("configures Grafana's SSO and mail with client secrets as files, and only keys grafana.ini has", () => {
        const envs = container("grafana").inputs.envs as string[];
        const env = Object.fromEntries(envs.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
        assert.equal(env.GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET__FILE, "/etc/grafana/secrets/generic_oauth_client_secret");
        assert.equal(env.GF_SMTP_PASSWORD__FILE, "/etc/grafana/secrets/smtp_password");
        assert.equal(env.GF_SECURITY_ADMIN_USER, "ops-admin");
        assert.equal(env.GF_AUTH_LDAP_CONFIG_FILE, "/etc/grafana/ldap/ldap.toml");
        assert.deepEqual(
            Object.keys(env).filter((name) => name.startsWith("GF_") && !iniKeyOf(name)),
            [],
        );
    });

    it("joins the application's network with the services that connect beyond the stack", () => {
        const networks = (name: string) => (container(name).inputs.networksAdvanced as { name: string }[]).map((n) => n.name);
        assert.ok(networks("prometheus").includes("payflux_default"), "Prometheus scrapes payflux-api by name");
        assert.ok(networks("kafka-exporter").includes("payflux_default"), "the Kafka exporter reaches kafka by name");
        for (const inside of ["node-exporter", "loki", "cadvisor"])
            assert.ok(!networks(inside).includes("payflux_default"), `${inside} talks only inside the stack`);
    });
});
