// One version per component: the image the stack runs is the release the tests run.
import * as assert from "assert";
import { spawnSync } from "child_process";
import { IMAGES } from "../components/images";
import { requireTool } from "./support/tools";

/** Images with a test binary under .tools/bin, and how to read that binary's version. */
const TESTED: { image: keyof typeof IMAGES; binary: string; version: RegExp }[] = [
    { image: "prometheus", binary: "prometheus", version: /^prometheus, version (\d+\.\d+\.\d+)/m },
    { image: "prometheus", binary: "promtool", version: /^promtool, version (\d+\.\d+\.\d+)/m },
    { image: "alertmanager", binary: "alertmanager", version: /^alertmanager, version (\d+\.\d+\.\d+)/m },
    { image: "alertmanager", binary: "amtool", version: /^amtool, version (\d+\.\d+\.\d+)/m },
    { image: "nodeExporter", binary: "node_exporter", version: /^node_exporter, version (\d+\.\d+\.\d+)/m },
    { image: "postgresExporter", binary: "postgres_exporter", version: /^postgres_exporter, version (\d+\.\d+\.\d+)/m },
    { image: "redisExporter", binary: "redis_exporter", version: /Redis Metrics Exporter v?(\d+\.\d+\.\d+)/ },
    { image: "mysqlExporter", binary: "mysqld_exporter", version: /^mysqld_exporter, version (\d+\.\d+\.\d+)/m },
    { image: "blackboxExporter", binary: "blackbox_exporter", version: /^blackbox_exporter, version (\d+\.\d+\.\d+)/m },
];

/** `prom/prometheus:v3.5.3` -> `3.5.3`; `...:v1.86.0-alpine` -> `1.86.0`. */
function imageVersion(image: string): string {
    const match = /:v?(\d+\.\d+\.\d+)/.exec(image);
    if (!match) throw new Error(`${image} has no x.y.z tag`);
    return match[1];
}

/** What `--version` prints: some tools write it to stderr (redis_exporter as a log line). */
function binaryOutput(path: string): string {
    const run = spawnSync(path, ["--version"], { encoding: "utf8", timeout: 10000 });
    return `${run.stdout ?? ""}${run.stderr ?? ""}`;
}

describe("images", () => {
    for (const { image, binary, version } of TESTED) {
        it(`${IMAGES[image]} is the release the tests run (${binary})`, function () {
            const output = binaryOutput(requireTool(this, binary));
            const found = version.exec(output);
            assert.ok(found, `cannot read the version of ${binary}: ${output.slice(0, 200)}`);
            assert.strictEqual(found[1], imageVersion(IMAGES[image]), `${binary} is ${found[1]} but the image is ${IMAGES[image]}: bump both together`);
        });
    }
});
