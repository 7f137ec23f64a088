// Loki, Promtail and Alloy with in-cluster TLS (prod): their configs still match each tool's
// documented structure (no binary of them here), and name the certificate and the CA.
import * as assert from "assert";
import * as yaml from "js-yaml";
import { readLogs } from "../config/logs";
import { renderAlloyConfig } from "../components/render/alloy";
import { ShipperModel } from "../components/render/log-sources";
import { renderLokiConfig } from "../components/render/loki";
import { renderPromtailConfig } from "../components/render/promtail";
import { alloyErrors, LOKI_SCHEMA, parseAlloy, PROMTAIL_SCHEMA, schemaErrors } from "./support/log-schemas";

const TLS = { certFile: "/etc/x/tls/tls.crt", keyFile: "/etc/x/tls/tls.key", caFile: "/etc/x/tls/ca.crt", serverName: "loki.monitoring.svc" };
const SHIPPER: ShipperModel = {
    httpPort: 9080,
    lokiPushUrl: "https://loki.monitoring.svc:3100/loki/api/v1/push",
    dataDir: "/var/lib/shipper",
    containers: { kind: "kubernetes", podLogsDir: "/var/log/pods", nodeNameEnv: "NODE_NAME" },
    files: [],
    tls: TLS,
};

describe("log configs with in-cluster TLS", () => {
    it("Loki serves its HTTP API over TLS and keeps gRPC on loopback, within its documented fields", () => {
        const doc = yaml.load(
            renderLokiConfig({
                httpPort: 3100,
                grpcPort: 9095,
                dataDir: "/loki",
                retention: "7d",
                limits: readLogs(undefined, "kubernetes", { exporters: new Map() }).limits,
                tls: TLS,
            }),
        ) as any;
        assert.deepStrictEqual(schemaErrors(doc, LOKI_SCHEMA), []);
        assert.deepStrictEqual(doc.server.http_tls_config, { cert_file: TLS.certFile, key_file: TLS.keyFile });
        assert.strictEqual(doc.server.grpc_listen_address, "127.0.0.1");
    });

    it("Promtail serves over TLS and pushes over HTTPS verified with the CA, within its documented fields", () => {
        const doc = yaml.load(renderPromtailConfig(SHIPPER)) as any;
        assert.deepStrictEqual(schemaErrors(doc, PROMTAIL_SCHEMA), []);
        assert.deepStrictEqual(doc.server.http_tls_config, { cert_file: TLS.certFile, key_file: TLS.keyFile });
        assert.deepStrictEqual(doc.clients, [{ url: SHIPPER.lokiPushUrl, tls_config: { ca_file: TLS.caFile, server_name: TLS.serverName } }]);
    });

    it("Alloy serves over TLS and pushes over HTTPS verified with the CA, within its documented blocks", () => {
        const blocks = parseAlloy(renderAlloyConfig(SHIPPER));
        assert.deepStrictEqual(alloyErrors(blocks), []);
        const http = blocks.find((b) => b.name === "http")!;
        assert.deepStrictEqual(http.blocks[0].attributes, { cert_file: TLS.certFile, key_file: TLS.keyFile });
        const endpoint = blocks.find((b) => b.name === "loki.write")!.blocks[0];
        assert.strictEqual(endpoint.attributes.url, SHIPPER.lokiPushUrl);
        assert.deepStrictEqual(endpoint.blocks[0].attributes, { ca_file: TLS.caFile, server_name: TLS.serverName });
        // The checker itself refuses an undocumented TLS argument.
        assert.deepStrictEqual(alloyErrors(parseAlloy('http {\n  tls {\n    cert = "x"\n  }\n}\n')), ["http tls: unknown argument cert"]);
    });
});
