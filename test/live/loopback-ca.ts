// In-cluster TLS for the live tests: a throw-away CA (openssl) issuing each service a certificate,
// handed to the program through the platform's `serviceTls` capability like the Kubernetes CA does.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ServiceTls, tlsPaths } from "../../components/platform/spec";

/** The domain each service's certificate names: `<service>.stack.test` (clients verify against it). */
export const LOOPBACK_TLS_DOMAIN = "stack.test";

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

export class LoopbackCa {
    public readonly certFile: string;
    private readonly keyFile: string;

    /** Makes the CA under `dir` (a folder of the test's own, removed with it). */
    constructor(private readonly dir: string) {
        fs.mkdirSync(dir, { recursive: true });
        this.certFile = path.join(dir, "ca.crt");
        this.keyFile = path.join(dir, "ca.key");
        execFileSync("openssl", [
            "req", "-x509", ...EC, "-keyout", this.keyFile, "-out", this.certFile, "-days", "2", "-subj", "/CN=monitoring live-test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ], { stdio: "ignore" });
    }

    get certPem(): string {
        return fs.readFileSync(this.certFile, "utf8");
    }

    /** The name a service's certificate holds. */
    static serverName(service: string): string {
        return `${service}.${LOOPBACK_TLS_DOMAIN}`;
    }

    /** A certificate for `service` (its name, localhost, 127.0.0.1; server and client use), as files under `dir` in the container. */
    issue(service: string, dir: string): ServiceTls {
        const serverName = LoopbackCa.serverName(service);
        const base = path.join(this.dir, service);
        fs.writeFileSync(`${base}.cnf`, [
            "[req]", "distinguished_name = dn", "prompt = no", "[dn]", `CN = ${serverName}`, "[ext]",
            "basicConstraints = critical,CA:FALSE", "keyUsage = critical,digitalSignature,keyEncipherment",
            "extendedKeyUsage = serverAuth,clientAuth", `subjectAltName = DNS:${serverName},DNS:localhost,IP:127.0.0.1`, "",
        ].join("\n"));
        execFileSync("openssl", ["req", "-new", ...EC, "-keyout", `${base}.key`, "-out", `${base}.csr`, "-config", `${base}.cnf`], { stdio: "ignore" });
        execFileSync("openssl", [
            "x509", "-req", "-in", `${base}.csr`, "-CA", this.certFile, "-CAkey", this.keyFile, "-set_serial", `0x${Date.now().toString(16)}${Math.floor(Math.random() * 1e6)}`,
            "-days", "2", "-out", `${base}.crt`, "-extfile", `${base}.cnf`, "-extensions", "ext",
        ], { stdio: "ignore" });
        const files = tlsPaths(dir);
        return {
            ...files,
            serverName,
            files: [
                { path: files.certFile, content: fs.readFileSync(`${base}.crt`, "utf8") },
                { path: files.keyFile, content: fs.readFileSync(`${base}.key`, "utf8"), secret: true },
                { path: files.caFile, content: this.certPem },
            ],
        };
    }
}
