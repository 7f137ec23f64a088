import * as crypto from "crypto";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { FileSpec } from "../spec";
import { objectName } from "./labels";

/** etcd refuses objects over 1 MiB: a directory of dashboards larger than this is split. */
const MAX_CONFIGMAP_BYTES = 900 * 1024;

/** One ConfigMap (plain files) or Secret (secret files) holding the files of one directory. */
export interface FileSource {
    readonly kind: "configMap" | "secret";
    readonly name: string;
    readonly data: Record<string, pulumi.Input<string>>;
    /** Key -> path relative to the mount root. */
    readonly items: { readonly key: string; readonly path: string }[];
}

/** How a service's files reach its pods. */
export interface MountedFiles {
    readonly sources: FileSource[];
    readonly volumes: k8s.types.input.core.v1.Volume[];
    readonly mounts: k8s.types.input.core.v1.VolumeMount[];
    /** Hash of the files that roll the pods when they change (everything not hot-reloaded). */
    readonly checksums: Record<string, pulumi.Output<string>>;
    /** Mount roots holding hot-reloaded files, for the reloader to watch. */
    readonly watchedDirs: string[];
    /** Where a secret file lives, for a `secretKeyRef`. */
    secretRef(file: string): { name: string; key: string } | undefined;
}

/**
 * Lays out a service's files: one ConfigMap or Secret per directory, and one projected volume per
 * top directory, mounted as a whole directory. Never `subPath`: a subPath mount is a copy made at
 * start and never sees an update, which would break hot reload.
 */
/**
 * `checksumKey`: the key of the HMAC that stands for the secret files in the pod template (a random
 * secret the platform keeps in the state). Without it, secret files roll no pods.
 */
export function mountFiles(service: string, files: FileSpec[], checksumKey?: pulumi.Output<string>): MountedFiles {
    const dirs = [...new Set(files.map((f) => path.posix.dirname(f.path)))].sort();
    // A directory inside another one is mounted through its ancestor's volume.
    const rootOf = (dir: string) => dirs.find((d) => dir === d || dir.startsWith(`${d}/`))!;
    const roots = dirs.filter((d) => rootOf(d) === d);

    const taken = new Set<string>();
    const sources: (FileSource & { root: string })[] = [];
    const secretKeys = new Map<string, { name: string; key: string }>();
    for (const dir of dirs) {
        const base = uniqueName(taken, sourceName(service, dir));
        for (const secret of [false, true]) {
            const group = files.filter((f) => path.posix.dirname(f.path) === dir && Boolean(f.secret) === secret);
            if (group.length === 0) continue;
            const chunks = secret ? [group] : chunk(group);
            chunks.forEach((chunkFiles, i) => {
                const name = chunks.length > 1 ? `${base}-${i + 1}` : base;
                const keys = new Set<string>();
                const data: Record<string, pulumi.Input<string>> = {};
                const items = chunkFiles.map((f) => {
                    const key = uniqueName(keys, path.posix.basename(f.path).replace(/[^-._a-zA-Z0-9]/g, "_"));
                    data[key] = secret ? pulumi.secret(f.content) : f.content;
                    if (secret) secretKeys.set(f.path, { name, key });
                    return { key, path: path.posix.relative(rootOf(dir), f.path) };
                });
                sources.push({ kind: secret ? "secret" : "configMap", name, data, items, root: rootOf(dir) });
            });
        }
    }

    const volumes = roots.map((root) => ({
        name: volumeName(root),
        projected: {
            defaultMode: 0o444,
            sources: sources
                .filter((s) => s.root === root)
                .map((s) =>
                    s.kind === "secret"
                        ? { secret: { name: s.name, items: s.items.map((i) => ({ ...i, mode: 0o440 })) } }
                        : { configMap: { name: s.name, items: s.items } },
                ),
        },
    }));
    const mounts = roots.map((root) => ({ name: volumeName(root), mountPath: root, readOnly: true }));

    const rolling = files.filter((f) => !f.hotReload);
    const checksums: Record<string, pulumi.Output<string>> = {};
    const plain = checksum(rolling.filter((f) => !f.secret));
    // Keyed: a plain hash of a weak password would let anyone who reads the pod spec test guesses offline.
    const secret = checksumKey ? checksum(rolling.filter((f) => f.secret), checksumKey) : undefined;
    if (plain) checksums["checksum/config"] = plain;
    if (secret) checksums["checksum/secrets"] = pulumi.secret(secret);

    return {
        sources: sources.map(({ root: _root, ...s }) => s),
        volumes,
        mounts,
        checksums,
        // The reloader hashes a watched directory recursively, through the volume's timestamped data directory.
        watchedDirs: [...new Set(files.filter((f) => f.hotReload).map((f) => rootOf(path.posix.dirname(f.path))))].sort(),
        secretRef: (file) => secretKeys.get(file),
    };
}

/** `/etc/prometheus/rules` of prometheus -> `prometheus-rules`; the top directory -> `prometheus-config`. */
function sourceName(service: string, dir: string): string {
    const parts = dir.split("/").filter((p) => p && p !== "etc" && p !== service);
    return objectName(`${service}-${parts.length ? parts.join("-") : "config"}`);
}

function volumeName(root: string): string {
    return objectName(`files-${root}`);
}

function uniqueName(taken: Set<string>, wanted: string): string {
    let name = wanted;
    for (let i = 2; taken.has(name); i++) name = `${wanted}-${i}`;
    taken.add(name);
    return name;
}

/** Splits plain files so each ConfigMap stays under the size etcd accepts. */
function chunk(files: FileSpec[]): FileSpec[][] {
    const chunks: FileSpec[][] = [[]];
    let size = 0;
    for (const f of files) {
        const bytes = typeof f.content === "string" ? Buffer.byteLength(f.content) : 0;
        if (size + bytes > MAX_CONFIGMAP_BYTES && chunks[chunks.length - 1].length > 0) {
            chunks.push([]);
            size = 0;
        }
        chunks[chunks.length - 1].push(f);
        size += bytes;
    }
    return chunks;
}

/** SHA-256 of the files' paths and contents; an HMAC-SHA-256 when `key` is given. */
function checksum(files: FileSpec[], key?: pulumi.Output<string>): pulumi.Output<string> | undefined {
    if (files.length === 0) return undefined;
    return pulumi.all([key ?? "", ...files.map((f) => f.content)]).apply(([k, ...contents]) => {
        const hash = key ? crypto.createHmac("sha256", k) : crypto.createHash("sha256");
        files.forEach((f, i) => hash.update(`${f.path}\0${contents[i]}\0`));
        return hash.digest("hex");
    });
}
