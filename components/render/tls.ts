import { toYaml } from "./yaml";

/** Certificate files of a service, as its configs name them. */
export interface TlsFiles {
    readonly certFile: string;
    readonly keyFile: string;
    readonly caFile: string;
    /** The name peers verify the certificate against. */
    readonly serverName: string;
}

/** web.yml of an exporter (exporter-toolkit format): TLS with the service's certificate, no users. */
export function renderTlsWebConfig(tls: Pick<TlsFiles, "certFile" | "keyFile">): string {
    return toYaml({ tls_server_config: { cert_file: tls.certFile, key_file: tls.keyFile } });
}

/**
 * Alertmanager's `--cluster.tls-config`: gossip over mutual TLS. Each peer presents its certificate
 * and accepts only peers whose certificate the stack's CA signed.
 */
export function renderClusterTlsConfig(tls: TlsFiles): string {
    return toYaml({
        tls_server_config: {
            cert_file: tls.certFile,
            key_file: tls.keyFile,
            client_ca_file: tls.caFile,
            client_auth_type: "RequireAndVerifyClientCert",
        },
        tls_client_config: {
            cert_file: tls.certFile,
            key_file: tls.keyFile,
            ca_file: tls.caFile,
            // Peers are dialled by IP once resolved: verify the name every replica's certificate holds.
            server_name: tls.serverName,
        },
    });
}
