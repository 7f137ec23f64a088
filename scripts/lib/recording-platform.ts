import * as pulumi from "@pulumi/pulumi";
import { Platform, PlatformFactory, ServiceSpec } from "../../components/platform/spec";

/**
 * A platform factory whose platforms remember every ServiceSpec they deploy, so the render can
 * write their files. Every other capability is the inner platform's own, whatever it offers.
 */
export function recordingPlatform(inner: PlatformFactory): { platform: PlatformFactory; specs: ServiceSpec[] } {
    const specs: ServiceSpec[] = [];
    const platform: PlatformFactory = (name, opts) => {
        const made = inner(name, opts);
        const deploy = (spec: ServiceSpec, deployOpts: pulumi.CustomResourceOptions) => {
            specs.push(spec);
            return made.deploy(spec, deployOpts);
        };
        return new Proxy(made, {
            get(target, prop) {
                if (prop === "deploy") return deploy;
                const value = Reflect.get(target, prop, target);
                return typeof value === "function" ? value.bind(target) : value;
            },
        });
    };
    return { platform, specs };
}
