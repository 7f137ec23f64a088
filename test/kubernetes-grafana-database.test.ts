// HA Grafana by default: the shipped Pulumi.prod.yaml, with no secret set, runs two Grafana replicas
// on the stack's own PostgreSQL; an external database URL replaces it.
import * as assert from "assert";
import { renderPgHba } from "../components/grafana-database";
import { RecordedResource } from "../scripts/lib/mock-runtime";
import { monitoringValues, readStackFile } from "../scripts/lib/stack-file";
import { allowsPods, containers, DEPLOYMENT, NETWORK_POLICY, of, one, podSpec, policy, prodValues, STATEFULSET } from "./support/prod";
import { renderToDir } from "./support/render";

const env = (container: any) => Object.fromEntries((container.env ?? []).filter((e: any) => "value" in e).map((e: any) => [e.name, e.value]));

describe("prod stack (Kubernetes): Grafana's own PostgreSQL", () => {
    let resources: RecordedResource[];
    before(async () => {
        // Exactly as shipped: no grafanaDatabaseUrl, no other secret.
        resources = (await renderToDir("prod", monitoringValues(readStackFile("Pulumi.prod.yaml")))).rendered.resources;
    });

    it("runs two Grafana replicas on the stack's PostgreSQL when no database URL is set", () => {
        const grafana = one(resources, DEPLOYMENT, "grafana");
        assert.strictEqual(grafana.spec.replicas, 2);
        const vars = env(containers(of(resources, DEPLOYMENT, "grafana")[0])[0]);
        assert.strictEqual(vars.GF_DATABASE_TYPE, "postgres");
        assert.strictEqual(vars.GF_DATABASE_HOST, "grafana-postgres.monitoring.svc:5432");
        assert.strictEqual(vars.GF_DATABASE_PASSWORD__FILE, "/etc/grafana/secrets/database_password");
        assert.strictEqual(vars.GF_DATABASE_SSL_MODE, "verify-full");
        assert.strictEqual(vars.GF_DATABASE_CA_CERT_PATH, "/etc/grafana/tls/ca.crt");
        assert.strictEqual(vars.GF_DATABASE_SERVER_CERT_NAME, "grafana-postgres.monitoring.svc");
        assert.ok(!("GF_DATABASE_PASSWORD" in vars) && !("GF_DATABASE_URL__FILE" in vars));
        assert.ok(of(resources, "kubernetes:policy/v1:PodDisruptionBudget", "grafana").length === 1);
    });

    it("runs PostgreSQL from a pinned official image, as a non-root StatefulSet with a claim, its password in a file", () => {
        const set = one(resources, STATEFULSET, "grafana-postgres");
        assert.strictEqual(set.spec.replicas, 1);
        assert.strictEqual(set.spec.volumeClaimTemplates[0].spec.resources.requests.storage, "5Gi");
        const pod = podSpec(of(resources, STATEFULSET, "grafana-postgres")[0]);
        const [container] = pod.containers;
        assert.match(container.image, /^postgres:\d+\.\d+-alpine$/);
        assert.deepStrictEqual([pod.securityContext.runAsUser, pod.securityContext.runAsGroup, pod.securityContext.runAsNonRoot], [70, 70, true]);
        const vars = env(container);
        assert.strictEqual(vars.POSTGRES_PASSWORD_FILE, "/etc/postgresql/secrets/password");
        assert.ok(!("POSTGRES_PASSWORD" in vars));
        assert.strictEqual(vars.PGDATA, "/var/lib/postgresql/data/pgdata");
        // TLS with the in-cluster certificate; network clients must use it.
        for (const arg of ["ssl=on", "ssl_cert_file=/etc/postgresql/tls/tls.crt", "ssl_key_file=/etc/postgresql/tls/tls.key", "hba_file=/etc/postgresql/pg_hba.conf"]) {
            assert.ok(container.args.includes(arg), `${arg} missing: ${container.args.join(" ")}`);
        }
        assert.deepStrictEqual(container.readinessProbe.exec.command.slice(0, 1), ["pg_isready"]);
        assert.match(renderPgHba(), /^hostssl all all all scram-sha-256$/m);
        assert.doesNotMatch(renderPgHba(), /^host /m);
    });

    it("admits only Grafana to PostgreSQL, not even Prometheus", () => {
        const db = policy(resources, "grafana-postgres");
        assert.deepStrictEqual(db.ingress.length, 1);
        assert.ok(allowsPods(db.ingress, "from", "grafana", "5432"));
        assert.ok(allowsPods(policy(resources, "grafana").egress, "to", "grafana-postgres", "5432"));
        assert.ok(!allowsPods(policy(resources, "prometheus").egress, "to", "grafana-postgres", "5432"));
        assert.ok(of(resources, NETWORK_POLICY, "allow-grafana-postgres").length === 1);
    });

    it("drops its own PostgreSQL when an external database URL is set", async () => {
        const external = (await renderToDir("prod", prodValues())).rendered.resources;
        assert.strictEqual(of(external, STATEFULSET, "grafana-postgres").length, 0);
        assert.strictEqual(one(external, DEPLOYMENT, "grafana").spec.replicas, 2);
        const vars = env(containers(of(external, DEPLOYMENT, "grafana")[0])[0]);
        assert.strictEqual(vars.GF_DATABASE_URL__FILE, "/etc/grafana/secrets/database_url");
        assert.ok(!("GF_DATABASE_HOST" in vars));
    });
});
