import * as pulumi from "@pulumi/pulumi";

/**
 * The name `index.ts` gives its MonitoringStack, and the only stack made before resources carried
 * their stack's name: only its resources have former names (the others never existed).
 */
export const DEFAULT_STACK_NAME = "monitoring";

/**
 * Logical names of one stack's resources. Pulumi tells resources apart by their type, their
 * parents' types and their own name, never by a parent's name: two MonitoringStacks in one program
 * would register the same URNs. So every resource a stack makes carries the stack's name
 * (`monitoring-prometheus`). The default stack's also carry an alias to the name they had before
 * that (`prometheus`), so a stack deployed earlier is upgraded in place instead of replaced. Another
 * stack gets no such alias: its former URN would be the default stack's (parent names are no part of
 * a URN), and the engine would hand it the default stack's resource.
 */
export class StackNames {
    /** @param stack the MonitoringStack's name (`monitoring` for the stack `index.ts` makes) */
    constructor(private readonly stack: string) {}

    /** The logical name of what was named `former` before stacks prefixed their resources. */
    of(former: string): string {
        return `${this.stack}-${former}`;
    }

    /**
     * For the default stack, `opts` with an alias to `former` under the same parent, and to `former`
     * under each former parent the aliases in `opts` already name (it was named `former` there too).
     * For another stack, `opts` without aliases: its resources were never anywhere else.
     */
    aliased<T extends pulumi.ResourceOptions>(former: string, opts: T): T {
        if (this.stack !== DEFAULT_STACK_NAME) return { ...opts, aliases: [] };
        const earlier = (opts.aliases ?? []).map((alias) => {
            if (typeof alias === "string" || pulumi.Output.isInstance(alias)) throw new Error(`${former}: only alias objects can be renamed`);
            return { name: former, ...(alias as pulumi.Alias) };
        });
        return { ...opts, aliases: [{ name: former }, ...earlier] };
    }

    /** `aliases` to where the default stack's resource was before; none for another stack. */
    former(aliases: pulumi.Alias[]): pulumi.Alias[] {
        return this.stack === DEFAULT_STACK_NAME ? aliases : [];
    }
}
