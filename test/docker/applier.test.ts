import * as assert from "assert";
import Docker from "dockerode";
import { DockerApplier, durationNs } from "./applier";

/** An engine that fails any call: mapping errors must surface before the first request. */
const noEngine = new Proxy({}, { get: () => () => Promise.reject(new Error("the engine was called")) }) as unknown as Docker;

describe("Docker applier (no engine)", () => {
    it("refuses an input field it does not map, before creating anything", async () => {
        const plan = [
            { type: "docker:index/network:Network", name: "net", inputs: { name: "n", driver: "bridge" } },
            { type: "docker:index/container:Container", name: "c", inputs: { name: "c", image: "x", gpus: "all", command: ["a"] } },
            { type: "docker:index/volume:Volume", name: "v", inputs: { name: "v", cluster: { scope: "single" } } },
        ];
        await assert.rejects(new DockerApplier(noEngine).apply(plan), (err: Error) => {
            assert.match(err.message, /Container c: gpus/);
            assert.match(err.message, /Volume v: cluster/);
            assert.doesNotMatch(err.message, /command|driver/);
            return true;
        });
    });

    it("refuses a Docker resource type it does not create", async () => {
        const plan = [{ type: "docker:index/service:Service", name: "s", inputs: { name: "s" } }];
        await assert.rejects(new DockerApplier(noEngine).apply(plan), /Service s: the whole resource/);
    });

    it("reads healthcheck durations as Go does", () => {
        assert.strictEqual(durationNs("15s"), 15e9);
        assert.strictEqual(durationNs("1m30s"), 90e9);
        assert.strictEqual(durationNs("500ms"), 5e8);
        assert.throws(() => durationNs("15"), /not a duration/);
    });
});
