export { ConfigError } from "./errors";
export { loadConfig, CONFIG_KEYS } from "./load";
export { SECRET_KEYS, Secrets, SecretKey } from "./secrets";
export { ConfigSource, pulumiConfigSource, objectConfigSource } from "./source";
export * from "./types";
export { KubernetesConfig, PUBLISHED_UIS, RemoteWriteTarget, ResourceOverride, TlsConfig } from "./kubernetes";
