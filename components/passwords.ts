import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

export interface GeneratedPassword {
    /** The password, a secret Output. */
    readonly password: pulumi.Output<string>;
    /** Its bcrypt hash for web.yml `basic_auth_users`, also kept secret. */
    readonly bcryptHash: pulumi.Output<string>;
}

/**
 * A random password for basic auth or the Grafana admin. Wrapped in `pulumi.secret` explicitly:
 * the provider marks `result` secret, but mocks (and the render) drop that marking.
 */
export function generatePassword(name: string, parent: pulumi.Resource): GeneratedPassword {
    // Letters and digits only: the password also goes into healthcheck URLs (user:password@host).
    const random_ = new random.RandomPassword(name, { length: 32, special: false }, { parent });
    return { password: pulumi.secret(random_.result), bcryptHash: pulumi.secret(random_.bcryptHash) };
}

/** The user name basic auth uses on Prometheus and Alertmanager. */
export const BASIC_AUTH_USER = "admin";
