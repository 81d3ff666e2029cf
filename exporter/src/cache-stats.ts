/**
 * The `/api/cache-stats` object (contract §2, field names exact), computed from a snapshot. Fixed
 * against the reference: `insights_count` counts ports with series (not one key per resolution), and
 * nothing here needs KEYS: the counts come from the index sets read with the snapshot.
 */
import type { CacheStats, WorkerStatus } from '../../common/src/types.js';
import { gatewayObjects, peerPaths, portObjects, type SnapshotData } from './data.js';
import { SCALAR_KEYS } from './data.js';

export function cacheStats(d: SnapshotData): CacheStats {
  const gateways = gatewayObjects(d);
  let totalPorts = 0;
  let activePorts = 0;
  let connected = 0;
  for (const g of gateways) {
    if (g.status === 'connected') connected++;
    const ports = portObjects(g);
    totalPorts += ports.length;
    for (const p of ports) if (p.up) activePorts++;
  }
  let paths = 0;
  for (const e of d.vpnPeers) paths += peerPaths(e.value).length;
  return {
    gateways_count: gateways.length,
    connected_count: connected,
    total_ports: totalPorts,
    active_ports: activePorts,
    sites_count: d.sites?.value.length ?? 0,
    vpn_peers_count: paths,
    insights_count: d.insightsCount,
    profiles_count: d.profilesCount,
    templates_count: d.templates.length,
    has_org: d.presence[SCALAR_KEYS.org] === true,
    has_sites: d.presence[SCALAR_KEYS.sites] === true,
    has_gateways: d.presence[SCALAR_KEYS.gateways] === true,
    last_update: d.lastUpdate,
    worker_status: (d.workerStatus as WorkerStatus | null) ?? null,
  };
}

/** "Cache valid" everywhere means that `mist:gateways` exists (contract §1.6). */
export function cacheValid(d: Pick<SnapshotData, 'presence'> | null): boolean {
  return d?.presence[SCALAR_KEYS.gateways] === true;
}
