// No Loki, Promtail or Alloy binary can be had on this machine, so their configs are checked
// against the structure their configuration references document (Loki 3.x "Configure Loki",
// Promtail "Configure Promtail" and "Pipeline stages", Alloy 1.x component reference). Loki and
// Promtail read YAML strictly: an unknown field stops them at start, so an unknown key here is a
// real failure. Only the parts the stack renders are spelt out in full; `ANY` marks a documented
// block whose contents the stack does not use.

/** A field's documented type. */
export type Schema =
    | "bool"
    | "int"
    | "number"
    | "string"
    | "strings"
    | "goDuration"
    | "promDuration"
    | "bytes"
    | "labels"
    | "nullableLabels"
    | "ANY"
    | { readonly [field: string]: Schema }
    | readonly [Schema];

const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const PROM_DURATION = /^(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/;
const BYTES = /^\d+(\.\d+)?(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/;

/** Every mismatch between `value` and `schema`, as `path: problem` lines. */
export function schemaErrors(value: unknown, schema: Schema, at = ""): string[] {
    const here = at || "(root)";
    if (schema === "ANY") return [];
    if (Array.isArray(schema)) {
        if (!Array.isArray(value)) return [`${here}: expected a list`];
        return value.flatMap((item, i) => schemaErrors(item, schema[0], `${at}[${i}]`));
    }
    if (typeof schema === "object") {
        if (typeof value !== "object" || value === null || Array.isArray(value)) return [`${here}: expected a block`];
        return Object.entries(value).flatMap(([k, v]) =>
            k in schema ? schemaErrors(v, (schema as Record<string, Schema>)[k], at ? `${at}.${k}` : k) : [`${at ? `${at}.` : ""}${k}: not a documented field`],
        );
    }
    const ok: Record<string, (v: unknown) => boolean> = {
        bool: (v) => typeof v === "boolean",
        int: (v) => Number.isInteger(v),
        number: (v) => typeof v === "number",
        string: (v) => typeof v === "string",
        strings: (v) => Array.isArray(v) && v.every((x) => typeof x === "string"),
        goDuration: (v) => typeof v === "string" && GO_DURATION.test(v),
        promDuration: (v) => typeof v === "string" && v !== "" && PROM_DURATION.test(v),
        bytes: (v) => typeof v === "string" && BYTES.test(v),
        labels: (v) => typeof v === "object" && v !== null && Object.values(v).every((x) => typeof x === "string"),
        nullableLabels: (v) => typeof v === "object" && v !== null && Object.values(v).every((x) => x === null || typeof x === "string"),
    };
    return ok[schema](value) ? [] : [`${here}: ${JSON.stringify(value)} is not ${schema}`];
}

const S3: Schema = {
    endpoint: "string", region: "string", bucketnames: "string", access_key_id: "string", secret_access_key: "string",
    session_token: "string", insecure: "bool", s3forcepathstyle: "bool", http_config: "ANY", signature_version: "string",
    storage_class: "string", sse: "ANY", backoff_config: "ANY", disable_dualstack: "bool",
};

/** The `server` block's TLS for its HTTP listener (Loki and Promtail share dskit's server). */
const HTTP_TLS: Schema = { cert_file: "string", key_file: "string", client_auth_type: "string", client_ca_file: "string" };

/** Loki 3.x, `-config.file` (configuration reference, "Supported contents and default values"). */
export const LOKI_SCHEMA: Schema = {
    target: "string",
    auth_enabled: "bool",
    server: {
        http_listen_network: "string", http_listen_address: "string", http_listen_port: "int",
        grpc_listen_network: "string", grpc_listen_address: "string", grpc_listen_port: "int",
        log_level: "string", log_format: "string", http_server_read_timeout: "goDuration", http_server_write_timeout: "goDuration",
        grpc_server_max_recv_msg_size: "int", grpc_server_max_send_msg_size: "int", register_instrumentation: "bool",
        http_tls_config: HTTP_TLS, tls_min_version: "string", tls_cipher_suites: "string",
    },
    common: {
        path_prefix: "string",
        storage: { filesystem: { chunks_directory: "string", rules_directory: "string" }, s3: S3, gcs: "ANY", azure: "ANY", swift: "ANY", bos: "ANY", cos: "ANY", congestion_control: "ANY", object_store: "ANY" },
        persist_tokens: "bool",
        replication_factor: "int",
        ring: { kvstore: { store: "string", prefix: "string", consul: "ANY", etcd: "ANY", multi: "ANY" }, heartbeat_period: "goDuration", heartbeat_timeout: "goDuration", instance_addr: "string" },
        instance_interface_names: "strings",
        instance_addr: "string",
        compactor_address: "string",
        compactor_grpc_address: "string",
    },
    schema_config: {
        configs: [{ from: "string", store: "string", object_store: "string", schema: "string", index: { prefix: "string", period: "goDuration", tags: "ANY" }, chunks: "ANY", row_shards: "int" }],
    },
    storage_config: {
        tsdb_shipper: { active_index_directory: "string", cache_location: "string", cache_ttl: "goDuration", resync_interval: "goDuration", query_ready_num_days: "int" },
        filesystem: { directory: "string" },
        aws: "ANY", boltdb_shipper: "ANY", object_prefix: "string", use_thanos_objstore: "bool", object_store: "ANY",
    },
    compactor: {
        working_directory: "string", compaction_interval: "goDuration", apply_retention_interval: "goDuration",
        retention_enabled: "bool", retention_delete_delay: "goDuration", retention_delete_worker_count: "int",
        retention_table_timeout: "goDuration", delete_request_store: "string", delete_request_store_key_prefix: "string",
        delete_batch_size: "int", delete_request_cancel_period: "goDuration", delete_max_interval: "goDuration",
        max_compaction_parallelism: "int", compactor_ring: "ANY",
    },
    limits_config: {
        ingestion_rate_strategy: "string", ingestion_rate_mb: "number", ingestion_burst_size_mb: "number",
        max_label_name_length: "int", max_label_value_length: "int", max_label_names_per_series: "int",
        reject_old_samples: "bool", reject_old_samples_max_age: "promDuration", creation_grace_period: "promDuration",
        max_line_size: "bytes", max_line_size_truncate: "bool", increment_duplicate_timestamp: "bool",
        discover_service_name: "strings", discover_log_levels: "bool", max_streams_per_user: "int",
        max_global_streams_per_user: "int", unordered_writes: "bool", per_stream_rate_limit: "bytes",
        per_stream_rate_limit_burst: "bytes", max_query_length: "promDuration", max_query_parallelism: "int",
        retention_period: "promDuration", retention_stream: "ANY", allow_structured_metadata: "bool",
        max_structured_metadata_size: "bytes", volume_enabled: "bool", query_timeout: "promDuration",
        split_queries_by_interval: "promDuration", max_entries_limit_per_query: "int", per_tenant_override_config: "string",
    },
    ingester: {
        wal: { enabled: "bool", dir: "string", checkpoint_duration: "goDuration", flush_on_shutdown: "bool", replay_memory_ceiling: "bytes" },
        chunk_idle_period: "goDuration", chunk_target_size: "int", max_chunk_age: "goDuration", lifecycler: "ANY",
    },
    analytics: { reporting_enabled: "bool", usage_stats_url: "string" },
    ruler: "ANY", querier: "ANY", query_range: "ANY", frontend: "ANY", distributor: "ANY", memberlist: "ANY",
    runtime_config: "ANY", pattern_ingester: "ANY", tracing: "ANY", chunk_store_config: "ANY",
};

const RELABEL: Schema = [{ source_labels: "strings", separator: "string", regex: "string", modulus: "int", target_label: "string", replacement: "string", action: "string" }];

/** Promtail pipeline stages: each list item holds exactly one stage. */
export const PROMTAIL_STAGES: Record<string, Schema> = {
    json: { expressions: "labels", source: "string", drop_malformed: "bool" },
    logfmt: { mapping: "labels", source: "string" },
    regex: { expression: "string", source: "string" },
    multiline: { firstline: "string", max_wait_time: "goDuration", max_lines: "int" },
    template: { source: "string", template: "string" },
    labels: "nullableLabels",
    cri: { max_partial_lines: "int", max_partial_line_size: "int", max_partial_line_size_truncate: "bool" },
    docker: {},
    timestamp: "ANY", output: "ANY", drop: "ANY", structured_metadata: "ANY", labeldrop: "ANY", match: "ANY", pack: "ANY",
};

/** Promtail 3.x, `-config.file` (Configure Promtail). */
export const PROMTAIL_SCHEMA: Schema = {
    server: {
        http_listen_address: "string", http_listen_port: "int", grpc_listen_address: "string", grpc_listen_port: "int",
        log_level: "string", log_format: "string", disable: "bool", http_tls_config: HTTP_TLS,
    },
    positions: { filename: "string", sync_period: "goDuration", ignore_invalid_yaml: "bool" },
    clients: [{ url: "string", tenant_id: "string", batchwait: "goDuration", batchsize: "int", external_labels: "labels", timeout: "goDuration", backoff_config: "ANY", basic_auth: "ANY", tls_config: "ANY" }],
    scrape_configs: [
        {
            job_name: "string",
            pipeline_stages: "ANY",
            static_configs: [{ targets: "strings", labels: "labels" }],
            docker_sd_configs: [{ host: "string", port: "int", refresh_interval: "goDuration", filters: "ANY", host_networking_host: "string" }],
            kubernetes_sd_configs: [{ role: "string", namespaces: "ANY", selectors: "ANY", api_server: "string" }],
            relabel_configs: RELABEL,
            file_sd_configs: "ANY", journal: "ANY", syslog: "ANY",
        },
    ],
    limits_config: "ANY", target_config: "ANY", options: "ANY", tracing: "ANY",
};

/** Every stage of every job, checked against its documented fields. */
export function promtailStageErrors(config: { scrape_configs: { job_name: string; pipeline_stages?: Record<string, unknown>[] }[] }): string[] {
    return config.scrape_configs.flatMap((job) =>
        (job.pipeline_stages ?? []).flatMap((stage, i) => {
            const names = Object.keys(stage);
            if (names.length !== 1) return [`${job.job_name} stage ${i}: holds ${names.length} stages`];
            const schema = PROMTAIL_STAGES[names[0]];
            return schema === undefined ? [`${job.job_name} stage ${i}: unknown stage ${names[0]}`] : schemaErrors(stage[names[0]], schema, `${job.job_name}.${names[0]}`);
        }),
    );
}

// --- Alloy ---------------------------------------------------------------------------------

export type AlloyValue = string | number | boolean | { ref: string } | AlloyValue[] | { [k: string]: AlloyValue };

/** Standard-library functions a config may call (Alloy 1.x reference, stdlib). */
export const ALLOY_FUNCTIONS = ["sys.env", "coalesce"];

export interface AlloyBlock {
    readonly name: string;
    readonly label?: string;
    readonly attributes: Record<string, AlloyValue>;
    readonly blocks: AlloyBlock[];
}

/**
 * Parses the subset of Alloy's syntax a config file uses: blocks, attributes, literals,
 * references, calls (`{call, args}`) and string concatenation with `+` (`{concat}`).
 */
export function parseAlloy(text: string): AlloyBlock[] {
    const tokens: string[] = [];
    const re = /\s+|\/\/[^\n]*|("(?:[^"\\\n]|\\.)*")|([A-Za-z_][A-Za-z0-9_.]*)|(-?\d+(?:\.\d+)?)|([{}[\](),=+])|(.)/gy;
    for (let m = re.exec(text); m && m.index < text.length; m = re.exec(text)) {
        if (m[6] !== undefined) throw new Error(`unexpected character ${JSON.stringify(m[6])} at ${m.index}`);
        const token = m[1] ?? m[2] ?? m[3] ?? m[4];
        if (token !== undefined) tokens.push(token);
        if (re.lastIndex === text.length) break;
    }
    let i = 0;
    const peek = () => tokens[i];
    const take = (expected?: string) => {
        const t = tokens[i++];
        if (t === undefined || (expected !== undefined && t !== expected)) throw new Error(`expected ${expected ?? "a token"}, got ${t} (token ${i - 1})`);
        return t;
    };
    const isIdent = (t: string | undefined) => t !== undefined && /^[A-Za-z_]/.test(t);
    const value = (): AlloyValue => {
        const first = primary();
        if (peek() !== "+") return first;
        const parts = [first];
        while (peek() === "+") parts.push((take("+"), primary()));
        return { concat: parts };
    };
    const primary = (): AlloyValue => {
        const t = take();
        if (t.startsWith('"')) return JSON.parse(t) as string;
        if (/^-?\d/.test(t)) return Number(t);
        if (t === "true" || t === "false") return t === "true";
        if (t === "[") {
            const items: AlloyValue[] = [];
            while (peek() !== "]") {
                items.push(value());
                if (peek() === ",") take(",");
            }
            take("]");
            return items;
        }
        if (t === "{") {
            const obj: Record<string, AlloyValue> = {};
            while (peek() !== "}") {
                const key = take();
                obj[key.startsWith('"') ? (JSON.parse(key) as string) : key] = (take("="), value());
                if (peek() === ",") take(",");
            }
            take("}");
            return obj;
        }
        if (isIdent(t) && peek() === "(") {
            take("(");
            const args: AlloyValue[] = [];
            while (peek() !== ")") {
                args.push(value());
                if (peek() === ",") take(",");
            }
            take(")");
            return { call: t, args };
        }
        if (isIdent(t)) return { ref: t };
        throw new Error(`unexpected ${t}`);
    };
    const body = (end: string | undefined): AlloyBlock[] & { attributes?: Record<string, AlloyValue> } => {
        const blocks: AlloyBlock[] = [];
        const attributes: Record<string, AlloyValue> = {};
        while (peek() !== end) {
            const name = take();
            if (!isIdent(name)) throw new Error(`expected a name, got ${name}`);
            if (peek() === "=") {
                take("=");
                if (name in attributes) throw new Error(`attribute ${name} set twice`);
                attributes[name] = value();
                continue;
            }
            const label = peek()?.startsWith('"') ? (JSON.parse(take()) as string) : undefined;
            take("{");
            const inner = body("}");
            take("}");
            blocks.push({ name, label, attributes: inner.attributes ?? {}, blocks: [...inner] });
        }
        return Object.assign(blocks, { attributes });
    };
    const top = body(undefined);
    if (Object.keys(top.attributes ?? {}).length) throw new Error("attributes outside any block");
    return [...top];
}

/** Alloy 1.x components the stack uses: their documented arguments and blocks. */
export const ALLOY_COMPONENTS: Record<string, { args: string[]; blocks?: Record<string, string[]>; labelled: boolean }> = {
    logging: { args: ["level", "format", "write_to"], labelled: false },
    // The HTTP server's own TLS (a configuration block, like logging).
    http: { args: [], blocks: { tls: ["cert_file", "key_file", "cert_pem", "key_pem", "client_ca_file", "client_auth_type", "min_version", "max_version"] }, labelled: false },
    "loki.write": {
        args: ["external_labels", "max_streams"],
        blocks: {
            endpoint: ["url", "tenant_id", "batch_wait", "batch_size", "headers", "remote_timeout"],
            "endpoint.tls_config": ["ca_file", "ca_pem", "cert_file", "key_file", "server_name", "insecure_skip_verify", "min_version"],
        },
        labelled: true,
    },
    "discovery.docker": { args: ["host", "port", "refresh_interval", "host_networking_host"], labelled: true },
    "discovery.kubernetes": { args: ["role", "api_server", "kubeconfig_file"], blocks: { selectors: ["role", "field", "label"] }, labelled: true },
    "discovery.relabel": { args: ["targets"], blocks: { rule: ["source_labels", "separator", "regex", "modulus", "target_label", "replacement", "action"] }, labelled: true },
    "loki.source.docker": { args: ["host", "targets", "forward_to", "labels", "relabel_rules", "refresh_interval"], labelled: true },
    "local.file_match": { args: ["path_targets", "sync_period"], labelled: true },
    "loki.source.file": { args: ["targets", "forward_to", "encoding", "tail_from_end", "legacy_positions_file"], labelled: true },
    "loki.process": {
        args: ["forward_to"],
        blocks: {
            "stage.json": ["expressions", "source", "drop_malformed"],
            "stage.logfmt": ["mapping", "source"],
            "stage.regex": ["expression", "source"],
            "stage.multiline": ["firstline", "max_wait_time", "max_lines"],
            "stage.template": ["source", "template"],
            "stage.labels": ["values"],
            "stage.cri": ["max_partial_lines", "max_partial_line_size", "max_partial_line_size_truncate"],
        },
        labelled: true,
    },
};

/** What each component exports, as other components reference it. */
const ALLOY_EXPORTS: Record<string, string[]> = {
    "loki.write": ["receiver"],
    "loki.process": ["receiver"],
    "discovery.docker": ["targets"],
    "discovery.kubernetes": ["targets"],
    "discovery.relabel": ["output", "rules"],
    "local.file_match": ["targets"],
};

/** Unknown components, arguments or blocks, duplicate labels, and references to nothing. */
export function alloyErrors(blocks: AlloyBlock[]): string[] {
    const errors: string[] = [];
    const defined = new Set<string>();
    for (const b of blocks) {
        const spec = ALLOY_COMPONENTS[b.name];
        const id = b.label === undefined ? b.name : `${b.name}.${b.label}`;
        if (!spec) {
            errors.push(`${id}: unknown component`);
            continue;
        }
        if (spec.labelled !== (b.label !== undefined)) errors.push(`${id}: ${spec.labelled ? "needs" : "takes no"} label`);
        if (defined.has(id)) errors.push(`${id}: defined twice`);
        defined.add(id);
        for (const arg of Object.keys(b.attributes)) if (!spec.args.includes(arg)) errors.push(`${id}: unknown argument ${arg}`);
        for (const inner of b.blocks) {
            const allowed = spec.blocks?.[inner.name];
            if (!allowed) errors.push(`${id}: unknown block ${inner.name}`);
            else for (const arg of Object.keys(inner.attributes)) if (!allowed.includes(arg)) errors.push(`${id} ${inner.name}: unknown argument ${arg}`);
            // One level deeper: `endpoint { tls_config { } }`.
            for (const deeper of inner.blocks) {
                const known = spec.blocks?.[`${inner.name}.${deeper.name}`];
                if (!known) errors.push(`${id} ${inner.name}: unknown block ${deeper.name}`);
                else for (const arg of Object.keys(deeper.attributes)) if (!known.includes(arg)) errors.push(`${id} ${inner.name}.${deeper.name}: unknown argument ${arg}`);
            }
        }
    }
    const refs: string[] = [];
    const collect = (v: AlloyValue): void => {
        if (Array.isArray(v)) v.forEach(collect);
        else if (typeof v === "object" && v !== null && "call" in v) {
            if (!ALLOY_FUNCTIONS.includes(String(v.call))) errors.push(`unknown function ${String(v.call)}`);
            collect(v.args);
        } else if (typeof v === "object" && v !== null) "ref" in v && typeof v.ref === "string" ? refs.push(v.ref) : Object.values(v).forEach(collect);
    };
    const inBlocks = (b: AlloyBlock): void => {
        Object.values(b.attributes).forEach(collect);
        b.blocks.forEach(inBlocks);
    };
    blocks.forEach(inBlocks);
    for (const ref of refs) {
        const parts = ref.split(".");
        const field = parts.pop()!;
        const label = parts.pop()!;
        const component = parts.join(".");
        if (!defined.has(`${component}.${label}`)) errors.push(`reference ${ref}: no component ${component} "${label}"`);
        else if (!(ALLOY_EXPORTS[component] ?? []).includes(field)) errors.push(`reference ${ref}: ${component} exports no ${field}`);
    }
    return errors;
}

/** Go's RE2 named groups `(?P<name>...)` as JavaScript writes them, to try a pattern on sample lines. */
export function re2(pattern: string): RegExp {
    return new RegExp(pattern.replace(/\(\?P</g, "(?<"));
}
