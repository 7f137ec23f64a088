import { StackConfig } from "../../config";
import { DockerPlatform } from "./docker";
import { KubernetesPlatform } from "./kubernetes";
import { Platform } from "./spec";

export { DockerPlatform, dockerAddressing } from "./docker";
export { KubernetesPlatform, kubernetesAddressing } from "./kubernetes";
export * from "./spec";

/** The platform the stack configuration names. */
export function createPlatform(config: StackConfig): Platform {
    switch (config.platform) {
        case "docker":
            return new DockerPlatform({ stack: config.stack, bindAddress: config.bindAddress, resources: config.resources, networks: config.docker.networks });
        case "kubernetes":
            return new KubernetesPlatform({ kubernetes: config.kubernetes, tls: config.tls, resources: config.resources });
    }
}
