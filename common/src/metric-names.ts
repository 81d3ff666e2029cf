/**
 * Metric and label names: an API shared by the exporter (which emits them), the dashboards and the
 * alert rules (which query them). A rename here breaks the build of all three, not a dashboard.
 * Conventions: `mist_` prefix, base units, `_total` only on counters, `_info` for metadata series.
 */

export const LABELS = {
  orgId: 'org_id',
  siteId: 'site_id',
  site: 'site',
  gatewayId: 'gateway_id',
  gateway: 'gateway',
  mac: 'mac',
  port: 'port',
  wanName: 'wan_name',
  wanType: 'wan_type',
  isp: 'isp',
  peerRouter: 'peer_router',
  peerPort: 'peer_port',
  peerMac: 'peer_mac',
  vpnName: 'vpn_name',
  pathType: 'type',
  phase: 'phase',
  status: 'status',
  operation: 'operation',
  token: 'token',
  key: 'key',
  model: 'model',
  version: 'version',
  ip: 'ip',
  netmask: 'netmask',
  gatewayIp: 'gateway_ip',
  configType: 'config_type',
  templateType: 'template_type',
  override: 'override',
  vlanId: 'vlan_id',
  description: 'description',
  orgName: 'org_name',
} as const;

export const METRICS = {
  // --- WAN ports (one series per gateway x port) ---
  /** 1 if the port is physically up. */
  wanPortUp: 'mist_wan_port_up',
  /** 1 if the port is enabled in config (not `disabled`). */
  wanPortEnabled: 'mist_wan_port_enabled',
  /** Link speed in bytes per second (Mist Mbps * 1e6 / 8): promtool's base unit; dashboards chart it * 8 as bps. */
  wanPortSpeed: 'mist_wan_port_speed_bytes_per_second',
  /** Last known rates in bytes per second (Mist rx_bps / tx_bps divided by 8); dashboards chart them * 8 as bps. */
  wanPortRxRate: 'mist_wan_port_receive_bytes_per_second',
  wanPortTxRate: 'mist_wan_port_transmit_bytes_per_second',
  /** Cumulative since the device's last reboot (a counter that may reset). */
  wanPortRxBytes: 'mist_wan_port_receive_bytes_total',
  wanPortTxBytes: 'mist_wan_port_transmit_bytes_total',
  /** Always 1; descriptive labels: ip, netmask, gateway_ip, config_type, override, vlan_id... */
  wanPortInfo: 'mist_wan_port_info',

  // --- VPN peer paths (one series per local gateway x port x peer router x peer port) ---
  peerPathUp: 'mist_vpn_peer_path_up',
  peerPathActive: 'mist_vpn_peer_path_active',
  peerPathLatency: 'mist_vpn_peer_path_latency_seconds',
  /** Loss as a ratio 0..1 (Mist reports percent). */
  peerPathLoss: 'mist_vpn_peer_path_loss_ratio',
  peerPathJitter: 'mist_vpn_peer_path_jitter_seconds',
  peerPathMos: 'mist_vpn_peer_path_mos',
  peerPathUptime: 'mist_vpn_peer_path_uptime_seconds',
  peerPathMtu: 'mist_vpn_peer_path_mtu_bytes',

  // --- gateways, org ---
  gatewayConnected: 'mist_gateway_connected',
  gatewayUptime: 'mist_gateway_uptime_seconds',
  /** Always 1; labels: model, version, ip, status. */
  gatewayInfo: 'mist_gateway_info',
  /** Always 1; labels: org_id, org_name. */
  orgInfo: 'mist_org_info',
  orgSites: 'mist_org_sites',
  orgGatewayTemplates: 'mist_org_gateway_templates',
  orgDeviceProfiles: 'mist_org_device_profiles',

  // --- cache freshness (from Redis metadata) ---
  /** Seconds since `mist:metadata:last_update`. */
  cacheAge: 'mist_cache_age_seconds',
  cacheLastUpdate: 'mist_cache_last_update_timestamp_seconds',
  /** 1 if the key exists, per contract key (org, sites, gateways, inventory...). */
  cacheKeyPresent: 'mist_cache_key_present',

  // --- collector health (from `mist:metadata:collector_stats`) ---
  /** 1 for the current worker_status.status value, 0 for the others. */
  collectorStatus: 'mist_collector_status',
  /** 1 for the current loading_phase.current_phase, 0 for the others. */
  collectorLoadingPhase: 'mist_collector_loading_phase',
  collectorLastSuccess: 'mist_collector_last_success_timestamp_seconds',
  collectorCycleDuration: 'mist_collector_last_cycle_duration_seconds',
  collectorCycles: 'mist_collector_cycles_total',
  collectorCycleFailures: 'mist_collector_cycle_failures_total',
  /** 1 if the phase's last run succeeded. */
  collectorPhaseUp: 'mist_collector_phase_up',
  collectorPhaseDuration: 'mist_collector_phase_duration_seconds',
  collectorPhaseLastSuccess: 'mist_collector_phase_last_success_timestamp_seconds',
  collectorPhaseItems: 'mist_collector_phase_items',
  collectorStatsAge: 'mist_collector_stats_age_seconds',
  apiCalls: 'mist_collector_api_calls_total',
  apiRateLimited: 'mist_collector_api_rate_limited_total',
  apiErrors: 'mist_collector_api_errors_total',
  apiRetries: 'mist_collector_api_retries_total',
  apiBadRecords: 'mist_collector_api_bad_records_total',
  apiTokenRequests: 'mist_collector_api_token_requests',
  apiTokenLimit: 'mist_collector_api_token_limit',
  apiTokenExhausted: 'mist_collector_api_token_exhausted',
  apiBudget: 'mist_collector_api_budget_calls_per_hour',
  apiBudgetUsed: 'mist_collector_api_calls_last_hour',
  apiBudgetInsights: 'mist_collector_api_insights_budget_calls_per_hour',
  /** 1 while `mist:metadata:rate_limit` says limited. */
  rateLimited: 'mist_collector_rate_limited',
  rateLimitReset: 'mist_collector_rate_limit_reset_timestamp_seconds',
  insightsPorts: 'mist_insights_ports',
  insightsFreshPorts: 'mist_insights_fresh_ports',
  insightsOldestAge: 'mist_insights_oldest_age_seconds',
  insightsRefreshPeriod: 'mist_insights_refresh_period_seconds',

  // --- exporter itself ---
  exporterRedisUp: 'mist_exporter_redis_up',
  exporterSnapshotGeneration: 'mist_exporter_snapshot_generation',
  exporterSnapshotLoadDuration: 'mist_exporter_snapshot_load_duration_seconds',
  exporterSnapshotAge: 'mist_exporter_snapshot_age_seconds',
  exporterBuildInfo: 'mist_exporter_build_info',

  // --- added with the exporter (issue 5) ---
  /** Remaining TTL of a data key in Redis, per contract key (org, sites, gateways, inventory...). */
  cacheKeyTtl: 'mist_cache_key_ttl_seconds',
  /** Per WAN port: when its insight series were last fetched (from `mist:metadata:insights_freshness`). */
  insightsPortLastSuccess: 'mist_insights_port_last_success_timestamp_seconds',
  /** Snapshot reloads from Redis since the exporter started. */
  exporterSnapshotLoads: 'mist_exporter_snapshot_loads_total',
  exporterSnapshotLoadErrors: 'mist_exporter_snapshot_load_errors_total',
  /** Stored values of the current snapshot that could not be used (bad JSON, wrong shape), per key. */
  exporterInvalidValues: 'mist_exporter_invalid_values',
  /** Failed Redis operations (generation checks, reloads, series reads). */
  exporterRedisErrors: 'mist_exporter_redis_errors_total',
  // Standard process metrics (the usual client-library names, emitted by the exporter itself).
  processResidentMemory: 'process_resident_memory_bytes',
  processCpuSeconds: 'process_cpu_seconds_total',
  processStartTime: 'process_start_time_seconds',
  nodejsHeapUsed: 'nodejs_heap_size_used_bytes',
  /** Memory of Buffers and other objects outside the V8 heap (the exporter's pre-rendered bodies). */
  nodejsExternalMemory: 'nodejs_external_memory_bytes',
} as const;

export type MetricName = (typeof METRICS)[keyof typeof METRICS];
export type LabelName = (typeof LABELS)[keyof typeof LABELS];

/** Labels identifying one WAN port series (kept low-cardinality: no IPs, no descriptions). */
export const WAN_PORT_LABELS = [
  LABELS.orgId,
  LABELS.siteId,
  LABELS.site,
  LABELS.gatewayId,
  LABELS.gateway,
  LABELS.port,
  LABELS.wanName,
  LABELS.wanType,
  LABELS.isp,
] as const;

/** Labels identifying one peer path series. */
export const PEER_PATH_LABELS = [
  LABELS.orgId,
  LABELS.siteId,
  LABELS.site,
  LABELS.gatewayId,
  LABELS.gateway,
  LABELS.port,
  LABELS.peerRouter,
  LABELS.peerPort,
  LABELS.vpnName,
  LABELS.pathType,
] as const;

export const GATEWAY_LABELS = [
  LABELS.orgId,
  LABELS.siteId,
  LABELS.site,
  LABELS.gatewayId,
  LABELS.gateway,
  LABELS.mac,
] as const;
