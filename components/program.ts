import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../config";
import { Platform, PlatformFactory } from "./platform/spec";
import { DEFAULT_STACK_NAME } from "./platform/naming";
import { MonitoringStack } from "./stack";

/** What `pulumi stack output` shows: URLs in plain text, passwords as secrets. */
export interface StackOutputs {
    readonly grafanaUrl: pulumi.Output<string>;
    readonly prometheusUrl: pulumi.Output<string>;
    readonly alertmanagerUrl: pulumi.Output<string>;
    /** Absent when `monitoring:logs.enabled` is false. */
    readonly lokiUrl?: pulumi.Output<string>;
    readonly grafanaAdminPassword: pulumi.Output<string>;
    readonly prometheusPassword: pulumi.Output<string>;
    readonly alertmanagerPassword: pulumi.Output<string>;
}

/** The program as a function of its configuration, so tests and the render can build any stack. */
export function deployMonitoring(config: StackConfig, platform?: Platform | PlatformFactory): StackOutputs {
    const stack = new MonitoringStack(DEFAULT_STACK_NAME, { config, platform });
    return {
        grafanaUrl: stack.grafanaUrl,
        prometheusUrl: stack.prometheusUrl,
        alertmanagerUrl: stack.alertmanagerUrl,
        lokiUrl: stack.lokiUrl,
        grafanaAdminPassword: pulumi.secret(stack.grafanaAdminPassword),
        prometheusPassword: pulumi.secret(stack.prometheusPassword),
        alertmanagerPassword: pulumi.secret(stack.alertmanagerPassword),
    };
}
