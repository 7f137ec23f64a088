// An HTTP server shaped like the parts of Grafana's API that smoke, backup and restore use:
// /api/health, /api/user, /api/search, /api/dashboards/uid/<uid>, /api/dashboards/db,
// /api/folders, /api/datasources. Basic auth as `admin`, like the stack's Grafana.
import * as http from "http";
import * as net from "net";

export interface StoredDashboard {
    dashboard: Record<string, unknown> & { uid: string; title: string };
    folderUid: string;
    provisioned: boolean;
}

export interface RecordedRequest {
    readonly method: string;
    readonly url: string;
    readonly body: unknown;
}

export class GrafanaStandIn {
    public readonly dashboards = new Map<string, StoredDashboard>();
    public readonly folders = new Map<string, string>();
    public datasources: Record<string, unknown>[] = [];
    public readonly requests: RecordedRequest[] = [];
    /** Password of Grafana's /metrics (user `prometheus`), as the stack mounts it; unset: /metrics is 404. */
    public metricsPassword?: string;
    /** Answer 500 to POST /api/dashboards/db while true. */
    public refuseSaves = false;
    private server?: http.Server;
    public url = "";

    constructor(public readonly password: string) {}

    /** Listens on 127.0.0.1:`port` (a free one when 0). */
    async start(port = 0): Promise<void> {
        this.server = http.createServer((req, res) => {
            const chunks: Buffer[] = [];
            req.on("data", (c: Buffer) => chunks.push(c));
            req.on("end", () => {
                const text = Buffer.concat(chunks).toString("utf8");
                const body = text ? (JSON.parse(text) as unknown) : undefined;
                this.requests.push({ method: req.method ?? "GET", url: req.url ?? "/", body });
                if (req.url === "/metrics" && this.metricsPassword !== undefined) {
                    // Grafana's [metrics] basic auth, as Prometheus scrapes it.
                    const ok = req.headers.authorization === `Basic ${Buffer.from(`prometheus:${this.metricsPassword}`).toString("base64")}`;
                    res.writeHead(ok ? 200 : 401, { "content-type": "text/plain" }).end(ok ? 'grafana_build_info{version="13.2.3"} 1\n' : "Unauthorized\n");
                    return;
                }
                const [status, answer] = this.handle(req, body);
                res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(answer));
            });
        });
        await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", () => resolve()));
        this.url = `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
    }

    async stop(): Promise<void> {
        if (!this.server) return;
        this.server.closeAllConnections();
        await new Promise((resolve) => this.server!.close(resolve));
        this.server = undefined;
    }

    addDashboard(uid: string, title: string, folderUid = "", provisioned = false): void {
        this.dashboards.set(uid, { dashboard: { id: this.dashboards.size + 1, uid, title, panels: [], version: 3 }, folderUid, provisioned });
    }

    private authorized(req: http.IncomingMessage): boolean {
        const expected = `Basic ${Buffer.from(`admin:${this.password}`).toString("base64")}`;
        return req.headers.authorization === expected;
    }

    private handle(req: http.IncomingMessage, body: unknown): [number, unknown] {
        const url = new URL(req.url ?? "/", "http://stand-in");
        const route = `${req.method} ${url.pathname}`;
        if (route === "GET /api/health") return [200, { database: "ok", version: "13.2.3" }];
        if (!this.authorized(req)) return [401, { message: "Unauthorized" }];
        if (route === "GET /api/user") return [200, { login: "admin", isGrafanaAdmin: true }];
        if (route === "GET /api/search") {
            if (url.searchParams.get("type") !== "dash-db") return [400, { message: "stand-in only knows type=dash-db" }];
            const limit = Number(url.searchParams.get("limit") ?? 1000);
            const page = Number(url.searchParams.get("page") ?? 1);
            const hits = [...this.dashboards.values()].map((d) => ({
                uid: d.dashboard.uid,
                title: d.dashboard.title,
                type: "dash-db",
                folderUid: d.folderUid || undefined,
            }));
            return [200, hits.slice((page - 1) * limit, page * limit)];
        }
        const byUid = /^GET \/api\/dashboards\/uid\/(.+)$/.exec(route);
        if (byUid) {
            const found = this.dashboards.get(decodeURIComponent(byUid[1]));
            if (!found) return [404, { message: "Dashboard not found" }];
            return [
                200,
                {
                    dashboard: found.dashboard,
                    meta: {
                        folderUid: found.folderUid,
                        folderTitle: found.folderUid ? this.folders.get(found.folderUid) : "General",
                        provisioned: found.provisioned,
                    },
                },
            ];
        }
        if (route === "POST /api/dashboards/db") return this.save(body as Record<string, any>);
        if (route === "GET /api/folders") return [200, [...this.folders].map(([uid, title]) => ({ uid, title }))];
        if (route === "POST /api/folders") {
            const { uid, title } = body as { uid: string; title: string };
            if (this.folders.has(uid)) return [409, { message: "folder exists" }];
            this.folders.set(uid, title);
            return [200, { uid, title }];
        }
        if (route === "GET /api/datasources") return [200, this.datasources];
        return [404, { message: `stand-in has no ${route}` }];
    }

    /** Grafana refuses to overwrite a provisioned dashboard, and needs the folder to exist. */
    private save(body: Record<string, any>): [number, unknown] {
        if (this.refuseSaves) return [500, { message: "refusing on purpose" }];
        const dashboard = body.dashboard as StoredDashboard["dashboard"];
        const existing = this.dashboards.get(dashboard.uid);
        if (existing?.provisioned) return [400, { message: "Cannot save provisioned dashboard" }];
        if (existing && !body.overwrite) return [412, { message: "A dashboard with the same uid already exists" }];
        const folderUid = (body.folderUid as string | undefined) ?? "";
        if (folderUid !== "" && !this.folders.has(folderUid)) return [400, { message: "folder not found" }];
        this.dashboards.set(dashboard.uid, { dashboard, folderUid, provisioned: false });
        return [200, { status: "success", uid: dashboard.uid }];
    }
}
