// Two MonitoringStacks share a program (every URN and every engine or cluster object name distinct),
// and the default stack, deployed before resources carried the stack's name, upgrades in place.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { RecordedResource } from "../scripts/lib/mock-runtime";
import { monitoringValues, readStackFile } from "../scripts/lib/stack-file";
import { renderDefaultStack, renderStacks, UPGRADE_RENDERS } from "./support/stack-renders";

const STACK = "monitoring:index:MonitoringStack";
const CONTAINER = "docker:index/container:Container";

/** Values that occur more than once, with how often. */
function duplicates(values: string[]): Record<string, number> {
    const counts = new Map<string, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    return Object.fromEntries([...counts].filter(([, n]) => n > 1));
}

const inputs = (r: RecordedResource): any => r.inputs;
const ofType = (resources: RecordedResource[], type: string) => resources.filter((r) => r.type === type);

/** Kubernetes objects of the render (the provider is no object), with their kind. */
function kubernetesObjects(resources: RecordedResource[]): { kind: string; namespace?: string; name: string }[] {
    return resources
        .filter((r) => r.type.startsWith("kubernetes:"))
        .map((r) => ({ kind: r.type.split(":")[2], namespace: inputs(r).metadata?.namespace, name: inputs(r).metadata?.name }));
}

/** Every resource but the stacks themselves has a parent, and its type chain starts at a MonitoringStack. */
function assertUnderAStack(resources: RecordedResource[]): void {
    const stray = resources.filter((r) => r.type !== STACK && (r.parent === undefined || !r.urn.includes(`::${STACK}$`)));
    assert.deepStrictEqual(
        stray.map((r) => r.urn),
        [],
    );
}

/**
 * No URN is registered twice, and none is claimed by two resources as their URN or an alias: the
 * engine would refuse the program, or hand one stack's deployed resource to the other.
 */
function assertNoDuplicateUrn(resources: RecordedResource[]): void {
    assert.deepStrictEqual(duplicates(resources.map((r) => r.urn)), {});
    assert.deepStrictEqual(duplicates(resources.flatMap((r) => [r.urn, ...r.aliases])), {});
}

describe("two MonitoringStacks in one program", () => {
    describe("on Docker", () => {
        const dev = () => monitoringValues(readStackFile("examples/all-exporters.yaml"));
        const stagingPorts = { prometheus: 29090, alertmanager: 29093, grafana: 23000, loki: 23100 };
        let resources: RecordedResource[];
        let single: RecordedResource[];
        before(async () => {
            resources = await renderStacks("dev", { monitoring: dev(), staging: { ...dev(), ports: stagingPorts } });
            single = await renderDefaultStack("dev", dev());
        });

        it("registers every URN once, each resource under its stack", () => {
            assert.strictEqual(ofType(resources, STACK).length, 2);
            assert.strictEqual(resources.length, 2 * single.length, "each stack makes what a single stack makes");
            assertNoDuplicateUrn(resources);
            assertUnderAStack(resources);
        });

        it("claims no container, volume or network name, nor host port, twice on the engine", () => {
            for (const type of [CONTAINER, "docker:index/volume:Volume", "docker:index/network:Network"]) {
                const names = ofType(resources, type).map((r) => String(inputs(r).name));
                assert.ok(names.length >= 2, type);
                assert.deepStrictEqual(duplicates(names), {}, type);
            }
            const published = ofType(resources, CONTAINER).flatMap((r) => (inputs(r).ports ?? []).map((p: any) => `${p.ip}:${p.external}`));
            assert.strictEqual(published.length, 8, published.join(", "));
            assert.deepStrictEqual(duplicates(published), {});
        });

        it("keeps the default stack's container, volume and network names", () => {
            const physical = (rs: RecordedResource[]) =>
                rs
                    .filter((r) => r.type.startsWith("docker:index/") && r.type !== "docker:index/remoteImage:RemoteImage")
                    .map((r) => String(inputs(r).name))
                    .sort();
            const defaults = physical(single);
            assert.ok(defaults.includes("monitoring-dev-prometheus") && defaults.includes("monitoring-dev"), defaults.join(", "));
            assert.deepStrictEqual(
                physical(resources).filter((n) => n.startsWith("monitoring-")),
                defaults,
            );
            assert.deepStrictEqual(
                physical(resources).filter((n) => !n.startsWith("monitoring-")),
                defaults.map((n) => n.replace(/^monitoring-/, "staging-")),
            );
        });
    });

    describe("on Kubernetes", () => {
        const prod = (namespace: string, domain: string): Record<string, unknown> => {
            const values = UPGRADE_RENDERS.find((r) => r.label === "prod-everything")!.values();
            return { ...values, kubernetes: { ...(values.kubernetes as object), namespace }, tls: { ...(values.tls as object), domain } };
        };
        let resources: RecordedResource[];
        before(async () => {
            resources = await renderStacks("prod", {
                monitoring: prod("monitoring", "monitoring.example.com"),
                staging: prod("staging", "staging.example.com"),
            });
        });

        it("registers every URN once, each resource under its stack", () => {
            assert.strictEqual(ofType(resources, STACK).length, 2);
            assertNoDuplicateUrn(resources);
            assertUnderAStack(resources);
        });

        it("names no cluster-scoped object twice, nor a namespaced one twice in its namespace", () => {
            const objects = kubernetesObjects(resources);
            const clusterScoped = objects.filter((o) => o.namespace === undefined);
            assert.deepStrictEqual([...new Set(clusterScoped.map((o) => o.kind))].sort(), ["ClusterRole", "ClusterRoleBinding", "Namespace"]);
            assert.deepStrictEqual(duplicates(clusterScoped.map((o) => `${o.kind} ${o.name}`)), {});
            assert.deepStrictEqual(
                clusterScoped
                    .filter((o) => o.kind === "Namespace")
                    .map((o) => o.name)
                    .sort(),
                ["monitoring", "monitoring-agents", "staging", "staging-agents"],
            );
            const namespaced = objects.filter((o) => o.namespace !== undefined);
            assert.ok(namespaced.length > 100, String(namespaced.length));
            assert.deepStrictEqual(duplicates(namespaced.map((o) => `${o.kind} ${o.namespace}/${o.name}`)), {});
        });

        it("gives each stack its own Ingress hosts", () => {
            const hosts = ofType(resources, "kubernetes:networking.k8s.io/v1:Ingress").flatMap((r) => inputs(r).spec.rules.map((rule: any) => rule.host));
            assert.strictEqual(hosts.length, 6, hosts.join(", "));
            assert.deepStrictEqual(duplicates(hosts), {});
        });
    });
});

describe("upgrading a stack deployed before resources carried the stack's name", () => {
    const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "default-stack-urns.json"), "utf8")) as { renders: Record<string, string[]> };

    for (const render of UPGRADE_RENDERS) {
        it(`${render.label}: every former URN is a resource's URN or alias, so nothing is replaced`, async () => {
            const former = fixture.renders[render.label];
            assert.ok(former && former.length > 30, `no URNs for ${render.label} in the fixture`);
            const resources = await renderDefaultStack(render.stack, render.values());
            const answering = new Map<string, string[]>();
            for (const r of resources) for (const urn of [r.urn, ...r.aliases]) answering.set(urn, [...(answering.get(urn) ?? []), r.urn]);
            assert.deepStrictEqual(
                former.filter((urn) => !answering.has(urn)),
                [],
                "former URNs no resource answers to: the engine would delete these and create new ones",
            );
            // The engine refuses a URN claimed by two resources: each former URN must lead to one.
            assert.deepStrictEqual(
                former.filter((urn) => answering.get(urn)!.length > 1),
                [],
            );
            // The default stack is renamed, not rebuilt: most resources answer to a former URN through an alias.
            const renamed = resources.filter((r) => !former.includes(r.urn) && r.aliases.some((a) => former.includes(a)));
            assert.ok(renamed.length > former.length / 2, `${renamed.length} of ${former.length}`);
        });
    }
});
