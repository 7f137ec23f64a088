import { ExporterDefinition } from "./exporter";
import { nodeExporter } from "./node";

export { Exporter, ExporterDefinition } from "./exporter";

/** Every exporter the stack knows; each is deployed when the configuration enables it. */
export const EXPORTERS: readonly ExporterDefinition[] = [nodeExporter];
