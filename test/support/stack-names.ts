// Resources by their name within the stack `index.ts` makes, which prefixes them all with its own name.
import { DEFAULT_STACK_NAME } from "../../components/platform/naming";
import { RecordedResource } from "../../scripts/lib/mock-runtime";

/** The logical name of what the stack `index.ts` makes names `name` within itself: `monitoring-prometheus`. */
export function inStack(name: string): string {
    return `${DEFAULT_STACK_NAME}-${name}`;
}

/** A resource's name within the stack `index.ts` makes: `prometheus` for `monitoring-prometheus`. */
export function withinStack(resource: Pick<RecordedResource, "name">): string {
    const prefix = `${DEFAULT_STACK_NAME}-`;
    return resource.name.startsWith(prefix) ? resource.name.slice(prefix.length) : resource.name;
}
