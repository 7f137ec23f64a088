import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ServiceSpec } from "../spec";
import { labelsOf } from "./labels";

/**
 * Whether a workload needs the host: host paths, devices, privileges, the host's network or PID
 * namespace. Pod Security `restricted` (and `baseline`) forbid all of these.
 */
export function needsHost(spec: ServiceSpec): boolean {
    return Boolean((spec.hostMounts ?? []).length || (spec.devices ?? []).length || spec.privileged || spec.hostNamespaces);
}

export type PodSecurityLevel = "restricted" | "privileged";

/** Namespace labels that make the API server enforce a Pod Security level (and warn and audit at it). */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
    return {
        "pod-security.kubernetes.io/enforce": level,
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/warn": level,
        "pod-security.kubernetes.io/audit": level,
    };
}

/** A namespace of the stack, enforcing `level`. */
export function createNamespace(resourceName: string, name: string, level: PodSecurityLevel, opts: pulumi.CustomResourceOptions): k8s.core.v1.Namespace {
    return new k8s.core.v1.Namespace(resourceName, { metadata: { name, labels: { ...labelsOf("monitoring"), ...podSecurityLabels(level) } } }, opts);
}
