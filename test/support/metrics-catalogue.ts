// Metric names each component of the stack exposes, so dashboard tests can prove that every
// series a panel reads exists. Exact names only, no prefixes: a typo such as
// node_filesystem_avail (without _bytes) must fail. Histograms and summaries are listed by
// family name and expanded below. Lists are not exhaustive; they cover what the dashboards
// read plus the neighbours a user is likely to add. Extend them from the reference given.

import { EXPORTERS } from "../../components/exporters/registry";

/** Metrics one component exposes on /metrics. */
export interface MetricSource {
    /** Scrape jobs of the stack that carry these metrics. */
    readonly jobs: readonly string[];
    /** Where the names come from (documentation or source file). */
    readonly reference: string;
    /** Counters, gauges and info metrics, exact names. */
    readonly metrics: readonly string[];
    /** Histogram families: each exposes <name>_bucket, <name>_sum and <name>_count. */
    readonly histograms?: readonly string[];
    /** Summary families: each exposes <name>, <name>_sum and <name>_count. */
    readonly summaries?: readonly string[];
}

/** Jobs of Go binaries: the stack's services, the Kubernetes components and every exporter in the registry. */
const STACK_JOBS = [
    "prometheus", "alertmanager", "grafana", "loki", "promtail", "alloy",
    "kubelet", "kubelet-cadvisor", "apiserver", "coredns",
    ...EXPORTERS.map((e) => e.name),
];

export const METRIC_SOURCES: Readonly<Record<string, MetricSource>> = {
    // Written by Prometheus for every target and for its own alerting rules.
    "prometheus-synthetic": {
        jobs: ["*"],
        reference: "https://prometheus.io/docs/concepts/jobs_instances/#automatically-generated-labels-and-time-series",
        metrics: [
            "up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling",
            "scrape_series_added", "scrape_timeout_seconds", "scrape_sample_limit", "scrape_body_size_bytes",
            "ALERTS", "ALERTS_FOR_STATE",
        ],
    },
    // Every component of the stack is a Go binary built with client_golang.
    "go-runtime": {
        jobs: STACK_JOBS,
        reference: "https://github.com/prometheus/client_golang/blob/main/prometheus/go_collector.go, process_collector.go",
        metrics: [
            "go_goroutines", "go_threads", "go_info", "go_memstats_alloc_bytes", "go_memstats_alloc_bytes_total",
            "go_memstats_heap_alloc_bytes", "go_memstats_heap_inuse_bytes", "go_memstats_heap_idle_bytes",
            "go_memstats_heap_sys_bytes", "go_memstats_sys_bytes", "go_memstats_next_gc_bytes",
            "go_memstats_last_gc_time_seconds", "go_gc_gogc_percent", "go_gc_gomemlimit_bytes",
            "process_cpu_seconds_total", "process_resident_memory_bytes", "process_virtual_memory_bytes",
            "process_virtual_memory_max_bytes", "process_open_fds", "process_max_fds", "process_start_time_seconds",
            "process_network_receive_bytes_total", "process_network_transmit_bytes_total",
        ],
        summaries: ["go_gc_duration_seconds"],
    },
    prometheus: {
        jobs: ["prometheus"],
        reference: "Prometheus 3.5 /metrics (tsdb/head.go, tsdb/db.go, scrape/metrics.go, rules/group.go, notifier/metric.go)",
        metrics: [
            "prometheus_build_info", "prometheus_ready",
            "prometheus_config_last_reload_successful", "prometheus_config_last_reload_success_timestamp_seconds",
            "prometheus_tsdb_head_series", "prometheus_tsdb_head_chunks", "prometheus_tsdb_head_samples_appended_total",
            "prometheus_tsdb_head_series_created_total", "prometheus_tsdb_head_series_removed_total",
            "prometheus_tsdb_head_truncations_failed_total", "prometheus_tsdb_head_truncations_total",
            "prometheus_tsdb_storage_blocks_bytes", "prometheus_tsdb_wal_storage_size_bytes",
            "prometheus_tsdb_retention_limit_bytes", "prometheus_tsdb_retention_limit_seconds",
            "prometheus_tsdb_size_retentions_total", "prometheus_tsdb_time_retentions_total",
            "prometheus_tsdb_lowest_timestamp_seconds", "prometheus_tsdb_blocks_loaded",
            "prometheus_tsdb_compactions_total", "prometheus_tsdb_compactions_failed_total",
            "prometheus_tsdb_compactions_triggered_total", "prometheus_tsdb_reloads_total",
            "prometheus_tsdb_reloads_failures_total", "prometheus_tsdb_wal_corruptions_total",
            "prometheus_tsdb_wal_truncations_failed_total", "prometheus_tsdb_wal_writes_failed_total",
            "prometheus_tsdb_out_of_order_samples_total", "prometheus_tsdb_out_of_bound_samples_total",
            "prometheus_target_scrapes_sample_out_of_order_total", "prometheus_target_scrapes_sample_duplicate_timestamp_total",
            "prometheus_target_scrapes_sample_out_of_bounds_total", "prometheus_target_scrapes_exceeded_sample_limit_total",
            "prometheus_target_scrapes_exceeded_body_size_limit_total", "prometheus_target_scrape_pool_targets",
            "prometheus_target_scrape_pools_total", "prometheus_target_scrape_pools_failed_total",
            "prometheus_sd_discovered_targets", "prometheus_sd_failed_configs",
            "prometheus_rule_evaluations_total", "prometheus_rule_evaluation_failures_total",
            "prometheus_rule_group_iterations_total", "prometheus_rule_group_iterations_missed_total",
            "prometheus_rule_group_last_duration_seconds", "prometheus_rule_group_interval_seconds",
            "prometheus_rule_group_last_evaluation_timestamp_seconds", "prometheus_rule_group_rules",
            "prometheus_rule_group_last_evaluation_samples",
            "prometheus_notifications_sent_total", "prometheus_notifications_errors_total",
            "prometheus_notifications_dropped_total", "prometheus_notifications_queue_length",
            "prometheus_notifications_queue_capacity", "prometheus_notifications_alertmanagers_discovered",
            "prometheus_engine_queries", "prometheus_engine_queries_concurrent_max",
            "prometheus_http_requests_total",
        ],
        histograms: ["prometheus_http_request_duration_seconds", "prometheus_http_response_size_bytes", "prometheus_tsdb_compaction_duration_seconds"],
        summaries: [
            "prometheus_engine_query_duration_seconds", "prometheus_target_interval_length_seconds",
            "prometheus_target_sync_length_seconds", "prometheus_rule_evaluation_duration_seconds",
            "prometheus_rule_group_duration_seconds", "prometheus_notifications_latency_seconds",
        ],
    },
    alertmanager: {
        jobs: ["alertmanager"],
        reference: "Alertmanager 0.33 /metrics (dispatch/dispatch.go, notify/notify.go, silence/silence.go, cluster/cluster.go)",
        metrics: [
            "alertmanager_build_info", "alertmanager_config_hash",
            "alertmanager_config_last_reload_successful", "alertmanager_config_last_reload_success_timestamp_seconds",
            "alertmanager_alerts", "alertmanager_alerts_received_total", "alertmanager_alerts_invalid_total",
            "alertmanager_marked_alerts",
            "alertmanager_notifications_total", "alertmanager_notifications_failed_total",
            "alertmanager_notification_requests_total", "alertmanager_notification_requests_failed_total",
            "alertmanager_silences", "alertmanager_silences_maintenance_errors_total", "alertmanager_silences_queries_total",
            "alertmanager_silences_query_errors_total", "alertmanager_silences_snapshot_size_bytes",
            "alertmanager_nflog_queries_total", "alertmanager_nflog_query_errors_total",
            "alertmanager_nflog_snapshot_size_bytes", "alertmanager_nflog_maintenance_errors_total", "alertmanager_dispatcher_aggregation_groups",
            "alertmanager_receivers", "alertmanager_integrations", "alertmanager_inhibition_rules",
            // Cluster members and peers exist only with clustering on (--cluster.listen-address set).
            "alertmanager_cluster_enabled", "alertmanager_cluster_members", "alertmanager_cluster_failed_peers",
            "alertmanager_cluster_health_score", "alertmanager_cluster_peer_info",
            "alertmanager_cluster_peers_joined_total", "alertmanager_cluster_peers_left_total",
            "alertmanager_cluster_messages_received_total", "alertmanager_cluster_messages_sent_total",
            "alertmanager_http_requests_in_flight",
        ],
        histograms: ["alertmanager_notification_latency_seconds", "alertmanager_http_request_duration_seconds", "alertmanager_http_response_size_bytes"],
        summaries: ["alertmanager_dispatcher_alert_processing_duration_seconds"],
    },
    grafana: {
        jobs: ["grafana"],
        reference: "Grafana 13 /metrics (pkg/infra/metrics/metrics.go)",
        metrics: [
            "grafana_build_info", "grafana_stat_totals_dashboard", "grafana_stat_total_users",
            "grafana_api_response_status_total", "grafana_page_response_status_total",
            "grafana_datasource_request_total", "grafana_alerting_active_alerts",
        ],
        histograms: ["grafana_http_request_duration_seconds", "grafana_datasource_request_duration_seconds"],
    },
    loki: {
        jobs: ["loki"],
        reference: "Loki 3 docs/sources/operations/meta-monitoring and pkg/distributor, pkg/ingester, pkg/validation",
        metrics: [
            "loki_build_info", "loki_panic_total", "loki_internal_log_messages_total",
            "loki_distributor_lines_received_total", "loki_distributor_bytes_received_total",
            "loki_distributor_ingester_appends_total", "loki_distributor_ingester_append_failures_total",
            "loki_discarded_samples_total", "loki_discarded_bytes_total",
            "loki_ingester_memory_streams", "loki_ingester_memory_chunks", "loki_ingester_streams_created_total",
            "loki_ingester_chunks_flushed_total", "loki_ingester_wal_corruptions_total",
        ],
        histograms: ["loki_request_duration_seconds"],
    },
    promtail: {
        jobs: ["promtail"],
        reference: "clients/pkg/promtail/client/client.go and targets/file/metrics.go in grafana/loki",
        metrics: [
            "promtail_encoded_bytes_total", "promtail_sent_bytes_total", "promtail_dropped_bytes_total",
            "promtail_sent_entries_total", "promtail_dropped_entries_total", "promtail_batch_retries_total",
            "promtail_stream_lag_seconds", "promtail_read_bytes_total", "promtail_read_lines_total",
            "promtail_file_bytes_total", "promtail_files_active_total", "promtail_targets_active_total",
            "promtail_encoding_failures_total",
        ],
        histograms: ["promtail_request_duration_seconds"],
    },
    alloy: {
        jobs: ["alloy"],
        reference: "grafana/alloy v1.18.1: internal/component/common/loki/client/metrics.go (loki.write), " +
            "loki/source/file and loki/source/docker metrics.go, internal/runtime/internal/controller/metrics.go; " +
            "component metrics carry component_id and component_path",
        metrics: [
            "loki_write_sent_bytes_total", "loki_write_dropped_bytes_total", "loki_write_sent_entries_total",
            "loki_write_dropped_entries_total", "loki_write_batch_retries_total",
            "loki_source_file_read_bytes_total", "loki_source_file_file_bytes_total", "loki_source_file_read_lines_total",
            "loki_source_file_files_active_total", "loki_source_docker_target_entries_total",
            "loki_source_docker_target_parsing_errors_total", "loki_process_dropped_lines_total",
            "alloy_component_controller_running_components", "alloy_component_controller_evaluating",
            "alloy_component_evaluation_queue_size", "alloy_build_info",
        ],
        histograms: [
            "loki_write_request_duration_seconds", "loki_write_request_size_bytes", "loki_write_entry_propagation_latency_seconds",
            "alloy_component_evaluation_seconds",
        ],
    },
    "node-exporter": {
        jobs: ["node-exporter"],
        reference: "node_exporter 1.11 collectors (cpu, meminfo, filesystem, diskstats, netdev, loadavg, pressure, timex, filefd, uname, stat)",
        metrics: [
            "node_exporter_build_info", "node_uname_info", "node_os_info", "node_boot_time_seconds", "node_time_seconds",
            "node_cpu_seconds_total", "node_load1", "node_load5", "node_load15",
            "node_memory_MemTotal_bytes", "node_memory_MemAvailable_bytes", "node_memory_MemFree_bytes",
            "node_memory_Buffers_bytes", "node_memory_Cached_bytes", "node_memory_SwapTotal_bytes",
            "node_memory_SwapFree_bytes", "node_vmstat_pgmajfault", "node_vmstat_oom_kill",
            "node_filesystem_size_bytes", "node_filesystem_avail_bytes", "node_filesystem_free_bytes",
            "node_filesystem_files", "node_filesystem_files_free", "node_filesystem_readonly",
            "node_filesystem_device_error",
            "node_disk_read_bytes_total", "node_disk_written_bytes_total", "node_disk_reads_completed_total",
            "node_disk_writes_completed_total", "node_disk_read_time_seconds_total", "node_disk_write_time_seconds_total",
            "node_disk_io_time_seconds_total", "node_disk_io_time_weighted_seconds_total",
            "node_network_receive_bytes_total", "node_network_transmit_bytes_total",
            "node_network_receive_packets_total", "node_network_transmit_packets_total",
            "node_network_receive_errs_total", "node_network_transmit_errs_total",
            "node_network_receive_drop_total", "node_network_transmit_drop_total", "node_network_up",
            "node_pressure_cpu_waiting_seconds_total", "node_pressure_memory_waiting_seconds_total",
            "node_pressure_memory_stalled_seconds_total", "node_pressure_io_waiting_seconds_total",
            "node_pressure_io_stalled_seconds_total",
            "node_timex_offset_seconds", "node_timex_sync_status", "node_timex_maxerror_seconds",
            "node_filefd_allocated", "node_filefd_maximum", "node_context_switches_total", "node_intr_total",
            "node_procs_running", "node_procs_blocked", "node_forks_total", "node_entropy_available_bits",
            "node_nf_conntrack_entries", "node_nf_conntrack_entries_limit", "node_sockstat_TCP_inuse",
            "node_netstat_Tcp_CurrEstab", "node_textfile_scrape_error", "node_hwmon_temp_celsius",
            "node_scrape_collector_success", "node_scrape_collector_duration_seconds",
        ],
    },
    cadvisor: {
        // Docker's cAdvisor, and the one built into every kubelet (/metrics/cadvisor).
        jobs: ["cadvisor", "kubelet-cadvisor"],
        reference: "https://github.com/google/cadvisor/blob/master/docs/storage/prometheus.md",
        metrics: [
            "cadvisor_version_info", "machine_cpu_cores", "machine_memory_bytes", "container_last_seen",
            "container_start_time_seconds", "container_scrape_error",
            "container_cpu_usage_seconds_total", "container_cpu_user_seconds_total", "container_cpu_system_seconds_total",
            "container_cpu_cfs_periods_total", "container_cpu_cfs_throttled_periods_total",
            "container_cpu_cfs_throttled_seconds_total", "container_spec_cpu_quota", "container_spec_cpu_period",
            "container_spec_cpu_shares", "container_memory_working_set_bytes", "container_memory_usage_bytes",
            "container_memory_rss", "container_memory_cache", "container_memory_swap", "container_memory_max_usage_bytes",
            "container_memory_failcnt", "container_memory_failures_total", "container_spec_memory_limit_bytes",
            "container_spec_memory_reservation_limit_bytes", "container_oom_events_total",
            "container_network_receive_bytes_total", "container_network_transmit_bytes_total",
            "container_network_receive_packets_total", "container_network_transmit_packets_total",
            "container_network_receive_errors_total", "container_network_transmit_errors_total",
            "container_network_receive_packets_dropped_total", "container_network_transmit_packets_dropped_total",
            "container_fs_usage_bytes", "container_fs_limit_bytes", "container_fs_reads_bytes_total",
            "container_fs_writes_bytes_total", "container_fs_reads_total", "container_fs_writes_total",
            "container_blkio_device_usage_total", "container_processes", "container_threads",
            "container_file_descriptors", "container_sockets", "container_tasks_state",
        ],
    },
    "kube-state-metrics": {
        jobs: ["kube-state-metrics"],
        reference: "kube-state-metrics v2 docs/metrics/{workload,cluster,policy,storage}/*-metrics.md (checked at c92fe0c, 2026-08)",
        metrics: [
            "kube_pod_info", "kube_pod_owner", "kube_pod_status_phase", "kube_pod_status_ready", "kube_pod_status_reason",
            "kube_pod_status_scheduled", "kube_pod_status_unschedulable", "kube_pod_start_time", "kube_pod_created",
            "kube_pod_container_info", "kube_pod_container_status_ready", "kube_pod_container_status_running",
            "kube_pod_container_status_waiting", "kube_pod_container_status_waiting_reason",
            "kube_pod_container_status_terminated_reason", "kube_pod_container_status_last_terminated_reason",
            "kube_pod_container_status_restarts_total", "kube_pod_container_resource_requests", "kube_pod_container_resource_limits",
            "kube_pod_spec_volumes_persistentvolumeclaims_info",
            "kube_deployment_spec_replicas", "kube_deployment_status_replicas", "kube_deployment_status_replicas_available",
            "kube_deployment_status_replicas_unavailable", "kube_deployment_status_replicas_updated", "kube_deployment_status_replicas_ready",
            "kube_deployment_status_observed_generation", "kube_deployment_metadata_generation", "kube_deployment_status_condition",
            "kube_deployment_spec_paused", "kube_deployment_created",
            "kube_statefulset_replicas", "kube_statefulset_status_replicas", "kube_statefulset_status_replicas_ready",
            "kube_statefulset_status_replicas_available", "kube_statefulset_status_replicas_current", "kube_statefulset_status_replicas_updated",
            "kube_statefulset_status_observed_generation", "kube_statefulset_metadata_generation",
            "kube_statefulset_status_current_revision", "kube_statefulset_status_update_revision", "kube_statefulset_created",
            "kube_daemonset_status_desired_number_scheduled", "kube_daemonset_status_current_number_scheduled",
            "kube_daemonset_status_number_ready", "kube_daemonset_status_number_available", "kube_daemonset_status_number_unavailable",
            "kube_daemonset_status_number_misscheduled", "kube_daemonset_status_updated_number_scheduled",
            "kube_daemonset_status_observed_generation", "kube_daemonset_metadata_generation", "kube_daemonset_created",
            "kube_replicaset_owner", "kube_replicaset_spec_replicas", "kube_replicaset_status_ready_replicas",
            "kube_job_info", "kube_job_owner", "kube_job_status_active", "kube_job_status_succeeded", "kube_job_status_failed",
            "kube_job_status_start_time", "kube_job_status_completion_time", "kube_job_complete", "kube_job_failed",
            "kube_job_spec_completions", "kube_job_created",
            "kube_cronjob_info", "kube_cronjob_spec_suspend", "kube_cronjob_next_schedule_time", "kube_cronjob_status_last_schedule_time",
            "kube_cronjob_status_active",
            "kube_horizontalpodautoscaler_spec_max_replicas", "kube_horizontalpodautoscaler_spec_min_replicas",
            "kube_horizontalpodautoscaler_status_current_replicas", "kube_horizontalpodautoscaler_status_desired_replicas",
            "kube_horizontalpodautoscaler_status_condition",
            "kube_node_info", "kube_node_labels", "kube_node_role", "kube_node_created", "kube_node_spec_unschedulable",
            "kube_node_spec_taint", "kube_node_status_condition", "kube_node_status_capacity", "kube_node_status_allocatable",
            "kube_namespace_created", "kube_namespace_status_phase",
            "kube_resourcequota", "kube_limitrange",
            "kube_persistentvolume_info", "kube_persistentvolume_status_phase", "kube_persistentvolume_capacity_bytes",
            "kube_persistentvolume_claim_ref",
            "kube_persistentvolumeclaim_info", "kube_persistentvolumeclaim_status_phase",
            "kube_persistentvolumeclaim_resource_requests_storage_bytes", "kube_persistentvolumeclaim_access_mode",
            "kube_service_info",
        ],
    },
    kubelet: {
        jobs: ["kubelet"],
        reference: "Kubernetes 1.33 kubelet /metrics (pkg/kubelet/metrics/metrics.go, component-base rest client and certificate metrics)",
        metrics: [
            "kubelet_node_name", "kubelet_running_pods", "kubelet_running_containers", "kubelet_started_pods_total",
            "kubelet_started_pods_errors_total", "kubelet_runtime_operations_total", "kubelet_runtime_operations_errors_total",
            "kubelet_evictions", "kubelet_certificate_manager_client_ttl_seconds", "kubelet_certificate_manager_server_ttl_seconds",
            "kubelet_volume_stats_capacity_bytes", "kubelet_volume_stats_available_bytes", "kubelet_volume_stats_used_bytes",
            "kubelet_volume_stats_inodes", "kubelet_volume_stats_inodes_free", "kubelet_volume_stats_inodes_used",
            "kubelet_volume_stats_health_status_abnormal",
            "rest_client_requests_total", "kubernetes_build_info",
        ],
        histograms: [
            "kubelet_pleg_relist_duration_seconds", "kubelet_pleg_relist_interval_seconds", "kubelet_pod_start_duration_seconds",
            "kubelet_pod_worker_duration_seconds", "kubelet_runtime_operations_duration_seconds", "storage_operation_duration_seconds",
        ],
    },
    apiserver: {
        jobs: ["apiserver"],
        reference: "Kubernetes 1.33 kube-apiserver /metrics (apiserver/pkg/endpoints/metrics, authentication/request/x509, kube-aggregator)",
        metrics: [
            "apiserver_request_total", "apiserver_current_inflight_requests", "apiserver_longrunning_requests",
            "apiserver_storage_objects", "apiserver_requested_deprecated_apis", "apiserver_request_terminations_total",
            "apiserver_flowcontrol_rejected_requests_total", "apiserver_flowcontrol_current_inqueue_requests",
            "aggregator_unavailable_apiservice", "kubernetes_build_info",
        ],
        histograms: ["apiserver_request_duration_seconds", "apiserver_client_certificate_expiration_seconds"],
    },
    coredns: {
        jobs: ["coredns"],
        reference: "CoreDNS 1.12 plugin/metrics, plugin/cache, plugin/forward README metrics sections",
        metrics: [
            "coredns_build_info", "coredns_dns_requests_total", "coredns_dns_responses_total", "coredns_panics_total",
            "coredns_cache_entries", "coredns_cache_hits_total", "coredns_cache_misses_total", "coredns_cache_requests_total",
            "coredns_forward_requests_total", "coredns_forward_responses_total", "coredns_forward_healthcheck_broken_total",
            "coredns_forward_healthcheck_failures_total", "coredns_plugin_enabled",
        ],
        histograms: ["coredns_dns_request_duration_seconds", "coredns_dns_request_size_bytes", "coredns_dns_response_size_bytes", "coredns_forward_request_duration_seconds"],
    },
    "postgres-exporter": {
        jobs: ["postgres-exporter"],
        reference: "postgres_exporter 0.19 collector/*.go and cmd/postgres_exporter/postgres_exporter.go; checked against a live /metrics",
        metrics: [
            "pg_up", "postgres_exporter_build_info", "pg_exporter_last_scrape_duration_seconds", "pg_scrape_collector_success",
            "pg_scrape_collector_duration_seconds",
            "pg_exporter_last_scrape_error", "pg_exporter_scrapes_total",
            // postmaster collector, off by default:
            "pg_postmaster_start_time_seconds",
            "pg_settings_max_connections", "pg_settings_shared_buffers_bytes",
            "pg_stat_activity_count", "pg_stat_activity_max_tx_duration",
            "pg_stat_database_numbackends", "pg_stat_database_xact_commit", "pg_stat_database_xact_rollback",
            "pg_stat_database_blks_read", "pg_stat_database_blks_hit", "pg_stat_database_tup_returned",
            "pg_stat_database_tup_fetched", "pg_stat_database_tup_inserted", "pg_stat_database_tup_updated",
            "pg_stat_database_tup_deleted", "pg_stat_database_conflicts", "pg_stat_database_temp_files",
            "pg_stat_database_temp_bytes", "pg_stat_database_deadlocks", "pg_stat_database_blk_read_time",
            "pg_stat_database_blk_write_time", "pg_stat_database_active_time_seconds_total", "pg_database_size_bytes", "pg_database_connection_limit",
            "pg_locks_count", "pg_replication_lag_seconds", "pg_replication_is_replica", "pg_replication_last_replay_seconds",
            // pg_stat_replication and pg_replication_slots rows exist only on a primary with replicas or slots:
            "pg_stat_replication_pg_current_wal_lsn_bytes", "pg_stat_replication_pg_wal_lsn_diff",
            "pg_replication_slots_active", "pg_replication_slots_pg_wal_lsn_diff",
            "pg_stat_user_tables_n_live_tup", "pg_stat_user_tables_n_dead_tup", "pg_stat_user_tables_seq_scan",
            "pg_stat_user_tables_idx_scan", "pg_stat_user_tables_last_autovacuum",
            "pg_stat_bgwriter_checkpoints_timed_total", "pg_stat_bgwriter_checkpoints_req_total",
            "pg_stat_bgwriter_buffers_alloc_total", "pg_wal_segments", "pg_wal_size_bytes",
        ],
    },
    "mysql-exporter": {
        jobs: ["mysql-exporter"],
        reference: "mysqld_exporter 0.19 collector/global_status.go, global_variables.go, slave_status.go, exporter.go; checked against a live /metrics of MariaDB 10.11",
        metrics: [
            "mysql_up", "mysql_version_info", "mysql_exporter_collector_success", "mysql_exporter_collector_duration_seconds",
            "mysql_global_status_uptime", "mysql_global_status_threads_connected", "mysql_global_status_threads_running",
            "mysql_global_status_max_used_connections", "mysql_global_variables_max_connections",
            "mysql_global_status_queries", "mysql_global_status_questions", "mysql_global_status_slow_queries",
            "mysql_global_status_commands_total", "mysql_global_status_aborted_connects", "mysql_global_status_aborted_clients",
            "mysql_global_status_created_tmp_tables", "mysql_global_status_created_tmp_disk_tables",
            "mysql_global_status_innodb_buffer_pool_bytes_data", "mysql_global_status_innodb_buffer_pool_bytes_dirty",
            "mysql_global_status_innodb_buffer_pool_read_requests", "mysql_global_status_innodb_buffer_pool_reads",
            "mysql_global_variables_innodb_buffer_pool_size",
            "mysql_global_status_table_locks_immediate", "mysql_global_status_table_locks_waited",
            "mysql_global_status_bytes_received", "mysql_global_status_bytes_sent",
            // slave_status rows exist only on a replica:
            "mysql_slave_status_seconds_behind_master", "mysql_slave_status_slave_io_running", "mysql_slave_status_slave_sql_running",
        ],
    },
    "redis-exporter": {
        jobs: ["redis-exporter"],
        reference: "redis_exporter 1.86 exporter/exporter.go, exporter/streams.go; checked against a live /metrics of Redis 7",
        metrics: [
            "redis_up", "redis_exporter_build_info", "redis_exporter_last_scrape_error",
            "redis_exporter_last_scrape_duration_seconds", "redis_exporter_scrapes_total", "redis_instance_info",
            "redis_uptime_in_seconds", "redis_start_time_seconds", "redis_connected_clients", "redis_blocked_clients",
            "redis_config_maxclients", "redis_config_maxmemory", "redis_memory_used_bytes", "redis_memory_used_rss_bytes",
            "redis_memory_used_peak_bytes", "redis_memory_max_bytes", "redis_mem_fragmentation_ratio",
            "redis_commands_processed_total", "redis_commands_total", "redis_commands_duration_seconds_total",
            "redis_commands_failed_calls_total", "redis_commands_rejected_calls_total", "redis_total_error_replies",
            "redis_connections_received_total", "redis_rejected_connections_total", "redis_keyspace_hits_total",
            "redis_keyspace_misses_total", "redis_evicted_keys_total", "redis_expired_keys_total",
            "redis_db_keys", "redis_db_keys_expiring", "redis_db_avg_ttl_seconds",
            "redis_net_input_bytes_total", "redis_net_output_bytes_total", "redis_cpu_sys_seconds_total",
            "redis_cpu_user_seconds_total", "redis_connected_slaves", "redis_master_link_up",
            "redis_connected_slave_lag_seconds", "redis_rdb_last_save_timestamp_seconds",
            "redis_rdb_changes_since_last_save", "redis_rdb_last_bgsave_status", "redis_aof_last_write_status",
            "redis_slowlog_length", "redis_key_size", "redis_keys_count",
            // Stream metrics need the exporter started with --check-streams.
            "redis_stream_length", "redis_stream_groups", "redis_stream_radix_tree_keys", "redis_stream_radix_tree_nodes",
            "redis_stream_last_generated_id", "redis_stream_group_consumers", "redis_stream_group_messages_pending",
            "redis_stream_group_last_delivered_id", "redis_stream_group_entries_read", "redis_stream_group_lag",
            "redis_stream_group_consumer_messages_pending", "redis_stream_group_consumer_idle_seconds",
        ],
    },
    "kafka-exporter": {
        jobs: ["kafka-exporter"],
        reference: "https://github.com/danielqsj/kafka_exporter#metrics",
        metrics: [
            "kafka_brokers", "kafka_broker_info", "kafka_topic_partitions", "kafka_topic_partition_current_offset",
            "kafka_topic_partition_oldest_offset", "kafka_topic_partition_in_sync_replica", "kafka_topic_partition_leader",
            "kafka_topic_partition_leader_is_preferred", "kafka_topic_partition_replicas",
            "kafka_topic_partition_under_replicated_partition", "kafka_consumergroup_current_offset",
            "kafka_consumergroup_current_offset_sum", "kafka_consumergroup_lag", "kafka_consumergroup_lag_sum",
            "kafka_consumergroup_members", "kafka_consumergroupzookeeper_lag_zookeeper",
        ],
    },
    "blackbox-exporter": {
        jobs: ["blackbox-http", "blackbox-tcp", "blackbox-icmp"],
        reference: "blackbox_exporter 0.28 prober/*.go",
        metrics: [
            "probe_success", "probe_duration_seconds", "probe_dns_lookup_time_seconds", "probe_ip_protocol",
            "probe_ip_addr_hash", "probe_failed_due_to_regex", "probe_http_status_code", "probe_http_duration_seconds",
            "probe_http_content_length", "probe_http_uncompressed_body_length", "probe_http_redirects", "probe_http_ssl",
            "probe_http_version", "probe_http_last_modified_timestamp_seconds", "probe_ssl_earliest_cert_expiry",
            "probe_ssl_last_chain_expiry_timestamp_seconds", "probe_ssl_last_chain_info", "probe_tls_version_info",
            "probe_tls_cipher_info", "probe_icmp_duration_seconds", "probe_icmp_reply_hop_limit",
        ],
    },
    // What user applications expose and the stack's HTTP rules and panels expect (see the contract).
    "user-http": {
        jobs: ["<user apps>"],
        reference: "Prometheus client library conventions: http_requests_total{code, route} and http_request_duration_seconds",
        metrics: ["http_requests_total"],
        histograms: ["http_request_duration_seconds"],
    },
    // Recording rules generated per configured SLO (not present in rules/*.yml on disk).
    "generated-slo-rules": {
        jobs: ["prometheus"],
        reference: "rendered from monitoring:slos by the rules component",
        metrics: [
            "job:slo_objective:ratio", "job:slo_error_budget_remaining:ratio",
            // Latency objectives, on the HTTP histogram or the SLO's own.
            "job:slo_latency_objective:ratio", "job:slo_latency_budget_remaining:ratio", "job:slo_slow_requests:ratio_rate5m",
        ],
    },
};

/** Every exact metric name the catalogue knows, mapped to the sources that expose it. */
export function cataloguedMetrics(): Map<string, string[]> {
    const names = new Map<string, string[]>();
    const add = (name: string, source: string) => names.set(name, [...(names.get(name) ?? []), source]);
    for (const [source, s] of Object.entries(METRIC_SOURCES)) {
        for (const m of s.metrics) add(m, source);
        for (const h of s.histograms ?? []) for (const suffix of ["_bucket", "_sum", "_count"]) add(h + suffix, source);
        for (const m of s.summaries ?? []) for (const suffix of ["", "_sum", "_count"]) add(m + suffix, source);
    }
    return names;
}
