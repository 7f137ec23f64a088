import * as pulumi from "@pulumi/pulumi";
import { DeployedService, Platform, ServiceSpec } from "../../components/platform/spec";

/** A platform that remembers every ServiceSpec it deploys, so the render can write their files. */
export function recordingPlatform(inner: Platform): { platform: Platform; specs: ServiceSpec[] } {
    const specs: ServiceSpec[] = [];
    const platform: Platform = {
        name: inner.name,
        addressOf: (service, port) => inner.addressOf(service, port),
        replicaAddresses: (service, replicas, port) => inner.replicaAddresses(service, replicas, port),
        scrapeTargets: (service, port) => inner.scrapeTargets(service, port),
        serviceTls: inner.serviceTls?.bind(inner),
        publicUrl: inner.publicUrl?.bind(inner),
        discoveryJobs: inner.discoveryJobs?.bind(inner),
        clusterMonitoring: inner.clusterMonitoring?.bind(inner),
        finalize: inner.finalize?.bind(inner),
        deploy(spec: ServiceSpec, opts: pulumi.CustomResourceOptions): DeployedService {
            specs.push(spec);
            return inner.deploy(spec, opts);
        },
    };
    return { platform, specs };
}
