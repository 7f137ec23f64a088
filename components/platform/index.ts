import { ConfigError, StackConfig } from "../../config";
import { DockerPlatform } from "./docker";
import { Platform } from "./spec";

export { DockerPlatform, dockerAddressing } from "./docker";
export * from "./spec";

/** The platform the stack configuration names. */
export function createPlatform(config: StackConfig): Platform {
    switch (config.platform) {
        case "docker":
            return new DockerPlatform({ stack: config.stack, bindAddress: config.bindAddress });
        case "kubernetes":
            throw new ConfigError("platform", "kubernetes is not built yet in this version; use docker");
    }
}
