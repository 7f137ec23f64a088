import * as pulumi from "@pulumi/pulumi";

/**
 * Logical names of one stack's resources. Pulumi tells resources apart by their type, their
 * parents' types and their own name, never by a parent's name: two MonitoringStacks in one program
 * would register the same URNs. So every resource a stack makes carries the stack's name
 * (`monitoring-prometheus`), and an alias to the name it had before that (`prometheus`), so a stack
 * deployed earlier is upgraded in place instead of replaced.
 */
export class StackNames {
    /** @param stack the MonitoringStack's name (`monitoring` for the stack `index.ts` makes) */
    constructor(private readonly stack: string) {}

    /** The logical name of what was named `former` before stacks prefixed their resources. */
    of(former: string): string {
        return `${this.stack}-${former}`;
    }

    /**
     * `opts` with an alias to `former` under the same parent, and to `former` under each former parent
     * the aliases in `opts` already name (those resources were named `former` there too).
     */
    aliased<T extends pulumi.ResourceOptions>(former: string, opts: T): T {
        const earlier = (opts.aliases ?? []).map((alias) => {
            if (typeof alias === "string" || pulumi.Output.isInstance(alias)) throw new Error(`${former}: only alias objects can be renamed`);
            return { name: former, ...(alias as pulumi.Alias) };
        });
        return { ...opts, aliases: [{ name: former }, ...earlier] };
    }
}
