// Prod hardening: Pod Security `restricted` enforced where every workload meets it (node agents apart),
// Grafana's public URL, secure cookies and HSTS behind the Ingress, StatefulSets rolling one replica
// at a time.
import * as assert from "assert";
import { RecordedResource } from "../scripts/lib/mock-runtime";
import { DAEMONSET, DEPLOYMENT, of, one, podSpec, prodValues, STATEFULSET, workloads } from "./support/prod";
import { renderToDir } from "./support/render";
import { withinStack } from "./support/stack-names";

const NAMESPACE = "kubernetes:core/v1:Namespace";
/** Volume types Pod Security `restricted` admits. */
const RESTRICTED_VOLUMES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

/** Why a pod fails Pod Security `restricted` (Kubernetes' own checks, as data), or nothing. */
function restrictedViolations(pod: any): string[] {
    const found: string[] = [];
    if (pod.hostNetwork || pod.hostPID || pod.hostIPC) found.push("host namespaces");
    for (const v of pod.volumes ?? []) {
        const type = Object.keys(v).find((k) => k !== "name")!;
        if (!RESTRICTED_VOLUMES.includes(type)) found.push(`volume ${v.name}: ${type}`);
    }
    const podSc = pod.securityContext ?? {};
    for (const c of [...(pod.containers ?? []), ...(pod.initContainers ?? [])]) {
        const sc = c.securityContext ?? {};
        if (sc.privileged) found.push(`${c.name}: privileged`);
        if (sc.allowPrivilegeEscalation !== false) found.push(`${c.name}: allowPrivilegeEscalation`);
        if (!(sc.runAsNonRoot ?? podSc.runAsNonRoot)) found.push(`${c.name}: runAsNonRoot`);
        if ((sc.runAsUser ?? podSc.runAsUser) === 0) found.push(`${c.name}: runAsUser 0`);
        const seccomp = (sc.seccompProfile ?? podSc.seccompProfile)?.type;
        if (!["RuntimeDefault", "Localhost"].includes(seccomp)) found.push(`${c.name}: seccomp ${seccomp}`);
        const caps = sc.capabilities ?? {};
        if (!(caps.drop ?? []).includes("ALL")) found.push(`${c.name}: capabilities not dropped`);
        if ((caps.add ?? []).some((cap: string) => cap !== "NET_BIND_SERVICE")) found.push(`${c.name}: capabilities added`);
        if ((c.ports ?? []).some((p: any) => p.hostPort)) found.push(`${c.name}: hostPort`);
    }
    return found;
}

describe("prod stack (Kubernetes): hardening", () => {
    let resources: RecordedResource[];
    before(async () => {
        resources = (await renderToDir("prod", prodValues())).rendered.resources;
    });

    it("enforces Pod Security restricted on the stack's namespace, and every workload there meets it", () => {
        const labels = one(resources, NAMESPACE, "namespace").metadata.labels;
        assert.strictEqual(labels["pod-security.kubernetes.io/enforce"], "restricted");
        const inStack = workloads(resources).filter((w) => (w.inputs as any).metadata.namespace === "monitoring");
        assert.ok(inStack.length >= 5, inStack.map((w) => w.name).join(", "));
        for (const w of inStack) assert.deepStrictEqual(restrictedViolations(podSpec(w)), [], `${w.type} ${w.name}`);
    });

    it("runs the node agents that need the host in a namespace of their own, which allows them", () => {
        const agents = one(resources, NAMESPACE, "agents-namespace").metadata;
        assert.strictEqual(agents.name, "monitoring-agents");
        assert.strictEqual(agents.labels["pod-security.kubernetes.io/enforce"], "privileged");
        const apart = workloads(resources).filter((w) => (w.inputs as any).metadata.namespace === "monitoring-agents");
        assert.deepStrictEqual(apart.map(withinStack).sort(), ["alloy", "node-exporter"]);
        for (const w of apart) {
            assert.strictEqual(w.type, DAEMONSET);
            // They need the host (its paths), and nothing else breaks restricted.
            const violations = restrictedViolations(podSpec(w));
            assert.ok(violations.length > 0 && violations.every((v) => /hostPath|host namespaces/.test(v)), `${w.name}: ${violations.join("; ")}`);
        }
        // Everything of theirs lives there too, and the deny-all policy covers it.
        for (const type of ["kubernetes:core/v1:ServiceAccount", "kubernetes:core/v1:Service", "kubernetes:core/v1:ConfigMap"]) {
            assert.strictEqual(one(resources, type, type.endsWith("ConfigMap") ? "alloy-config" : "alloy").metadata.namespace, "monitoring-agents", type);
        }
        assert.strictEqual(
            one(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "default-deny-monitoring-agents").metadata.namespace,
            "monitoring-agents",
        );
        // Prometheus finds them there.
        assert.ok(
            resources.some(
                (r) =>
                    r.type === "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding" &&
                    withinStack(r) === "alloy" &&
                    (r.inputs as any).subjects[0].namespace === "monitoring-agents",
            ),
        );
    });

    it("serves Grafana under its public URL with secure cookies and HSTS", () => {
        const env = Object.fromEntries((podSpec(of(resources, DEPLOYMENT, "grafana")[0]).containers[0].env as any[]).map((e) => [e.name, e.value]));
        assert.strictEqual(env.GF_SERVER_ROOT_URL, "https://grafana.monitoring.example.com/");
        assert.strictEqual(env.GF_SECURITY_COOKIE_SECURE, "true");
        assert.strictEqual(env.GF_SECURITY_STRICT_TRANSPORT_SECURITY, "true");
    });

    it("rolls every StatefulSet one replica at a time, and keeps its pods through a replacement", () => {
        const sets = of(resources, STATEFULSET);
        assert.ok(sets.length >= 3);
        for (const s of sets) {
            const inputs = s.inputs as any;
            assert.deepStrictEqual(inputs.spec.updateStrategy, { type: "RollingUpdate", rollingUpdate: { partition: 0, maxUnavailable: 1 } }, s.name);
            assert.strictEqual(inputs.metadata.annotations["pulumi.com/deletionPropagationPolicy"], "orphan", s.name);
        }
    });
});
