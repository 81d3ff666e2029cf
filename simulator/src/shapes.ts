/** Org sizes: the named ones (S, L, XL; BENCHMARKS.md) and the knobs of a custom shape. */

export interface OrgShape {
  sites: number;
  gateways: number;
  hubs: number;
  /** WAN ports per gateway: a fixed number or an inclusive [min, max] range (chosen per site). 1..6. */
  wanPortsPerGateway: number | [number, number];
  /**
   * Peer paths from each spoke WAN port to WAN ports of the spoke's hubs (each path is seen from
   * both sides).
   */
  pathsPerSpokePort?: number;
  /**
   * Hubs of its kind each spoke reaches (a primary and a secondary by default, chosen by site; all
   * of them when the org has fewer). Default 2.
   */
  hubsPerSpoke?: number;
  /** Share of spokes that are HA clusters (two nodes, one device). Default 0.05. */
  haShare?: number;
  /** Share of spokes disconnected at start. Default 0.03. */
  disconnectedShare?: number;
  /** Share of WAN ports down at start. Default 0.02. */
  portsDownShare?: number;
  /** Share of peer paths down at start (besides those down because a port is down). Default 0.03. */
  pathsDownShare?: number;
  /** Share of up peer paths that report no quality fields (latency, jitter, loss, mos). Default 0.05. */
  pathsWithoutQualityShare?: number;
  /**
   * Share of peer paths with `vpn_name` and `hop_count`. Default 0: no spec version has them (the
   * application this project re-implements reads them, with defaults).
   */
  vpnNameShare?: number;
}

export type SizeName = 'S' | 'L' | 'XL';

export const SIZES: Record<SizeName, OrgShape> = {
  S: { sites: 10, gateways: 20, hubs: 2, wanPortsPerGateway: [2, 3], pathsPerSpokePort: 4 },
  L: { sites: 500, gateways: 1000, hubs: 4, wanPortsPerGateway: 4, pathsPerSpokePort: 1 },
  XL: { sites: 2500, gateways: 5000, hubs: 8, wanPortsPerGateway: 4, pathsPerSpokePort: 1 },
};

export type ResolvedShape = Required<Omit<OrgShape, 'wanPortsPerGateway'>> & {
  wanPorts: [number, number];
};

/** Fill defaults and check bounds; throws a one-line Error naming the bad field. */
export function resolveShape(size: SizeName | OrgShape | undefined): ResolvedShape {
  const s: OrgShape = size === undefined ? SIZES.S : typeof size === 'string' ? SIZES[size] : size;
  if (!s) throw new Error(`unknown size ${JSON.stringify(size)}: use S, L, XL or an OrgShape`);
  const wan: [number, number] = Array.isArray(s.wanPortsPerGateway)
    ? [s.wanPortsPerGateway[0], s.wanPortsPerGateway[1]]
    : [s.wanPortsPerGateway, s.wanPortsPerGateway];
  const whole = (name: string, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new Error(`shape.${name} must be a whole number between ${min} and ${max}, got ${v}`);
    }
  };
  const share = (name: string, v: number) => {
    if (!(v >= 0 && v <= 1)) throw new Error(`shape.${name} must be between 0 and 1, got ${v}`);
  };
  whole('sites', s.sites, 1, 100_000);
  whole('hubs', s.hubs, 0, 1000);
  whole('gateways', s.gateways, s.hubs, 1_000_000);
  whole('wanPortsPerGateway', wan[0], 1, 6);
  whole('wanPortsPerGateway', wan[1], wan[0], 6);
  const r: ResolvedShape = {
    sites: s.sites,
    gateways: s.gateways,
    hubs: s.hubs,
    wanPorts: wan,
    pathsPerSpokePort: s.pathsPerSpokePort ?? 1,
    hubsPerSpoke: s.hubsPerSpoke ?? 2,
    haShare: s.haShare ?? 0.05,
    disconnectedShare: s.disconnectedShare ?? 0.03,
    portsDownShare: s.portsDownShare ?? 0.02,
    pathsDownShare: s.pathsDownShare ?? 0.03,
    pathsWithoutQualityShare: s.pathsWithoutQualityShare ?? 0.05,
    vpnNameShare: s.vpnNameShare ?? 0,
  };
  whole('pathsPerSpokePort', r.pathsPerSpokePort, 0, 64);
  whole('hubsPerSpoke', r.hubsPerSpoke, 1, 1000);
  share('haShare', r.haShare);
  share('disconnectedShare', r.disconnectedShare);
  share('portsDownShare', r.portsDownShare);
  share('pathsDownShare', r.pathsDownShare);
  share('pathsWithoutQualityShare', r.pathsWithoutQualityShare);
  share('vpnNameShare', r.vpnNameShare);
  return r;
}
