import { ContainerLogs, containerRelabelRules, pipelineStages, ShipperModel, TailedFile } from "./log-sources";
import { GENERATED, toYaml } from "./yaml";

function containerJob(containers: ContainerLogs): Record<string, unknown> {
    if (containers.kind === "docker") {
        return {
            job_name: "docker",
            docker_sd_configs: [{ host: `unix://${containers.socketPath}`, refresh_interval: "5s" }],
            relabel_configs: containerRelabelRules(containers),
        };
    }
    return {
        job_name: "kubernetes-pods",
        kubernetes_sd_configs: [{ role: "pod" }],
        // The kubelet writes CRI lines: timestamp, stream, flags, then the message.
        pipeline_stages: [{ cri: {} }],
        relabel_configs: containerRelabelRules(containers),
    };
}

function fileJob(file: TailedFile): Record<string, unknown> {
    const stages = pipelineStages(file.format);
    return {
        job_name: `file-${file.job}`,
        static_configs: [{ targets: ["localhost"], labels: { job: file.job, ...file.labels, __path__: file.path } }],
        ...(stages.length ? { pipeline_stages: stages } : {}),
    };
}

/** promtail.yaml: container logs by discovery, the user's files and PostgreSQL's, pushed to Loki. */
export function renderPromtailConfig(model: ShipperModel): string {
    const { tls } = model;
    const doc = {
        server: {
            http_listen_port: model.httpPort,
            grpc_listen_port: 0,
            log_level: "info",
            ...(tls ? { http_tls_config: { cert_file: tls.certFile, key_file: tls.keyFile } } : {}),
        },
        positions: { filename: `${model.dataDir}/positions.yaml`, sync_period: "10s" },
        clients: [{ url: model.lokiPushUrl, ...(tls ? { tls_config: { ca_file: tls.caFile, server_name: tls.serverName } } : {}) }],
        scrape_configs: [...(model.containers ? [containerJob(model.containers)] : []), ...model.files.map(fileJob)],
    };
    return toYaml(doc, GENERATED);
}
