import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { ServiceTls, tlsPaths } from "../spec";
import { StackNames } from "../naming";
import { headlessName } from "./labels";

const CA_VALIDITY_HOURS = 10 * 365 * 24;
const CERT_VALIDITY_HOURS = 365 * 24;
/** A `pulumi up` in the last 30 days of a certificate's life issues a new one. */
const EARLY_RENEWAL_HOURS = 30 * 24;

/** Every name a service answers to inside the cluster: its Service, and each pod through the headless Service. */
export function serviceDnsNames(service: string, namespaces: string[]): string[] {
    const headless = headlessName(service);
    return [
        service,
        ...namespaces.flatMap((namespace) => [
            `${service}.${namespace}`,
            `${service}.${namespace}.svc`,
            `${service}.${namespace}.svc.cluster.local`,
            `*.${headless}.${namespace}.svc`,
            `*.${headless}.${namespace}.svc.cluster.local`,
        ]),
        // Probes and the reloader call the process on loopback.
        "localhost",
    ];
}

/**
 * The stack's own CA (made with @pulumi/tls, kept in the stack state as a secret) and the
 * certificate of each service it signs. Nothing outside the namespace trusts this CA: the
 * Ingress carries the public certificate, this one only secures traffic between services.
 */
export class ClusterCa {
    private ca?: { keyPem: pulumi.Output<string>; certPem: pulumi.Output<string> };

    /**
     * @param namespace the stack's namespace: certificates are verified against `<service>.<namespace>.svc`.
     * @param namespaces every namespace a service may run in: each certificate names it in all of them.
     * @param names the stack's resource names (`<stack>-ca`, `<stack>-prometheus-tls`)
     * @param parent the platform, so the CA sits under the stack that made it
     */
    constructor(
        private readonly namespace: string,
        private readonly namespaces: string[],
        private readonly names: StackNames,
        private readonly parent: pulumi.Resource,
    ) {}

    /** The certificate of `service`, as files under `dir`: tls.crt, tls.key (secret), ca.crt. */
    issue(service: string, dir: string, parent: pulumi.Resource): ServiceTls {
        const ca = this.authority();
        const opts = (former: string) => this.names.aliased(former, { parent });
        const key = new tls.PrivateKey(this.names.of(`${service}-tls-key`), { algorithm: "RSA", rsaBits: 2048 }, opts(`${service}-tls-key`));
        const keyPem = pulumi.secret(key.privateKeyPem);
        const request = new tls.CertRequest(
            this.names.of(`${service}-tls-request`),
            {
                privateKeyPem: keyPem,
                subject: { commonName: `${service}.${this.namespace}.svc`, organization: "monitoring" },
                dnsNames: serviceDnsNames(service, this.namespaces),
                ipAddresses: ["127.0.0.1"],
            },
            opts(`${service}-tls-request`),
        );
        const cert = new tls.LocallySignedCert(
            this.names.of(`${service}-tls`),
            {
                certRequestPem: request.certRequestPem,
                caPrivateKeyPem: ca.keyPem,
                caCertPem: ca.certPem,
                validityPeriodHours: CERT_VALIDITY_HOURS,
                earlyRenewalHours: EARLY_RENEWAL_HOURS,
                allowedUses: ["digitalSignature", "keyEncipherment", "serverAuth", "clientAuth"],
            },
            opts(`${service}-tls`),
        );
        const files = tlsPaths(dir);
        return {
            ...files,
            serverName: `${service}.${this.namespace}.svc`,
            files: [
                { path: files.certFile, content: cert.certPem },
                { path: files.keyFile, content: keyPem, secret: true },
                { path: files.caFile, content: ca.certPem },
            ],
        };
    }

    /** The CA certificate, for what verifies services from outside the stack (the Ingress controller). */
    certPem(): pulumi.Output<string> {
        return this.authority().certPem;
    }

    /** Made on first use, so a stack without in-cluster TLS has no CA. */
    private authority(): { keyPem: pulumi.Output<string>; certPem: pulumi.Output<string> } {
        if (!this.ca) {
            const key = new tls.PrivateKey(this.names.of("ca-key"), { algorithm: "RSA", rsaBits: 3072 }, this.opts("-ca-key"));
            const keyPem = pulumi.secret(key.privateKeyPem);
            const cert = new tls.SelfSignedCert(
                this.names.of("ca"),
                {
                    privateKeyPem: keyPem,
                    isCaCertificate: true,
                    subject: { commonName: `monitoring CA (${this.namespace})`, organization: "monitoring" },
                    validityPeriodHours: CA_VALIDITY_HOURS,
                    allowedUses: ["certSigning", "crlSigning", "digitalSignature"],
                },
                this.opts("-ca"),
            );
            this.ca = { keyPem, certPem: cert.certPem };
        }
        return this.ca;
    }

    /** Parented to the platform; the alias keeps stacks made before the CA had a parent from replacing it. */
    private opts(suffix: string): pulumi.CustomResourceOptions {
        return { parent: this.parent, aliases: this.names.former([{ name: `monitoring${suffix}`, parent: pulumi.rootStackResource }]) };
    }
}
