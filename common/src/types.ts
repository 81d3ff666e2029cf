/**
 * Shapes of the values stored in Redis (docs/contract.md#redis-keys: gateway and WAN port objects, VPN
 * peer envelopes, insight series, status metadata) plus our own metadata. The collector writes them, the exporter reads them: both import from here.
 * Mist objects are open-ended (the contract says to tolerate arbitrary extra fields), hence the index
 * signatures.
 */

/** `mist:org` */
export interface OrgSummary {
  org_id: string;
  org_name: string;
  created_time: number | null;
  updated_time: number | null;
}

/** One element of `mist:sites`: the full Mist site object. */
export interface Site {
  id: string;
  name: string;
  gatewaytemplate_id?: string | null;
  [k: string]: unknown;
}

/** Enriched WAN port (docs/contract.md#wan-port-object), plus `rx_bps`/`tx_bps` (ours). */
export interface WanPort {
  name: string;
  port_id: string;
  wan_name: string;
  description: string;
  enabled: boolean;
  usage: 'wan';
  ip: string;
  /** Prefix length as a string, e.g. "24"; "" when unknown. */
  netmask: string;
  gateway: string;
  type: 'dhcp' | 'static' | 'pppoe' | 'unknown' | string;
  template_type?: string;
  vlan_id: string;
  override: 'yes' | 'no' | '';
  up: boolean;
  rx_bytes: number;
  tx_bytes: number;
  rx_pkts: number;
  tx_pkts: number;
  speed: number;
  mac: string;
  /** Last known rates from the port search (ours; the reference had none). */
  rx_bps?: number;
  tx_bps?: number;
  /** Epoch seconds of the port's last up/down change, from the port search (ours; absent when unknown). */
  last_flapped?: number;
  /** Ours: where the port's config came from; `device` = a device-level override of the base. */
  config_source?: 'device' | 'template' | 'profile' | 'none';
  /** if_stat pass-through fields such as address_mode, ips, servp_info, wan_type, port_usage. */
  servp_info?: { org?: string; asn?: string; [k: string]: unknown };
  wan_type?: string;
  [k: string]: unknown;
}

/** One element of `mist:gateways` (docs/contract.md#gateway-object): the Mist device-stats row plus these fields. */
export interface Gateway {
  id: string;
  mac: string;
  name: string;
  site_id: string;
  site_name: string;
  model: string;
  status: string;
  ip: string;
  uptime: number;
  ports: WanPort[];
  num_ports?: number;
  _basic_only: boolean;
  [k: string]: unknown;
}

/** One peer path inside a VPN envelope (docs/contract.md#vpn-peer-envelope), with the contract's defaults. */
export interface PeerPath {
  vpn_name: string;
  peer_router_name: string;
  peer_port_id: string;
  up: boolean;
  is_active: boolean;
  latency: number;
  loss: number;
  jitter: number;
  mos: number;
  uptime: number;
  mtu: number;
  type: string;
  hop_count: number;
  /** Ours (additive): the peer's MAC and site, so alerts can group "all paths to a hub". */
  peer_mac?: string;
  peer_site_id?: string;
  /**
   * Ours (additive): the local and peer port as Mist named them when that name is not the port
   * (an SSR network interface like `Lte`), the port keys and `peer_port_id` being the ports.
   */
  interface?: string;
  peer_interface?: string;
  [k: string]: unknown;
}

/** `mist:vpn_peers:{id}-{mac}`. We never store failure envelopes (docs/contract.md#failure-envelopes-over-good-peer-data). */
export interface PeerEnvelope {
  success: true;
  total_peers: number;
  peers_by_port: Record<string, PeerPath[]>;
}

/** Where the points of a stored series came from (ours): see `Insight.source`. */
export type InsightSource = 'samples' | 'insights' | 'mixed';

/**
 * `mist:insights:{gw}:{port}[:{res}]` (docs/contract.md#insight-series). `null` points are gaps (we keep them).
 * `interval` is the finest the points support: the resolution's own bucket when the collector's own
 * samples are in the window, else the interval Mist answered (docs/contract.md#insight-series).
 */
export interface Insight {
  timestamps: number[];
  rx_bps: Array<number | null>;
  tx_bps: Array<number | null>;
  rx_bytes: number;
  tx_bytes: number;
  interval: number;
  /** Ours: `samples` (the collector's own counter samples), `insights` (Mist's insight metrics), `mixed`. */
  source?: InsightSource;
  /**
   * Ours: one character per point: `s` own sample (at least half the bucket observed), `p` own sample
   * (less than half observed), `n` own bucket without a value (no poll, gateway offline, port
   * silent, counters unusable), `i` Mist insights, `-` Mist had no value.
   */
  point_sources?: string;
}

/** `mist:metadata:worker_status` (docs/contract.md#status-metadata). */
export interface WorkerStatus {
  status: 'running' | 'idle' | 'error';
  details: Record<string, unknown>;
}

export type LoadingPhaseName =
  | 'org_sites'
  | 'gateways'
  | 'ports'
  | 'vpn_peers'
  | 'series'
  | 'insights'
  | 'configs'
  | 'site_settings'
  | 'complete';

/** `mist:metadata:loading_phase` (docs/contract.md#status-metadata). */
export interface LoadingPhase {
  current_phase: LoadingPhaseName;
  total_phases: number;
  details: Record<string, unknown>;
  timestamp: number;
}

/** `mist:metadata:rate_limit` (docs/contract.md#status-metadata). */
export interface RateLimitState {
  is_limited: boolean;
  reset_time?: number;
  tokens_exhausted?: number;
  total_tokens?: number;
  timestamp?: number;
}

/** `/api/cache-stats` object (docs/contract.md#cache-stats-object, field names exact). */
export interface CacheStats {
  gateways_count: number;
  connected_count: number;
  total_ports: number;
  active_ports: number;
  sites_count: number;
  vpn_peers_count: number;
  insights_count: number;
  profiles_count: number;
  templates_count: number;
  has_org: boolean;
  has_sites: boolean;
  has_gateways: boolean;
  last_update: number | null;
  worker_status: WorkerStatus | null;
}

/** Phases of one collector cycle, as reported in CollectorStats. */
export type CollectorPhase =
  | 'org_sites'
  | 'gateways'
  | 'ports'
  | 'configs'
  | 'site_settings'
  | 'vpn_peers'
  | 'series'
  | 'insights';

export interface PhaseStats {
  /** Outcome of the phase's last run. `skipped`: not run (SKIP_ENRICHMENT, nothing due). */
  status: 'ok' | 'error' | 'skipped' | 'running';
  /** Wall time of the last run. */
  duration_seconds: number;
  /** Epoch seconds of the last run that succeeded and wrote its result; null if never. */
  last_success: number | null;
  /** Short human message of the last failure (never raw upstream bodies, never tokens). */
  last_error: string | null;
  /** Items produced by the last successful run (gateways, ports, paths, series...). */
  items: number;
  /** Mist API calls made by the last run. */
  calls: number;
}

export interface TokenStats {
  /** Stable label, never the token: `token1`, `token2`, ... in MIST_API_TOKEN order. */
  label: string;
  /** Calls counted against this token in its current hourly window (ours, or from /self/usage). */
  requests: number;
  /** Hourly limit of this token. */
  limit: number;
  /** Epoch seconds until which the token is known exhausted (429), else null. */
  exhausted_until: number | null;
}

/** One config cache: items held of those the gateways need, and re-fetches since start. */
export interface ConfigFill {
  cached: number;
  wanted: number;
  /** Items fetched again (Mist said they changed, or their refresh came due). */
  refetched_total: number;
}

/**
 * `mist:metadata:collector_stats`: everything the exporter needs for the collector's self-metrics.
 * Counters (`*_total`) are cumulative since the collector process started (`started_at`), so
 * Prometheus `rate()`/`increase()` work across restarts as counter resets.
 */
export interface CollectorStats {
  instance: string;
  started_at: number;
  /** Epoch seconds at which this object was written. */
  updated_at: number;
  cycles_total: number;
  cycle_failures_total: number;
  last_cycle: {
    started: number;
    finished: number | null;
    duration_seconds: number | null;
    success: boolean | null;
    /** Calls made by the core part of the cycle (everything but insights). */
    core_calls: number;
    insights_calls: number;
  } | null;
  last_success: number | null;
  phases: Partial<Record<CollectorPhase, PhaseStats>>;
  api: {
    calls_total: Record<string, Record<string, number>>; // operationId -> token label -> count
    rate_limited_total: Record<string, number>; // token label -> 429s
    errors_total: Record<string, number>; // operationId -> failed calls (after retries)
    retries_total: number;
    bad_records_total: Record<string, number>; // operationId -> records skipped as invalid
    /** operationId -> listings accepted a few rows short of the announced total (kept as incomplete). */
    short_listings_total?: Record<string, number>;
  };
  tokens: TokenStats[];
  budget: {
    /** tokens x per-token hourly limit x API_BUDGET_SHARE. */
    calls_per_hour: number;
    share: number;
    /** Calls made in the trailing hour, all tokens. */
    used_last_hour: number;
    /** What is left per hour for insights after the core cycles. */
    insights_calls_per_hour: number;
  };
  /** The state polls (gateway stats, WAN ports, peer paths) between full cycles (ours, additive). */
  state_poll?: {
    /** Seconds between state polls now: STATE_INTERVAL, or longer when the budget cannot carry it. */
    interval_seconds: number;
    /** STATE_INTERVAL. */
    configured_seconds: number;
    /** Calls one state poll made when last measured (null: not yet). */
    calls_per_poll: number | null;
    /** Data older than this counts as stale (min of STALE_THRESHOLD and 3 state intervals). */
    stale_after_seconds: number;
    polls_total: number;
    poll_failures_total: number;
    last_poll: {
      started: number;
      finished: number | null;
      duration_seconds: number | null;
      success: boolean | null;
      calls: number;
    } | null;
  };
  /** Records from Mist that stood in for unreadable ones (the item's previous row), since start. */
  records?: {
    carried_over_total: Record<string, number>; // operationId -> rows stood in
  };
  /** The config caches: how far their fill got, what was fetched again, what no variable fills. */
  configs?: {
    device_configs: ConfigFill;
    site_settings: ConfigFill;
    /** Variable references of the gateways' configs that no variable fills (last enrichment). */
    unresolved_variables: number;
  };
  insights: {
    ports_total: number;
    /** Ports whose series took the last state poll's samples and miss no history Mist could fill. */
    ports_fresh: number;
    /** Ports with no 1-hour series yet (neither fresh nor in `oldest_age_seconds`). */
    ports_missing: number;
    /** Age of the stalest port's 1-hour series (seconds since its newest bucket ended); null if none. */
    oldest_age_seconds: number | null;
    /** Seconds between two updates of a port's series: the state poll interval. */
    refresh_period_seconds: number;
    /** Series keys written by the last run (state poll or full cycle). */
    refreshed_last_cycle: number;
    /** Ours, additive: bytes of those series (the JSON values written). */
    refreshed_bytes_last_cycle?: number;
    /** Ours, additive: ports whose history has a gap that an insights call can fill (new ports too). */
    backfill_pending?: number;
    /** Ours, additive: insight calls made by the last full cycle's backfill. */
    backfill_calls_last_cycle?: number;
  };
}
