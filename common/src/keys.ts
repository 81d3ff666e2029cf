/**
 * Every Redis key of the system, built by a function here and nowhere else.
 *
 * The first group is the reference contract (docs/contract.md#key-inventory): same names, same
 * plain-STRING JSON values, so any client of the reference keeps working. The second group is ours:
 * index sets (so readers never need KEYS/SCAN), a generation counter (so the exporter reloads only on
 * change), the collector's self-metrics and its lease.
 */

export const KEY_PREFIX = 'mist:';

/** Insight resolutions, in the contract's order. The default key holds a copy of `7d`. */
export const INSIGHT_RESOLUTIONS = ['1h', '6h', '1d', '7d'] as const;
export type InsightResolution = (typeof INSIGHT_RESOLUTIONS)[number];
export const DEFAULT_INSIGHT_RESOLUTION: InsightResolution = '7d';

export const keys = {
  // --- contract keys (docs/contract.md#key-inventory) ---
  org: () => 'mist:org',
  sites: () => 'mist:sites',
  gateways: () => 'mist:gateways',
  /** Suffix is `{id}-{mac}`; the UUID has hyphens too, so the MAC is always the last 12 characters. */
  vpnPeers: (gatewayId: string, mac: string) => `mist:vpn_peers:${gatewayId}-${mac}`,
  /** Without `res`: the default key (a copy of the 7-day series). */
  insights: (gatewayId: string, portId: string, res?: InsightResolution) =>
    res ? `mist:insights:${gatewayId}:${portId}:${res}` : `mist:insights:${gatewayId}:${portId}`,
  template: (gatewaytemplateId: string) => `mist:templates:${gatewaytemplateId}`,
  profile: (deviceprofileId: string) => `mist:profiles:${deviceprofileId}`,
  deviceConfig: (deviceId: string) => `mist:device_config:${deviceId}`,
  inventory: () => 'mist:inventory',
  lastUpdate: () => 'mist:metadata:last_update',
  workerStatus: () => 'mist:metadata:worker_status',
  loadingPhase: () => 'mist:metadata:loading_phase',
  rateLimit: () => 'mist:metadata:rate_limit',

  // --- our additions ---
  /** JSON `{<site_id>: {vars, fetched_at, site_modified_time, config_time}}`: cached site variables (31 days). */
  siteSettings: () => 'mist:site_settings',
  /** INCR after every write batch; readers reload only when it moves. */
  generation: () => 'mist:metadata:generation',
  /**
   * HASH `{org_sites|gateways|vpn_peers: <token>}`: a new unique token in the same MULTI as each write
   * of that group, so a reader re-reads the large values only when their group was written (most
   * generation bumps are status writes). A missing field means "unknown": read it.
   */
  dataVersions: () => 'mist:metadata:data_versions',
  /** JSON CollectorStats (types.ts): calls, 429s, phase durations, budget, insights freshness. */
  collectorStats: () => 'mist:metadata:collector_stats',
  /** JSON `{ "<gateway_id>:<port_id>": <epoch seconds of last successful fetch> }`. */
  insightsFreshness: () => 'mist:metadata:insights_freshness',
  /** Lease held by the active collector: value is its instance id, with an expiry. */
  collectorLease: () => 'mist:lease:collector',
  /** SET of `{id}-{mac}` suffixes of every VPN peer key currently written. */
  vpnPeersIndex: () => 'mist:index:vpn_peers',
  /** SET of `{gateway_id}:{port_id}` members, one per WAN port that has insight keys. */
  insightsIndex: () => 'mist:index:insights',
  /** SETs of ids whose config caches exist. */
  templatesIndex: () => 'mist:index:templates',
  profilesIndex: () => 'mist:index:profiles',
  deviceConfigsIndex: () => 'mist:index:device_configs',
  /**
   * HASH of what the stored up/down states were observed at (collector/src/store/observations.ts):
   * `poll|gateways`, `poll|vpn_peers` -> epoch seconds at which the last poll of that group sent its
   * first request; one field per port, path or gateway a webhook event set since -> JSON `{t, up}`.
   */
  observations: () => 'mist:metadata:observations',
  /** Held (SET PX) by a poll while it writes an observed group; webhook writes wait for it. */
  pollWriteLock: () => 'mist:metadata:poll_write_lock',
  /** JSON counters of the webhook receivers (requests, events by outcome, detection delay). */
  webhookStats: () => 'mist:metadata:webhook_stats',
} as const;

/** Fields of `keys.dataVersions()`: the groups of large values written together. */
export const DATA_VERSION_FIELDS = {
  /** `mist:org` and `mist:sites`. */
  orgSites: 'org_sites',
  /** `mist:gateways`. */
  gateways: 'gateways',
  /** Every `mist:vpn_peers:*` key and their index set. */
  vpnPeers: 'vpn_peers',
} as const;

/** Member of `vpnPeersIndex`: the key suffix `{id}-{mac}`. */
export function vpnPeerMember(gatewayId: string, mac: string): string {
  return `${gatewayId}-${mac}`;
}

/** Split a `{id}-{mac}` suffix: the MAC is the last 12 characters (docs/contract.md#vpn-peer-envelope). */
export function parseVpnPeerMember(member: string): { gatewayId: string; mac: string } | null {
  if (member.length < 14 || member[member.length - 13] !== '-') return null;
  return { gatewayId: member.slice(0, -13), mac: member.slice(-12) };
}

/** Member of `insightsIndex`. Gateway ids are UUIDs (no `:`); port ids may contain `/` and `.`. */
export function insightMember(gatewayId: string, portId: string): string {
  return `${gatewayId}:${portId}`;
}

export function parseInsightMember(member: string): { gatewayId: string; portId: string } | null {
  const i = member.indexOf(':');
  if (i <= 0 || i === member.length - 1) return null;
  return { gatewayId: member.slice(0, i), portId: member.slice(i + 1) };
}

/** Every key name for one port's insights: the default key plus one per resolution. */
export function insightKeysForPort(gatewayId: string, portId: string): string[] {
  return [
    keys.insights(gatewayId, portId),
    ...INSIGHT_RESOLUTIONS.map((r) => keys.insights(gatewayId, portId, r)),
  ];
}
