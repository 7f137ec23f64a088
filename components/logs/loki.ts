import { portOf } from "../../config/endpoints";
import { SCRAPED_BY_PROMETHEUS } from "../flows";
import * as pulumi from "@pulumi/pulumi";
import { Secrets } from "../../config";
import { LogsConfig } from "../../config/logs";
import { IMAGES } from "../images";
import { FileSpec, Platform, ServiceSpec, ServiceTls } from "../platform/spec";
import { servedOverTls } from "../tls";
import { renderAwsCredentials, renderLokiConfig } from "../render/loki";

export const LOKI_PORT = 3100;
export const LOKI_GRPC_PORT = 9095;
const CONFIG_FILE = "/etc/loki/loki.yaml";
const DATA_DIR = "/loki";
const TLS_DIR = "/etc/loki/tls";
/** Loki's S3 client finds its keys here through AWS_SHARED_CREDENTIALS_FILE; loki.yaml names none. */
export const LOKI_S3_CREDENTIALS_FILE = "/etc/loki/secrets/aws-credentials";

export interface LokiArgs {
    /** Retention, limits and storage, already validated. */
    readonly logs: LogsConfig;
    /** Host port the API is published on (Docker), for pushing or querying from the host. */
    readonly hostPort: number;
    /** `lokiS3SecretAccessKey` when logs go to a bucket. */
    readonly secrets: Secrets;
    readonly platform: Platform;
}

/** Loki, single binary: stores the logs, answers Grafana, and its compactor enforces retention. */
export class Loki extends pulumi.ComponentResource {
    public readonly url: pulumi.Output<string>;
    /** `host:port` the shipper and Grafana reach Loki at. */
    public readonly address: string;
    /** The name clients verify its certificate against, when it serves TLS. */
    public readonly tlsServerName?: string;

    constructor(name: string, args: LokiArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monitoring:index:Loki", name, {}, opts);
        this.address = args.platform.addressOf("loki", LOKI_PORT);
        const tls = args.platform.serviceTls?.("loki", TLS_DIR, this);
        const svc = args.platform.deploy(lokiSpec(args, tls), { parent: this });
        this.tlsServerName = tls?.serverName;
        this.url = svc.url ?? pulumi.output(`${tls ? "https" : "http"}://${this.address}`);
        this.registerOutputs({ url: this.url });
    }
}

function credentialFiles(args: LokiArgs): FileSpec[] {
    const { s3 } = args.logs;
    const secretKey = args.secrets.lokiS3SecretAccessKey;
    if (!s3 || !secretKey) return [];
    const content = pulumi.secret(secretKey.apply((key) => renderAwsCredentials(s3.accessKeyId, key)));
    return [{ path: LOKI_S3_CREDENTIALS_FILE, content, secret: true }];
}

export function lokiSpec(args: LokiArgs, tls?: ServiceTls): ServiceSpec {
    const { logs } = args;
    const spec: ServiceSpec = {
        name: "loki",
        image: IMAGES.loki,
        kind: "statefulset",
        replicas: 1,
        args: [`-config.file=${CONFIG_FILE}`, "-target=all"],
        env: logs.s3 ? { AWS_SHARED_CREDENTIALS_FILE: LOKI_S3_CREDENTIALS_FILE } : {},
        // gRPC listens on loopback only: no other service reaches it.
        ports: [{ name: "http", port: LOKI_PORT, expose: { hostPort: args.hostPort } }],
        files: [
            {
                path: CONFIG_FILE,
                content: renderLokiConfig({
                    httpPort: LOKI_PORT,
                    grpcPort: LOKI_GRPC_PORT,
                    dataDir: DATA_DIR,
                    retention: logs.retention,
                    limits: logs.limits,
                    s3: logs.s3,
                    tls,
                }),
            },
            ...credentialFiles(args),
        ],
        data: { path: DATA_DIR, size: logs.storageSize },
        // The object store, when logs live in a bucket.
        inbound: [SCRAPED_BY_PROMETHEUS],
        outbound: logs.s3 ? [{ port: portOf(logs.s3.endpoint.includes("://") ? logs.s3.endpoint : `https://${logs.s3.endpoint}`) }] : [],
        health: { path: "/ready", port: LOKI_PORT },
        user: "10001:10001",
        readOnlyRootFilesystem: true,
        resources: { cpuRequest: "100m", memoryRequest: "256Mi", cpuLimit: "1", memoryLimit: "1Gi" },
    };
    // loki.yaml names the certificate (server.http_tls_config).
    return servedOverTls(spec, tls, () => ({}));
}
