// Stand-in images: the official images' layout (entrypoint, user, folders and their owners,
// busybox sh/wget/nc) around the Debian binaries in .tools/root, built here without a registry
// and tagged with the exact names components/images.ts pins. Facts and sources:
// test/docker/images/README.md.
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import Docker from "dockerode";
import * as tar from "tar-stream";
import { IMAGES } from "../../components/images";

const TOOLS_ROOT = path.resolve(__dirname, "../../.tools/root");
/** Debian's busybox-static: one static binary with every applet. */
const BUSYBOX = "/bin/busybox";
const NOBODY = 65534;
const HASH_LABEL = "monitoring.test.content-hash";

/** A file copied into the image. `from` is absolute, or relative to .tools/root. */
interface ImageFile {
    readonly from: string;
    readonly to: string;
    readonly mode?: number;
}

export interface StandIn {
    /** The key of components/images.ts it stands in for; tagged with that pin. */
    readonly image: keyof typeof IMAGES | "receiver";
    /** The Debian binary and the path the official image has it at. */
    readonly binary?: ImageFile;
    readonly files?: ImageFile[];
    /** Folders the official image creates, with their owner (uid = gid) and mode. */
    readonly dirs?: { readonly path: string; readonly owner: number; readonly mode: number }[];
    /** Dockerfile instructions of the official image (USER, WORKDIR, ENTRYPOINT, CMD, EXPOSE, VOLUME). */
    readonly config: string[];
}

/** One per service we have a binary for. Every fact is from the official Dockerfile at the tag named in the README. */
export const STAND_INS: StandIn[] = [
    {
        image: "prometheus",
        binary: { from: "usr/bin/prometheus", to: "/bin/prometheus" },
        dirs: [{ path: "/etc/prometheus", owner: NOBODY, mode: 0o755 }, { path: "/prometheus", owner: NOBODY, mode: 0o775 }],
        config: [
            "WORKDIR /prometheus",
            "USER nobody",
            "EXPOSE 9090",
            'VOLUME ["/prometheus"]',
            'ENTRYPOINT ["/bin/prometheus"]',
            'CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]',
        ],
    },
    {
        image: "alertmanager",
        binary: { from: "usr/bin/prometheus-alertmanager", to: "/bin/alertmanager" },
        // Debian's build reads its default templates from here instead of embedding them.
        files: [{ from: "usr/share/prometheus/alertmanager", to: "/usr/share/prometheus/alertmanager" }, { from: "usr/bin/amtool", to: "/bin/amtool" }],
        dirs: [{ path: "/etc/alertmanager", owner: NOBODY, mode: 0o755 }, { path: "/alertmanager", owner: NOBODY, mode: 0o755 }],
        config: [
            "USER nobody",
            "EXPOSE 9093",
            'VOLUME ["/alertmanager"]',
            "WORKDIR /alertmanager",
            'ENTRYPOINT ["/bin/alertmanager"]',
            'CMD ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"]',
        ],
    },
    {
        image: "nodeExporter",
        binary: { from: "usr/bin/prometheus-node-exporter", to: "/bin/node_exporter" },
        config: ["EXPOSE 9100", "USER nobody", 'ENTRYPOINT ["/bin/node_exporter"]'],
    },
    {
        image: "blackboxExporter",
        binary: { from: "usr/bin/prometheus-blackbox-exporter", to: "/bin/blackbox_exporter" },
        dirs: [{ path: "/etc/blackbox_exporter", owner: 0, mode: 0o755 }],
        config: ["EXPOSE 9115", 'ENTRYPOINT ["/bin/blackbox_exporter"]', 'CMD ["--config.file=/etc/blackbox_exporter/config.yml"]'],
    },
    {
        image: "postgresExporter",
        binary: { from: "usr/bin/prometheus-postgres-exporter", to: "/bin/postgres_exporter" },
        config: ["EXPOSE 9187", "USER nobody", 'ENTRYPOINT ["/bin/postgres_exporter"]'],
    },
    {
        image: "redisExporter",
        binary: { from: "usr/bin/prometheus-redis-exporter", to: "/redis_exporter" },
        config: ["USER 59000:59000", "EXPOSE 9121", 'ENTRYPOINT ["/redis_exporter"]'],
    },
];

/** The image name a stand-in is tagged with: the pin, read now (pins move). */
export function standInTag(standIn: StandIn): string {
    return standIn.image === "receiver" ? RECEIVER_IMAGE : IMAGES[standIn.image];
}

/** Stand-in for the services the pins name, by image name. */
export function standInFor(imageName: string): StandIn | undefined {
    return STAND_INS.find((s) => standInTag(s) === imageName);
}

/** A webhook receiver for the tests: busybox httpd; POSTs to /cgi-bin/hook are appended to a file, GET returns them. */
export const RECEIVER_IMAGE = "monitoring-test/receiver:1";
export const RECEIVER_PORT = 8080;
const RECEIVER_CGI = `#!/bin/sh
if [ "$REQUEST_METHOD" = POST ]; then
  head -c "$CONTENT_LENGTH" >> /tmp/notifications.jsonl
  echo >> /tmp/notifications.jsonl
fi
printf 'Content-Type: text/plain\\r\\n\\r\\n'
cat /tmp/notifications.jsonl 2>/dev/null
`;
export const RECEIVER: StandIn = {
    image: "receiver",
    files: [{ from: "inline:receiver-cgi", to: "/www/cgi-bin/hook", mode: 0o755 }],
    config: [`EXPOSE ${RECEIVER_PORT}`, `ENTRYPOINT ["/bin/httpd", "-f", "-v", "-p", "${RECEIVER_PORT}", "-h", "/www"]`],
};
const INLINE: Record<string, string> = { "inline:receiver-cgi": RECEIVER_CGI };

/** What the busybox base of the official images gives every one of them. */
function baseEntries(binaries: string[]): Entry[] {
    const applets = execFileSync(BUSYBOX, ["--list"], { encoding: "utf8" }).split("\n").filter(Boolean);
    const entries: Entry[] = [
        { name: "tmp", type: "directory", mode: 0o1777 },
        { name: "bin/busybox", source: BUSYBOX, mode: 0o755 },
        ...applets.filter((a) => a !== "busybox").map((a): Entry => ({ name: `bin/${a}`, type: "symlink", linkname: "busybox" })),
        { name: "etc/passwd", content: `root:x:0:0:root:/root:/bin/sh\nnobody:x:${NOBODY}:${NOBODY}:nobody:/home:/bin/false\n` },
        { name: "etc/group", content: `root:x:0:\nnobody:x:${NOBODY}:\n` },
        { name: "etc/nsswitch.conf", content: "hosts: files dns\n" },
    ];
    // Debian's Go builds link glibc (the official ones are static): add what ldd names.
    const libraries = new Set<string>();
    for (const binary of binaries) {
        const out = execFileSync("ldd", [binary], { encoding: "utf8" });
        for (const match of out.matchAll(/(\/\S+) \(0x/g)) libraries.add(match[1]);
    }
    for (const lib of libraries) entries.push({ name: lib.slice(1), source: fs.realpathSync(lib), mode: 0o755 });
    return entries;
}

interface Entry {
    readonly name: string;
    readonly type?: "file" | "directory" | "symlink";
    readonly source?: string;
    readonly content?: string;
    readonly linkname?: string;
    readonly mode?: number;
    readonly owner?: number;
}

function resolveFrom(from: string): string {
    return path.isAbsolute(from) ? from : path.join(TOOLS_ROOT, from);
}

/** Files under `from` (or `from` itself) as entries below `to`. */
function copyEntries(file: ImageFile): Entry[] {
    if (file.from.startsWith("inline:")) return [{ name: file.to.slice(1), content: INLINE[file.from], mode: file.mode }];
    const source = resolveFrom(file.from);
    if (!fs.statSync(source).isDirectory()) return [{ name: file.to.slice(1), source, mode: file.mode ?? 0o755 }];
    return fs.readdirSync(source, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => {
            const full = path.join(e.parentPath, e.name);
            return { name: path.join(file.to, path.relative(source, full)).slice(1), source: full, mode: 0o644 };
        });
}

function entriesOf(standIn: StandIn): Entry[] {
    const binaries = standIn.binary ? [resolveFrom(standIn.binary.from)] : [];
    return [
        ...baseEntries(binaries),
        ...(standIn.binary ? copyEntries(standIn.binary) : []),
        ...(standIn.files ?? []).flatMap(copyEntries),
        ...(standIn.dirs ?? []).map((d): Entry => ({ name: d.path.slice(1), type: "directory", mode: d.mode, owner: d.owner })),
    ];
}

/** Hash of everything that goes into the image, so an unchanged stand-in is not built twice. */
function contentHash(standIn: StandIn, entries: Entry[]): string {
    const hash = crypto.createHash("sha256").update(JSON.stringify({ standIn, entries }));
    for (const e of entries) if (e.source) hash.update(fs.readFileSync(e.source));
    return hash.digest("hex").slice(0, 16);
}

/** The root file system as one tar layer: owners and modes exactly as listed (a build context cannot chown). */
async function packRootfs(entries: Entry[]): Promise<tar.Pack> {
    const pack = tar.pack();
    (async () => {
        const dirs = new Set<string>();
        for (const e of entries) {
            for (let d = path.dirname(e.name); d !== "."; d = path.dirname(d)) dirs.add(d);
        }
        const explicit = new Map(entries.filter((e) => e.type === "directory").map((e) => [e.name, e]));
        for (const d of [...dirs, ...explicit.keys()].filter((d, i, all) => all.indexOf(d) === i).sort()) {
            const given = explicit.get(d);
            pack.entry({ name: d, type: "directory", mode: given?.mode ?? 0o755, uid: given?.owner ?? 0, gid: given?.owner ?? 0 });
        }
        for (const e of entries) {
            if (e.type === "directory") continue;
            if (e.type === "symlink") {
                pack.entry({ name: e.name, type: "symlink", linkname: e.linkname });
                continue;
            }
            const body = e.content !== undefined ? Buffer.from(e.content) : fs.readFileSync(e.source!);
            pack.entry({ name: e.name, mode: e.mode ?? 0o644, uid: e.owner ?? 0, gid: e.owner ?? 0 }, body);
        }
        pack.finalize();
    })().catch((err) => pack.destroy(err));
    return pack;
}

/** Builds (imports) a stand-in unless an image with its content hash is already tagged. */
export async function buildStandIn(api: Docker, standIn: StandIn): Promise<string> {
    const tag = standInTag(standIn);
    const entries = entriesOf(standIn);
    const hash = contentHash(standIn, entries);
    try {
        const existing = await api.getImage(tag).inspect();
        if (existing.Config?.Labels?.[HASH_LABEL] === hash) return tag;
    } catch {
        // not there yet
    }
    const [repo, version] = splitTag(tag);
    const stream = await api.importImage(await packRootfs(entries), {
        repo,
        tag: version,
        changes: [...standIn.config, `LABEL ${HASH_LABEL}=${hash}`],
    });
    await new Promise<void>((resolve, reject) => api.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())));
    await api.getImage(tag).inspect();
    return tag;
}

/** `gcr.io/x/y:v1` -> [`gcr.io/x/y`, `v1`]. */
function splitTag(image: string): [string, string] {
    const colon = image.lastIndexOf(":");
    if (colon <= image.lastIndexOf("/")) return [image, "latest"];
    return [image.slice(0, colon), image.slice(colon + 1)];
}
