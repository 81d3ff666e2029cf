/**
 * A `Snapshot` is one generation of collector data as the exporter serves it: the current product of
 * each data group (org and sites, gateways and ports, VPN peer paths, insights, status), each built
 * from its Redis values with its bodies and its /metrics section. A new snapshot takes over every
 * product whose inputs did not change (products/memo.ts); most reloads follow a status write and
 * rebuild only the status product.
 */
import { DEFAULT_PEER_PATH_MODE, type PeerPathMode } from '#common/metrics/index.js';
import { ByteLru } from './lru.js';
import type { Section } from './metrics/section.js';
import type { Invalid } from './parse.js';
import type { Prepared } from './prepared.js';
import { buildGateways, type Gateways } from './products/gateways.js';
import { buildInsights, type Insights } from './products/insights.js';
import { type Memo, memo } from './products/memo.js';
import { buildOrgSites, type OrgSites } from './products/org-sites.js';
import { buildPeers, type PeerPaths } from './products/peers.js';
import { buildStatus, type Status } from './products/status.js';
import type { RawRead } from './read-redis.js';

interface Products {
  orgSites: OrgSites;
  gateways: Gateways;
  peers: PeerPaths;
  insights: Insights;
  status: Status;
}

type Memos = { [K in keyof Products]: Memo<Products[K]> };

/** At most this many keys get their own `mist_exporter_invalid_values` series; the rest count as `other`. */
const MAX_INVALID_KEYS = 50;

export class Snapshot implements Products {
  readonly orgSites: OrgSites;
  readonly gateways: Gateways;
  readonly peers: PeerPaths;
  readonly insights: Insights;
  readonly status: Status;
  /** The /metrics sections, in output order. */
  readonly sections: readonly Section[];
  /** Every unusable stored value of this snapshot. */
  readonly invalid: readonly Invalid[];
  /** Unusable stored values per Redis key (for mist_exporter_invalid_values). */
  readonly invalidByKey: Readonly<Record<string, number>>;
  /**
   * Bodies built on first use for this generation (lazy-bodies.ts) and plain copies of compressed
   * bodies (respond.ts), within EXPORTER_CACHE_MB.
   */
  readonly lazy: ByteLru<Prepared | Buffer>;
  loadDurationMs = 0;

  constructor(
    /** What Redis returned (the next read takes unchanged groups over from it). */
    readonly read: RawRead,
    readonly readAtMs: number,
    /** When every group was last read from Redis rather than taken over (bounds how long reuse lasts). */
    readonly fullReadAtMs: number,
    private readonly memos: Memos,
    lazyCacheBytes: number,
  ) {
    this.orgSites = memos.orgSites.value;
    this.gateways = memos.gateways.value;
    this.peers = memos.peers.value;
    this.insights = memos.insights.value;
    this.status = memos.status.value;
    const withSections = [this.gateways, this.peers, this.orgSites, this.status];
    this.sections = withSections.map((p) => p.section);
    this.invalid = [...withSections, this.insights].flatMap((p) => p.invalid);
    const byKey: Record<string, number> = {};
    for (const { key } of this.invalid) {
      const k = key in byKey || Object.keys(byKey).length < MAX_INVALID_KEYS ? key : 'other';
      byKey[k] = (byKey[k] ?? 0) + 1;
    }
    this.invalidByKey = byKey;
    this.lazy = new ByteLru(lazyCacheBytes);
  }

  /** The bodies prepared with the products (the lazy ones live in `lazy`). */
  preparedBodies(): Prepared[] {
    const { orgSites: o, gateways: g, peers: p, status: s } = this;
    return [o.organization, o.sites, g.body, p.all, s.templatesBody, s.cacheStatsBody, s.statusBody];
  }

  /** Keep the plain copies `prev` made of bodies this snapshot took over (most reloads change little). */
  private adoptPlainCopies(prev: Snapshot): void {
    for (const body of this.preparedBodies()) {
      const key = plainCopyKey(body);
      const copy = prev.lazy.get(key);
      if (copy) this.lazy.set(key, copy);
    }
  }

  /** Products this snapshot built rather than took over from the previous one. */
  builtAgainst(prev: Snapshot | null): Array<keyof Products> {
    const names = Object.keys(this.memos) as Array<keyof Products>;
    return names.filter((n) => this.memos[n] !== prev?.memos[n]);
  }

  /** true / false when `mist:gateways` is loaded, null when it is not (nothing to judge against). */
  knowsGateway(gatewayId: string): boolean | null {
    const ids = this.gateways.ids;
    return ids ? ids.has(gatewayId) : null;
  }

  /**
   * Build a snapshot from what Redis returned, taking over from `prev` every product whose inputs
   * are unchanged. Each product lists its raw inputs and the products it is built from.
   */
  static async build(
    read: RawRead,
    readAtMs: number,
    prev: Snapshot | null,
    lazyCacheBytes: number,
    mode: PeerPathMode = DEFAULT_PEER_PATH_MODE,
  ): Promise<Snapshot> {
    const m = prev?.memos;
    const s = read.scalars;
    const orgSites = await memo(m?.orgSites, [s.org, s.sites], [], ([org, sites]) =>
      buildOrgSites(org, sites),
    );
    const gateways = await memo(m?.gateways, [s.gateways], [orgSites.value], ([raw], [o]) =>
      buildGateways(raw, o, m?.gateways.value.identities),
    );
    // Built from the gateways' identities only: a new gateway list with the same names keeps it.
    const peers = await memo(
      m?.peers,
      [read.vpnPeers, mode],
      [gateways.value.identities],
      ([raw, md], [ids]) => buildPeers(raw, ids, md),
    );
    const insights = await memo(
      m?.insights,
      [read.insightMembers, read.insightsPresent],
      [],
      ([members, present]) => buildInsights(members, present),
    );
    const status = await memo(
      m?.status,
      [s, read.templates, read.profilesPresent, read.inventoryPresent],
      [orgSites.value, gateways.value, peers.value, insights.value],
      ([scalars, templates, profilesPresent, inventoryPresent], [o, g, p, i]) =>
        buildStatus(
          { scalars, templates, profilesPresent, inventoryPresent },
          { orgSites: o, gateways: g, peers: p, insights: i },
        ),
    );
    const anyReused = read.reused.orgSites || read.reused.gateways || read.reused.vpnPeers;
    const fullReadAtMs = anyReused && prev ? prev.fullReadAtMs : readAtMs;
    const snap = new Snapshot(
      read,
      readAtMs,
      fullReadAtMs,
      { orgSites, gateways, peers, insights, status },
      lazyCacheBytes,
    );
    if (prev) snap.adoptPlainCopies(prev);
    return snap;
  }
}

/** Where a snapshot's cache keeps the plain copy of a compressed body. */
export const plainCopyKey = (body: Prepared) => `plain|${body.id}`;
