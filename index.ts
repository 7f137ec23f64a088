import * as pulumi from "@pulumi/pulumi";
import { ConfigError, loadConfig, pulumiConfigSource } from "./config";
import { deployMonitoring, StackOutputs } from "./components/program";

function run(): StackOutputs {
    try {
        return deployMonitoring(loadConfig(pulumiConfigSource(), pulumi.getStack()));
    } catch (err) {
        // A configuration mistake is the user's to fix: one clear line, no stack trace.
        if (err instanceof ConfigError) throw new pulumi.RunError(err.message);
        throw err;
    }
}

const outputs = run();
export const grafanaUrl = outputs.grafanaUrl;
export const prometheusUrl = outputs.prometheusUrl;
export const alertmanagerUrl = outputs.alertmanagerUrl;
export const lokiUrl = outputs.lokiUrl;
export const grafanaAdminPassword = outputs.grafanaAdminPassword;
export const prometheusPassword = outputs.prometheusPassword;
export const alertmanagerPassword = outputs.alertmanagerPassword;
