// Each policy of the pack, called the way the Pulumi engine calls it: a passing and a violating
// resource per rule. policy/index.ts is never imported here: it starts the policy server.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
    unknownCheckingProxy,
} from "@pulumi/policy";
import * as policies from "../policy/policies";
import {
    allPolicies,
    dockerNoSecretEnv,
    dockerPinnedImages,
    dockerPortsOnLoopback,
    kubernetesContainerLimits,
    kubernetesDisruptionBudgets,
    kubernetesHighAvailability,
    kubernetesIngressTls,
    kubernetesNoSecretEnv,
    kubernetesPinnedImages,
    kubernetesRunAsNonRoot,
} from "../policy/policies";
import { renderStack } from "../scripts/lib/render-stack";

const root = path.join(__dirname, "..");

const container = "docker:index/container:Container";
const remoteImage = "docker:index/remoteImage:RemoteImage";
const deployment = "kubernetes:apps/v1:Deployment";
const statefulSet = "kubernetes:apps/v1:StatefulSet";
const daemonSet = "kubernetes:apps/v1:DaemonSet";
const ingress = "kubernetes:networking.k8s.io/v1:Ingress";
const pdb = "kubernetes:policy/v1:PodDisruptionBudget";

const noOptions = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
};

/** What the engine passes a resource validation; props go through the same unknown-checking proxy. */
function resource(type: string, props: Record<string, any>, name = "test", config: object = {}): ResourceValidationArgs & PolicyResource {
    return {
        type,
        name,
        props: unknownCheckingProxy(props),
        urn: `urn:pulumi:test::monitoring::${type}::${name}`,
        opts: noOptions,
        stackTags: new Map(),
        dependencies: [],
        propertyDependencies: {},
        isType: () => false,
        asType: () => undefined,
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string): never => {
            throw new Error(`not applicable: ${reason}`);
        },
    };
}

/** Messages a resource policy reports for one resource. */
async function violations(policy: ResourceValidationPolicy, args: ResourceValidationArgs): Promise<string[]> {
    const messages: string[] = [];
    const report: ReportViolation = (message) => messages.push(message);
    for (const validate of [policy.validateResource ?? []].flat()) {
        await validate(args, report);
    }
    return messages;
}

/** Messages and URNs the stack policy reports for a set of resources. */
async function stackViolations(policy: StackValidationPolicy, resources: PolicyResource[]): Promise<{ message: string; urn?: string }[]> {
    const reported: { message: string; urn?: string }[] = [];
    await policy.validateStack(
        { resources, stackTags: new Map(), getConfig: <T extends object>() => ({}) as T, notApplicable: (): never => { throw new Error(); } },
        (message, urn) => reported.push({ message, urn }),
    );
    return reported;
}

/** A Kubernetes workload around a pod spec, as @pulumi/kubernetes sends it. */
function workload(type: string, name: string, podSpec: Record<string, any>, extra: { replicas?: number; labels?: Record<string, string>; namespace?: string } = {}) {
    const labels = extra.labels ?? { "app.kubernetes.io/name": name };
    return resource(type, {
        apiVersion: "apps/v1",
        kind: type.split(":").pop(),
        metadata: { name, namespace: extra.namespace ?? "monitoring", labels },
        spec: {
            ...(extra.replicas === undefined ? {} : { replicas: extra.replicas }),
            selector: { matchLabels: labels },
            template: { metadata: { labels }, spec: podSpec },
        },
    }, name);
}

/** A container that passes every Kubernetes rule; tests change one field at a time. */
function goodContainer(overrides: Record<string, any> = {}) {
    return {
        name: "prometheus",
        image: "quay.io/prometheus/prometheus:v3.5.0",
        env: [{ name: "TZ", value: "UTC" }],
        resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "2", memory: "4Gi" } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
        ...overrides,
    };
}

function goodPod(containerOverrides: Record<string, any> = {}, podOverrides: Record<string, any> = {}) {
    return {
        securityContext: { runAsNonRoot: true, runAsUser: 65534, fsGroup: 65534 },
        containers: [goodContainer(containerOverrides)],
        ...podOverrides,
    };
}

/** A Docker container as DockerPlatform registers it. */
function dockerContainer(overrides: Record<string, any> = {}) {
    return resource(container, {
        name: "monitoring-dev-grafana",
        image: "sha256:0f3a5c0e6a1b4b0f8c3c2d0f9e1e7f3a9b2c4d6e8f0a1b3c5d7e9f1a3b5c7d9e",
        envs: ["GF_SECURITY_ADMIN_USER=admin", "GF_SECURITY_ADMIN_PASSWORD__FILE=/etc/grafana/secrets/admin_password"],
        ports: [{ internal: 3000, external: 13000, ip: "127.0.0.1", protocol: "tcp" }],
        ...overrides,
    }, "grafana");
}

describe("policy pack", () => {
    describe("docker-ports-on-loopback", () => {
        it("passes ports published on 127.0.0.1, another 127/8 address or ::1", async () => {
            assert.deepEqual(await violations(dockerPortsOnLoopback, dockerContainer()), []);
            const loopbacks = dockerContainer({ ports: [{ internal: 1, ip: "127.1.2.3" }, { internal: 2, ip: "::1" }, { internal: 3, ip: "[::1]" }] });
            assert.deepEqual(await violations(dockerPortsOnLoopback, loopbacks), []);
            assert.deepEqual(await violations(dockerPortsOnLoopback, dockerContainer({ ports: [] })), []);
        });

        it("reports a port without ip (0.0.0.0), on 0.0.0.0, or on a LAN address", async () => {
            const open = dockerContainer({ ports: [{ internal: 3000, external: 13000 }, { internal: 9090, ip: "0.0.0.0" }, { internal: 9093, ip: "192.168.1.10" }] });
            const messages = await violations(dockerPortsOnLoopback, open);
            assert.equal(messages.length, 3);
            assert.match(messages[0], /container monitoring-dev-grafana publishes port 3000 as 13000 on 0\.0\.0\.0.*set ports\[\]\.ip to 127\.0\.0\.1/);
            assert.match(messages[2], /on 192\.168\.1\.10/);
        });

        it("ignores other resource types", async () => {
            assert.deepEqual(await violations(dockerPortsOnLoopback, resource(remoteImage, { name: "x" })), []);
        });
    });

    describe("docker-no-secret-env", () => {
        it("passes plain settings, *_FILE paths and empty values", async () => {
            const env = dockerContainer({ envs: ["GF_SECURITY_ADMIN_PASSWORD__FILE=/run/secrets/pw", "REDIS_PASSWORD_FILE=/run/pw", "GF_SECURITY_ADMIN_PASSWORD=", "BYPASS_CACHE=1"] });
            assert.deepEqual(await violations(dockerNoSecretEnv, env), []);
        });

        it("reports each secret-looking key with an inline value, never the value", async () => {
            const envs = [
                "GF_SECURITY_ADMIN_PASSWORD=hunter2",
                "SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T/B/x",
                "DATA_SOURCE_NAME=postgresql://u:p@db:5432/app",
                "PAGERDUTY_ROUTING_KEY=abc",
                "GRAFANA_API_KEY=k",
                "SENTRY_DSN=https://x@sentry",
                "GF_DATABASE_URL=postgres://u:p@db/grafana",
            ];
            const messages = await violations(dockerNoSecretEnv, dockerContainer({ envs }));
            assert.equal(messages.length, envs.length);
            assert.match(messages[0], /container monitoring-dev-grafana sets GF_SECURITY_ADMIN_PASSWORD inline in envs; .*GF_SECURITY_ADMIN_PASSWORD__FILE/);
            assert.ok(messages.every((m) => !m.includes("hunter2") && !m.includes("hooks.slack.com")));
        });

        it("lets the policy config allow a name that only looks secret", async () => {
            const args = resource(container, { envs: ["GF_AUTH_GENERIC_OAUTH_TOKEN_URL=https://idp/token"] }, "grafana", { allowedEnvNames: ["GF_AUTH_GENERIC_OAUTH_TOKEN_URL"] });
            assert.deepEqual(await violations(dockerNoSecretEnv, args), []);
        });
    });

    describe("docker-pinned-images", () => {
        it("passes tagged or digest images and image IDs", async () => {
            for (const name of ["prom/prometheus:v3.5.0", "localhost:5000/grafana/grafana:12.2.1", `grafana/grafana@sha256:${"a".repeat(64)}`]) {
                assert.deepEqual(await violations(dockerPinnedImages, resource(remoteImage, { name, keepLocally: true })), [], name);
            }
            assert.deepEqual(await violations(dockerPinnedImages, dockerContainer()), []);
            assert.deepEqual(await violations(dockerPinnedImages, dockerContainer({ image: "prom/alertmanager:v0.28.1" })), []);
        });

        it("reports latest and untagged images, a registry port not counting as a tag", async () => {
            assert.deepEqual(await violations(dockerPinnedImages, resource(remoteImage, { name: "prom/prometheus:latest" }, "prometheus-image")), [
                "RemoteImage prometheus-image: image prom/prometheus:latest uses the moving tag latest; pin an explicit version tag such as :v3.5.3 or a digest",
            ]);
            const [untagged] = await violations(dockerPinnedImages, resource(remoteImage, { name: "localhost:5000/grafana" }));
            assert.match(untagged, /image localhost:5000\/grafana has no tag, so it means latest/);
            const [plain] = await violations(dockerPinnedImages, dockerContainer({ image: "grafana/grafana" }));
            assert.match(plain, /container monitoring-dev-grafana: image grafana\/grafana has no tag/);
        });
    });

    describe("kubernetes-no-secret-env", () => {
        it("passes values taken from a Secret and plain settings", async () => {
            const env = [{ name: "GF_DATABASE_PASSWORD", valueFrom: { secretKeyRef: { name: "grafana", key: "password" } } }, { name: "TZ", value: "UTC" }];
            assert.deepEqual(await violations(kubernetesNoSecretEnv, workload(deployment, "grafana", goodPod({ env }))), []);
        });

        it("reports an inline secret value in a container or init container", async () => {
            const pod = goodPod({ env: [{ name: "SLACK_WEBHOOK_URL", value: "https://hooks.slack.com/x" }] }, {
                initContainers: [goodContainer({ name: "migrate", env: [{ name: "DB_PASSWORD", value: "pw" }] })],
            });
            assert.deepEqual(await violations(kubernetesNoSecretEnv, workload(statefulSet, "alertmanager", pod)), [
                "StatefulSet alertmanager, container prometheus: env SLACK_WEBHOOK_URL has an inline value; use valueFrom.secretKeyRef or a mounted Secret file",
                "StatefulSet alertmanager, init container migrate: env DB_PASSWORD has an inline value; use valueFrom.secretKeyRef or a mounted Secret file",
            ]);
        });
    });

    describe("kubernetes-pinned-images", () => {
        it("passes a tagged image", async () => {
            assert.deepEqual(await violations(kubernetesPinnedImages, workload(daemonSet, "node-exporter", goodPod())), []);
        });

        it("reports latest and untagged images", async () => {
            const pod = goodPod({ image: "grafana/grafana:latest" }, { initContainers: [goodContainer({ name: "init", image: "busybox" })] });
            const messages = await violations(kubernetesPinnedImages, workload(deployment, "grafana", pod));
            assert.deepEqual(messages, [
                "Deployment grafana, container prometheus: image grafana/grafana:latest uses the moving tag latest; pin an explicit version tag or a digest",
                "Deployment grafana, init container init: image busybox has no tag, so it means latest; pin an explicit version tag or a digest",
            ]);
        });

        it("checks bare Pods too", async () => {
            const pod = resource("kubernetes:core/v1:Pod", { metadata: { name: "debug" }, spec: goodPod({ image: "busybox" }) });
            assert.equal((await violations(kubernetesPinnedImages, pod)).length, 1);
        });
    });

    describe("kubernetes-container-limits", () => {
        it("passes a container with cpu and memory limits", async () => {
            assert.deepEqual(await violations(kubernetesContainerLimits, workload(statefulSet, "prometheus", goodPod())), []);
        });

        it("reports missing limits, naming which", async () => {
            const noMemory = goodPod({ resources: { limits: { cpu: "1" } } });
            assert.deepEqual(await violations(kubernetesContainerLimits, workload(statefulSet, "prometheus", noMemory)), [
                "StatefulSet prometheus, container prometheus: no resources.limits.memory; set both cpu and memory limits",
            ]);
            const none = goodPod({ resources: { requests: { cpu: "1" } } });
            assert.match((await violations(kubernetesContainerLimits, workload(statefulSet, "prometheus", none)))[0], /no resources\.limits\.cpu or resources\.limits\.memory/);
        });
    });

    describe("kubernetes-run-as-non-root", () => {
        it("passes runAsNonRoot on the pod or on the container", async () => {
            assert.deepEqual(await violations(kubernetesRunAsNonRoot, workload(deployment, "grafana", goodPod())), []);
            const containerLevel = goodPod({ securityContext: { runAsNonRoot: true, runAsUser: 472 } }, { securityContext: {} });
            assert.deepEqual(await violations(kubernetesRunAsNonRoot, workload(deployment, "grafana", containerLevel)), []);
        });

        it("reports a missing runAsNonRoot and a container that overrides the pod to root", async () => {
            const unset = goodPod({}, { securityContext: undefined });
            assert.deepEqual(await violations(kubernetesRunAsNonRoot, workload(deployment, "grafana", unset)), [
                "Deployment grafana, container prometheus: securityContext.runAsNonRoot is not true; set it on the pod (or the container)",
            ]);
            const root = goodPod({}, { initContainers: [goodContainer({ name: "chown", securityContext: { runAsUser: 0 } })] });
            assert.deepEqual(await violations(kubernetesRunAsNonRoot, workload(deployment, "grafana", root)), [
                "Deployment grafana, init container chown: runs as root (runAsUser: 0); run as the image's non-root user and set runAsNonRoot: true",
            ]);
            const optOut = goodPod({ securityContext: { runAsNonRoot: false } });
            assert.equal((await violations(kubernetesRunAsNonRoot, workload(deployment, "grafana", optOut))).length, 1);
        });
    });

    describe("kubernetes-ingress-tls", () => {
        const rules = (...hosts: (string | undefined)[]) => hosts.map((host) => ({ ...(host ? { host } : {}), http: { paths: [] } }));

        it("passes when spec.tls lists every rule host, directly or by wildcard", async () => {
            const spec = {
                tls: [{ hosts: ["grafana.example.com"], secretName: "grafana-tls" }, { hosts: ["*.monitoring.example.com"], secretName: "wildcard" }],
                rules: rules("grafana.example.com", "prometheus.monitoring.example.com"),
            };
            assert.deepEqual(await violations(kubernetesIngressTls, resource(ingress, { metadata: { name: "grafana" }, spec })), []);
        });

        it("reports an Ingress without TLS, an uncovered host and a rule without a host", async () => {
            assert.deepEqual(await violations(kubernetesIngressTls, resource(ingress, { metadata: { name: "grafana" }, spec: { rules: rules("grafana.example.com") } })), [
                "Ingress grafana has no spec.tls; serve it over TLS with a certificate for each host",
            ]);
            const spec = { tls: [{ hosts: ["*.example.com"], secretName: "w" }], rules: rules("a.b.example.com", undefined) };
            assert.deepEqual(await violations(kubernetesIngressTls, resource(ingress, { metadata: { name: "web" }, spec })), [
                "Ingress web: host a.b.example.com is not in spec.tls[].hosts; add it to a TLS entry",
                "Ingress web has a rule without a host, which no certificate covers; give the rule a host",
            ]);
        });
    });

    describe("kubernetes-high-availability", () => {
        it("passes Prometheus x2, Alertmanager x3 and leaves other workloads alone", async () => {
            assert.deepEqual(await violations(kubernetesHighAvailability, workload(statefulSet, "prometheus", goodPod(), { replicas: 2 })), []);
            assert.deepEqual(await violations(kubernetesHighAvailability, workload(statefulSet, "alertmanager", goodPod(), { replicas: 3 })), []);
            assert.deepEqual(await violations(kubernetesHighAvailability, workload(deployment, "prometheus-node-exporter", goodPod())), []);
            assert.deepEqual(await violations(kubernetesHighAvailability, workload(daemonSet, "prometheus", goodPod())), []);
        });

        it("reports too few replicas, found by name or by app.kubernetes.io/name label", async () => {
            assert.deepEqual(await violations(kubernetesHighAvailability, workload(statefulSet, "prometheus", goodPod())), [
                "StatefulSet prometheus runs prometheus with 1 replica; it needs at least 2 (spec.replicas)",
            ]);
            const labelled = workload(statefulSet, "am-main", goodPod(), { replicas: 2, labels: { "app.kubernetes.io/name": "alertmanager" } });
            assert.deepEqual(await violations(kubernetesHighAvailability, labelled), [
                "StatefulSet am-main runs alertmanager with 2 replicas; it needs at least 3 (spec.replicas)",
            ]);
        });
    });

    describe("kubernetes-disruption-budgets (stack policy)", () => {
        const budget = (name: string, selector: object, namespace = "monitoring") =>
            resource(pdb, { metadata: { name, namespace }, spec: { maxUnavailable: 1, selector } }, name);

        it("passes replicated workloads whose pods a PDB in their namespace selects", async () => {
            const resources = [
                workload(statefulSet, "prometheus", goodPod(), { replicas: 2 }),
                workload(statefulSet, "alertmanager", goodPod(), { replicas: 3, labels: { "app.kubernetes.io/name": "alertmanager", tier: "alerting" } }),
                workload(deployment, "kube-state-metrics", goodPod()), // one replica: no PDB needed
                budget("prometheus", { matchLabels: { "app.kubernetes.io/name": "prometheus" } }),
                budget("alertmanager", { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["alertmanager"] }, { key: "tier", operator: "Exists" }] }),
            ];
            assert.deepEqual(await stackViolations(kubernetesDisruptionBudgets, resources), []);
        });

        it("reports a replicated workload with no PDB, a PDB that selects other pods, or one in another namespace", async () => {
            const grafana = workload(deployment, "grafana", goodPod(), { replicas: 2 });
            const prometheus = workload(statefulSet, "prometheus", goodPod(), { replicas: 2 });
            const alertmanager = workload(statefulSet, "alertmanager", goodPod(), { replicas: 3 });
            const resources = [
                grafana,
                prometheus,
                alertmanager,
                budget("prometheus", { matchLabels: { "app.kubernetes.io/name": "prometheus", extra: "x" } }),
                budget("alertmanager", { matchLabels: { "app.kubernetes.io/name": "alertmanager" } }, "default"),
            ];
            const reported = await stackViolations(kubernetesDisruptionBudgets, resources);
            assert.deepEqual(reported.map((r) => r.urn), [grafana.urn, prometheus.urn, alertmanager.urn]);
            assert.equal(
                reported[0].message,
                "Deployment grafana runs 2 replicas but no PodDisruptionBudget in its namespace selects its pods " +
                    "(labels app.kubernetes.io/name=grafana); add one with spec.selector.matchLabels set to those labels",
            );
        });
    });

    describe("the pack", () => {
        it("registers every exported policy through allPolicies in policy/index.ts", () => {
            const exported = Object.values(policies).filter(
                (value): value is ResourceValidationPolicy | StackValidationPolicy =>
                    typeof value === "object" && value !== null && "name" in value && ("validateResource" in value || "validateStack" in value),
            );
            assert.equal(exported.length, 10);
            for (const policy of exported) {
                assert.ok(allPolicies.includes(policy), `${policy.name} is missing from allPolicies`);
            }
            const entry = fs.readFileSync(path.join(root, "policy", "index.ts"), "utf8");
            assert.match(entry, /import \{ allPolicies \} from "\.\/policies"/);
            assert.match(entry, /new PolicyPack\("monitoring-policies", \{ policies: allPolicies \}\)/);
        });

        it("gives each policy a unique name, a description that says how to fix it, and mandatory enforcement", () => {
            const names = allPolicies.map((p) => p.name);
            assert.equal(new Set(names).size, names.length);
            for (const policy of allPolicies) {
                assert.equal(policy.enforcementLevel, "mandatory", policy.name);
                assert.match(policy.description, /Fix: /, policy.name);
            }
        });

        it("pins the pack's dependencies to the versions the project uses", () => {
            const pack = JSON.parse(fs.readFileSync(path.join(root, "policy", "package.json"), "utf8"));
            const project = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
            for (const name of ["@pulumi/pulumi", "@pulumi/docker", "@pulumi/kubernetes"]) {
                assert.equal(pack.dependencies[name], project.dependencies[name], name);
            }
            assert.equal(pack.dependencies["@pulumi/policy"], project.devDependencies["@pulumi/policy"]);
        });
    });

    describe("the stacks as rendered", () => {
        for (const stack of ["dev", "prod"]) {
            it(`${stack}: every resource of Pulumi.${stack}.yaml passes every policy`, async () => {
                const rendered = await renderStack(stack, path.join(root, `Pulumi.${stack}.yaml`));
                const resources = rendered.resources.filter((r) => r.custom).map((r) => resource(r.type, r.inputs, r.name));
                const messages: string[] = [];
                for (const policy of allPolicies) {
                    if ("validateStack" in policy) {
                        messages.push(...(await stackViolations(policy, resources)).map((r) => `${policy.name}: ${r.message}`));
                    } else {
                        for (const args of resources) {
                            messages.push(...(await violations(policy, args)).map((m) => `${policy.name}: ${m}`));
                        }
                    }
                }
                assert.deepEqual(messages, []);
            });
        }
    });
});
