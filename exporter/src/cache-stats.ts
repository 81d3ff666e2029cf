/**
 * The `/api/cache-stats` object (contract §2, field names exact), computed from a snapshot. Fixed
 * against the reference: `insights_count` counts ports with series (not one key per resolution), and
 * nothing here needs KEYS: the counts come from the index sets read with the snapshot.
 */
import type { CacheStats, WorkerStatus } from '#common/types.js';
import {
  gatewayObjects,
  type MetaData,
  peerPaths,
  portObjects,
  SCALAR_KEYS,
  type SnapshotData,
} from './data.js';

/** The part of the stats that comes from `mist:gateways` and `mist:sites`. */
export interface GatewayCounts {
  gateways_count: number;
  connected_count: number;
  total_ports: number;
  active_ports: number;
  sites_count: number;
}

export function gatewayCounts(g: Pick<SnapshotData, 'gateways' | 'sites'>): GatewayCounts {
  const gateways = gatewayObjects(g);
  let totalPorts = 0;
  let activePorts = 0;
  let connected = 0;
  for (const gw of gateways) {
    if (gw.status === 'connected') connected++;
    const ports = portObjects(gw);
    totalPorts += ports.length;
    for (const p of ports) if (p.up) activePorts++;
  }
  return {
    gateways_count: gateways.length,
    connected_count: connected,
    total_ports: totalPorts,
    active_ports: activePorts,
    sites_count: g.sites?.value.length ?? 0,
  };
}

/** Total peer paths, summed over the peers_by_port lists of every envelope. */
export function pathCount(v: Pick<SnapshotData, 'vpnPeers'>): number {
  let paths = 0;
  for (const e of v.vpnPeers) paths += peerPaths(e.value).length;
  return paths;
}

export function composeCacheStats(meta: MetaData, g: GatewayCounts, paths: number): CacheStats {
  return {
    ...g,
    vpn_peers_count: paths,
    insights_count: meta.insightsCount,
    profiles_count: meta.profilesCount,
    templates_count: meta.templates.length,
    has_org: meta.presence[SCALAR_KEYS.org] === true,
    has_sites: meta.presence[SCALAR_KEYS.sites] === true,
    has_gateways: meta.presence[SCALAR_KEYS.gateways] === true,
    last_update: meta.lastUpdate,
    worker_status: (meta.workerStatus as WorkerStatus | null) ?? null,
  };
}

export function cacheStats(d: SnapshotData): CacheStats {
  return composeCacheStats(d, gatewayCounts(d), pathCount(d));
}

/** "Cache valid" everywhere means that `mist:gateways` exists (contract §1.6). */
export function cacheValid(d: Pick<SnapshotData, 'presence'> | null): boolean {
  return d?.presence[SCALAR_KEYS.gateways] === true;
}
