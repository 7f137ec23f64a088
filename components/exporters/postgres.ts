import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../config";
import { parsePostgresUrl } from "../../config/secrets";
import { IMAGES } from "../images";
import { staticJob } from "../render/prometheus";
import { toolkitTls } from "../tls";
import { ExporterDefinition } from "./exporter";

const PORT = 9187;
const SECRETS_DIR = "/etc/postgres-exporter/secrets";
/** The exporter reads each part of the connection from a file (DATA_SOURCE_*_FILE). */
export const POSTGRES_SECRET_FILES = {
    uri: `${SECRETS_DIR}/uri`,
    user: `${SECRETS_DIR}/user`,
    password: `${SECRETS_DIR}/password`,
};

/** The parts of `postgresql://user:password@host:port/db?params` the exporter takes apart. */
export interface PostgresDsnParts {
    /** `host:port/db?params`: DATA_SOURCE_URI, without scheme or credentials. */
    readonly uri: string;
    readonly user: string;
    readonly password: string;
}

/** Splits a DSN; user and password are percent-decoded (the exporter encodes them again). */
export function splitPostgresDsn(dsn: string): PostgresDsnParts {
    const { user, password, uri } = parsePostgresUrl("postgresDsn", dsn);
    return { user, password, uri };
}

/** PostgreSQL: connections, transactions, locks, replication, database sizes, settings. */
export const postgresExporter: ExporterDefinition = {
    name: "postgres-exporter",
    configKey: "postgres",
    enabled: (config) => config.exporters.postgres !== undefined,
    dashboards: ["datastores/postgresql"],
    spec: (config) => {
        const dsn = config.secrets.postgresDsn;
        if (!dsn) throw new ConfigError("postgresDsn", "is required when monitoring:exporters.postgres is set");
        // Each part stays a secret Output; none of them reaches a rendered file or the environment.
        const parts = dsn.apply(splitPostgresDsn);
        const part = (pick: (p: PostgresDsnParts) => string) => pulumi.secret(parts.apply(pick));
        return {
            name: "postgres-exporter",
            image: IMAGES.postgresExporter,
            kind: "deployment",
            args: [`--web.listen-address=:${PORT}`, ...(config.exporters.postgres?.autoDiscoverDatabases ? ["--auto-discover-databases"] : [])],
            env: {
                DATA_SOURCE_URI_FILE: POSTGRES_SECRET_FILES.uri,
                DATA_SOURCE_USER_FILE: POSTGRES_SECRET_FILES.user,
                DATA_SOURCE_PASS_FILE: POSTGRES_SECRET_FILES.password,
            },
            ports: [{ name: "metrics", port: PORT }],
            files: [
                { path: POSTGRES_SECRET_FILES.uri, content: part((p) => p.uri), secret: true },
                { path: POSTGRES_SECRET_FILES.user, content: part((p) => p.user), secret: true },
                { path: POSTGRES_SECRET_FILES.password, content: part((p) => p.password), secret: true },
            ],
            // The landing page: /metrics would open a database connection on every check.
            health: { path: "/", port: PORT },
            user: "65534:65534",
            readOnlyRootFilesystem: true,
            outbound: [{ port: config.exporters.postgres?.port ?? 5432 }],
            resources: { cpuRequest: "50m", memoryRequest: "64Mi", cpuLimit: "250m", memoryLimit: "128Mi" },
        };
    },
    tls: toolkitTls(),
    scrapeConfigs: (_config, addressing) => [staticJob("postgres-exporter", [addressing.addressOf("postgres-exporter", PORT)])],
};
