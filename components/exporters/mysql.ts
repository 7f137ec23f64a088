import * as pulumi from "@pulumi/pulumi";
import { DatabaseUrl, databaseUrl, DatabaseUrlKind } from "../../config/endpoints";
import { ConfigError } from "../../config/errors";
import { IMAGES } from "../images";
import { staticJob } from "../render/prometheus";
import { toolkitTls } from "../tls";
import { defineExporter } from "./definition";

const PORT = 9104;
const DSN_KEY = "mysqlDsn";
const MYSQL_URL: DatabaseUrlKind = { schemes: ["mysql", "mariadb"], defaultPort: 3306 };
/** The [client] option file mysqld_exporter reads its credentials and address from. */
export const MYSQL_OPTION_FILE = "/etc/mysql-exporter/secrets/my.cnf";

/**
 * mysqld_exporter reads the option file with Go's gopkg.in/ini.v1 and then expands `$NAME` in
 * every value (os.ExpandEnv), with no way to escape a `$`: a credential holding one cannot be
 * passed, so it is refused at load.
 */
function checkMysqlDsn(key: string, text: string): DatabaseUrl {
    const dsn = databaseUrl(key, text, MYSQL_URL);
    if (dsn.user.includes("$") || dsn.password.includes("$")) {
        throw new ConfigError(
            key,
            "the user or password in the secret value holds a $, which mysqld_exporter expands as an environment variable; pick a password without $",
        );
    }
    if (dsn.query) throw new ConfigError(key, "the secret value has ?parameters; mysqld_exporter takes none from it (write mysql://user:password@host:3306)");
    return dsn;
}

/**
 * The option file: ini.v1 takes a value wrapped in backticks literally up to the last backtick,
 * so no character of a password (`#` and `;` start comments otherwise) changes its meaning.
 */
export function renderMysqlOptionFile(dsn: string): string {
    const { user, password, host, port } = checkMysqlDsn(DSN_KEY, dsn);
    const quote = (value: string) => `\`${value}\``;
    // net.JoinHostPort adds the brackets of an IPv6 literal again.
    const bareHost = host.replace(/^\[(.*)\]$/, "$1");
    return ["[client]", `user=${quote(user)}`, `password=${quote(password)}`, `host=${quote(bareHost)}`, `port=${port}`, ""].join("\n");
}

export interface MysqlSettings {
    /** The DSN, a secret. */
    readonly dsn: pulumi.Output<string>;
    /** The server's port, from the DSN (a port is not a secret): NetworkPolicies let it out. */
    readonly port: number;
}

/** MySQL and MariaDB: connections, queries, slow queries, InnoDB buffer pool, replication. */
export const mysqlExporter = defineExporter<MysqlSettings>({
    name: "mysql-exporter",
    configKey: "mysql",
    synopsis: "true | {}",
    fields: [],
    secrets: [
        {
            key: DSN_KEY,
            description: "URL the MySQL/MariaDB exporter connects with: mysql://user:password@host:3306 (no $ in the password: mysqld_exporter expands it).",
            example: "mysql://exporter:password@host:3306",
            check: (key, text) => void checkMysqlDsn(key, text),
            standIn: "mysql://encrypted:encrypted@mysql:3306",
        },
    ],
    read: (_block, context) => {
        const dsn = context.requiredSecret(DSN_KEY);
        return { dsn: dsn.value, port: checkMysqlDsn(DSN_KEY, dsn.text).port };
    },
    image: IMAGES.mysqlExporter,
    ruleFile: "mysql.yml",
    dashboards: ["datastores/mysql"],
    docs: "mysql-and-mariadb-exporter-exportersmysql",
    spec: (settings) => ({
        kind: "deployment",
        // Credentials and address come from the option file only: nothing of the DSN is an argument.
        args: [`--config.my-cnf=${MYSQL_OPTION_FILE}`, `--web.listen-address=:${PORT}`],
        ports: [{ name: "metrics", port: PORT }],
        files: [{ path: MYSQL_OPTION_FILE, content: pulumi.secret(settings.dsn.apply(renderMysqlOptionFile)), secret: true }],
        // The landing page: /metrics would open a database connection on every check.
        health: { path: "/", port: PORT },
        user: "65534:65534",
        readOnlyRootFilesystem: true,
        outbound: [{ port: settings.port }],
        resources: { cpuRequest: "50m", memoryRequest: "32Mi", cpuLimit: "250m", memoryLimit: "128Mi" },
    }),
    tls: toolkitTls(),
    scrapeConfigs: (_settings, addressing) => [staticJob("mysql-exporter", [addressing.addressOf("mysql-exporter", PORT)])],
});
