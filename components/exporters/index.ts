export { Exporter } from "./exporter";
export type { ExporterDefinition, RegisteredExporter } from "./definition";
export { EXPORTERS } from "./registry";
