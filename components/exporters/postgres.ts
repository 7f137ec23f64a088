import * as pulumi from "@pulumi/pulumi";
import { databaseUrl, POSTGRES_URL } from "../../config/endpoints";
import * as v from "../../config/validate";
import { IMAGES } from "../images";
import { staticJob } from "../render/prometheus";
import { toolkitTls } from "../tls";
import { defineExporter } from "./definition";

const PORT = 9187;
const SECRETS_DIR = "/etc/postgres-exporter/secrets";
/** The exporter reads each part of the connection from a file (DATA_SOURCE_*_FILE). */
export const POSTGRES_SECRET_FILES = {
    uri: `${SECRETS_DIR}/uri`,
    user: `${SECRETS_DIR}/user`,
    password: `${SECRETS_DIR}/password`,
};
const DSN_KEY = "postgresDsn";

/** The parts of `postgresql://user:password@host:port/db?params` the exporter takes apart. */
export interface PostgresDsnParts {
    /** `host:port/db?params`: DATA_SOURCE_URI, without scheme or credentials. */
    readonly uri: string;
    readonly user: string;
    readonly password: string;
}

/** Splits a DSN; user and password are percent-decoded (the exporter encodes them again). */
export function splitPostgresDsn(dsn: string): PostgresDsnParts {
    const { user, password, uri } = databaseUrl(DSN_KEY, dsn, POSTGRES_URL);
    return { user, password, uri };
}

export interface PostgresSettings {
    readonly autoDiscoverDatabases: boolean;
    /** The DSN, a secret. */
    readonly dsn: pulumi.Output<string>;
    /** The database's port, from the DSN (a port is not a secret): NetworkPolicies let it out. */
    readonly port: number;
}

/** PostgreSQL: connections, transactions, locks, replication, database sizes, settings. */
export const postgresExporter = defineExporter<PostgresSettings>({
    name: "postgres-exporter",
    configKey: "postgres",
    synopsis: "{autoDiscoverDatabases} | true",
    fields: ["autoDiscoverDatabases"],
    secrets: [
        {
            key: DSN_KEY,
            description: "URL the PostgreSQL exporter connects with: postgresql://user:password@host:5432/db?sslmode=disable.",
            example: "postgresql://user:password@host:5432/db?sslmode=disable",
            check: (key, text) => void databaseUrl(key, text, POSTGRES_URL),
            standIn: "postgresql://encrypted:encrypted@postgres:5432/postgres?sslmode=disable",
        },
    ],
    read: (block, context) => {
        const dsn = context.requiredSecret(DSN_KEY);
        return {
            autoDiscoverDatabases: v.optional(block.autoDiscoverDatabases, false, (x) => v.boolean(`${context.key}.autoDiscoverDatabases`, x)),
            dsn: dsn.value,
            port: databaseUrl(DSN_KEY, dsn.text, POSTGRES_URL).port,
        };
    },
    image: IMAGES.postgresExporter,
    ruleFile: "postgres.yml",
    dashboards: ["datastores/postgresql"],
    docs: "postgresql-exporter-exporterspostgres",
    spec: (settings) => {
        // Each part stays a secret Output; none of them reaches a rendered file or the environment.
        const parts = settings.dsn.apply(splitPostgresDsn);
        const part = (pick: (p: PostgresDsnParts) => string) => pulumi.secret(parts.apply(pick));
        return {
            kind: "deployment",
            args: [`--web.listen-address=:${PORT}`, ...(settings.autoDiscoverDatabases ? ["--auto-discover-databases"] : [])],
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
            outbound: [{ port: settings.port }],
            resources: { cpuRequest: "50m", memoryRequest: "64Mi", cpuLimit: "250m", memoryLimit: "128Mi" },
        };
    },
    tls: toolkitTls(),
    scrapeConfigs: (_settings, addressing) => [staticJob("postgres-exporter", [addressing.addressOf("postgres-exporter", PORT)])],
});
