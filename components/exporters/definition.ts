import type { ExporterConfigPart } from "../../config/exporters";
import type { Addressing, ServiceSpec, ServiceTls } from "../platform/spec";
import type { ScrapeConfig } from "../render/prometheus";
import type { TlsServing } from "../tls";

/**
 * Everything the stack knows about one exporter, in its own file: its key under
 * monitoring:exporters and the reader of its block, its secrets, image, workload, scrape jobs,
 * rule file, dashboards and documentation. Adding an exporter is that file, its rules, rule
 * tests, dashboard and doc section, plus one line in `registry.ts`; config keys, secrets, the
 * Pulumi.yaml declarations and the tests' job lists follow the registry (test/exporter-plugins.test.ts).
 *
 * `S` is what its reader makes of its block: the rest of the definition takes exactly that.
 */
export interface ExporterDefinition<S> extends ExporterConfigPart<S> {
    /** The pinned image (components/images.ts). */
    readonly image: string;
    /** Its workload; its name and image are the definition's. */
    spec(settings: S): ExporterWorkload;
    /** The jobs Prometheus scrapes it with. */
    scrapeConfigs(settings: S, addressing: Addressing): ScrapeConfig[];
    /** Its alert and recording rules: a file under rules/, with unit tests under rules/tests/ of the same name. */
    readonly ruleFile?: string;
    /** Built-in dashboards (paths under dashboards/ without .json) that show its metrics: shipped only while it runs. */
    readonly dashboards?: readonly string[];
    /** Heading anchor of its section in docs/logs-and-exporters.md. */
    readonly docs: string;
    /**
     * How it serves its metrics over TLS with the platform's certificate (in-cluster TLS on
     * Kubernetes). Absent: it cannot, and runs only where services talk plain HTTP (cAdvisor, Docker).
     */
    readonly tls?: (tls: ServiceTls) => TlsServing;
}

export type ExporterWorkload = Omit<ServiceSpec, "name" | "image">;

/** An exporter in the registry, its settings type erased: what the stack iterates over. */
export type RegisteredExporter = ExporterDefinition<unknown>;

/**
 * A definition, typed by its settings. In the registry it is a RegisteredExporter: the settings
 * it then receives come from its own reader (config/exporters.ts keeps them by its config key).
 */
export function defineExporter<S>(definition: ExporterDefinition<S>): ExporterDefinition<S> {
    return definition;
}
