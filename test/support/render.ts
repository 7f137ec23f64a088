import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { RenderedStack, renderStack, writeRender } from "../../scripts/lib/render-stack";
import { tempDir } from "./temp";

/** Distinctive secret values: a test fails if any of them shows up in a rendered file. */
export const FAKE_SECRETS = {
    slackWebhookUrl: "https://hooks.slack.com/services/TSECRET1/BSECRET2/slackSecretZ9q8",
    smtpPassword: "smtpSecretQ7w6",
    pagerdutyRoutingKey: "pdSecretKey0123456789abcdefABCDEF",
    webhookUrl: "https://sms.example.com/hook?token=smsSecretX5",
    postgresDsn: "postgresql://monitor:pgSecretP4ss@db:5432/app?sslmode=disable",
    redisPassword: "redisSecretR3d",
    mysqlDsn: "mysql://exporter:mysqlSecretM5q@db:3306",
    grafanaDatabaseUrl: "postgres://grafana:gfDbSecretG1@db:5432/grafana",
} as const;

/** The parts of each secret that must never appear (a DSN's password, not its host). */
export const SECRET_NEEDLES = [
    "slackSecretZ9q8",
    "smtpSecretQ7w6",
    "pdSecretKey0123456789abcdefABCDEF",
    "smsSecretX5",
    "pgSecretP4ss",
    "redisSecretR3d",
    "mysqlSecretM5q",
    "gfDbSecretG1",
];

/** A dev stack with every receiver on, the way a user's README describes it. */
export const FULL_DEV_CONFIG = {
    platform: "docker",
    targets: [
        { job: "payflux", targets: ["host.docker.internal:8080"], interval: "10s", metricsPath: "/metrics" },
        {
            job: "gifts-api",
            targets: ["host.docker.internal:3001", "host.docker.internal:3002"],
            metricsPath: "/internal/metrics",
            labels: { team: "gifting" },
        },
    ],
    alerting: {
        slack: { channels: { critical: "#alerts-critical", warning: "#alerts-warnings", info: "#alerts-general" } },
        email: { to: "oncall@example.com", from: "alerts@example.com", smarthost: "smtp.example.com:587", username: "alerts" },
        pagerduty: { severities: ["critical"] },
        webhook: { matchers: ['notify_sms="true"'] },
        route: { groupWait: "10s", repeatInterval: "2h" },
    },
    // The exporters with secrets, so the leak tests see their DSNs and passwords too.
    exporters: { postgres: true, mysql: true, redis: { address: "host.docker.internal:6379" } },
    ...FAKE_SECRETS,
};

export interface RenderedDir {
    readonly dir: string;
    readonly rendered: RenderedStack;
    /** Reads a rendered file of a service by its path in the container. */
    file(service: string, containerPath: string): string;
}

/** Renders `values` (keys without the `monitoring:` prefix) as stack `stack` into a temp folder. */
export async function renderToDir(stack: string, values: Record<string, unknown>): Promise<RenderedDir> {
    const dir = tempDir(`monitoring-render-${stack}-`);
    const stackFile = path.join(dir, `Pulumi.${stack}.yaml`);
    const config = Object.fromEntries(Object.entries(values).map(([k, v]) => [`monitoring:${k}`, v]));
    fs.writeFileSync(stackFile, yaml.dump({ config }));
    const rendered = await renderStack(stack, stackFile);
    const out = path.join(dir, "out");
    writeRender(rendered, out);
    return {
        dir: out,
        rendered,
        file: (service, containerPath) => fs.readFileSync(path.join(out, "files", service, containerPath), "utf8"),
    };
}

/** Every file under `dir`, recursively. */
export function walk(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        return e.isDirectory() ? walk(p) : [p];
    });
}

/**
 * Copies a service's rendered files to a scratch root and points their container paths there, so
 * promtool and amtool can check them as they would run. Secret files the config names get a dummy.
 */
export function relocate(rendered: RenderedDir, service: string, containerRoots: string[]): { root: string; rewrite: (text: string) => string } {
    const root = tempDir(`monitoring-${service}-`);
    const rewrite = (text: string) => containerRoots.reduce((t, r) => t.split(`${r}/`).join(`${root}${r}/`), text);
    const base = path.join(rendered.dir, "files", service);
    for (const file of walk(base)) {
        const target = path.join(root, path.relative(base, file));
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, rewrite(fs.readFileSync(file, "utf8")));
    }
    return { root, rewrite };
}
