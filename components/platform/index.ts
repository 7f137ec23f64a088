import { StackConfig } from "../../config";
import { DockerPlatform } from "./docker";
import { KubernetesPlatform } from "./kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Platform } from "./spec";

export { DockerPlatform, dockerAddressing } from "./docker";
export { KubernetesPlatform, kubernetesAddressing } from "./kubernetes";
export * from "./spec";

/** The platform the stack configuration names, as a component named `name` (under `opts.parent`). */
export function createPlatform(config: StackConfig, name: string, opts?: pulumi.ComponentResourceOptions): Platform {
    switch (config.platform) {
        case "docker":
            return new DockerPlatform(
                name,
                { stack: config.stack, bindAddress: config.bindAddress, resources: config.resources, networks: config.docker.networks },
                opts,
            );
        case "kubernetes":
            return new KubernetesPlatform(name, { kubernetes: config.kubernetes, tls: config.tls, resources: config.resources }, opts);
    }
}
