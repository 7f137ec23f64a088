import * as path from "path";
import { FileSpec, ServiceSpec, ServiceTls } from "./platform/spec";
import { renderTlsWebConfig } from "./render/tls";

/** What a service adds to its spec to serve TLS with its certificate: flags, files, environment. */
export interface TlsServing {
    readonly args?: string[];
    readonly files?: FileSpec[];
    readonly env?: Record<string, string>;
}

/**
 * The spec serving every port over TLS with `tls` (unchanged without one: Docker). The certificate
 * files are mounted, `serving` says how the process is told, and each port is marked TLS so probes
 * and the Ingress speak HTTPS and the platform lists the flow as TLS.
 */
export function servedOverTls(spec: ServiceSpec, tls: ServiceTls | undefined, serving: (tls: ServiceTls) => TlsServing): ServiceSpec {
    if (!tls) return spec;
    const how = serving(tls);
    return {
        ...spec,
        args: [...(spec.args ?? []), ...(how.args ?? [])],
        env: { ...(spec.env ?? {}), ...(how.env ?? {}) },
        files: [...(spec.files ?? []), ...tls.files, ...(how.files ?? [])],
        ports: spec.ports.map((p) => ({ ...p, tls: true })),
    };
}

/** The exporter toolkit's way (node, postgres, blackbox, kube-state-metrics): `flag` names a web config file holding the certificate. */
export function toolkitTls(flag = "--web.config.file"): (tls: ServiceTls) => TlsServing {
    return (tls) => {
        const file = `${path.posix.dirname(tls.certFile)}/web.yml`;
        return { args: [`${flag}=${file}`], files: [{ path: file, content: renderTlsWebConfig(tls) }] };
    };
}
