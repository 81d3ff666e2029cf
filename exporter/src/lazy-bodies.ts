/**
 * Route bodies built on first use and kept for the generation, compressed (prepared.ts), in the
 * snapshot's byte-bounded cache (EXPORTER_CACHE_MB): the traffic series, read from Redis only when
 * asked for (an L org's `/api/insights/all` is ~20 MB), the per-site gateway lists and the per-gateway
 * VPN peer envelopes. Concurrent requests for a body that is being built share one build.
 */
import { DEFAULT_INSIGHT_RESOLUTION, type InsightResolution, insightMember, keys } from '#common/keys.js';
import { ok, okRaw, rawObject } from './envelope.js';
import { isObject, type Json } from './parse.js';
import { type Prepared, prepare, preparedPlain } from './prepared.js';
import type { Snapshot } from './snapshot.js';

/** Reads values from Redis (the store's, which tracks whether Redis is up). */
export type ReadValues = (keyList: string[]) => Promise<Array<string | null>>;

const building = new WeakMap<Snapshot, Map<string, Promise<Prepared>>>();

function cached(snap: Snapshot, key: string, build: () => Promise<Buffer>): Promise<Prepared> {
  const hit = snap.lazy.get(key) as Prepared | undefined;
  if (hit) return Promise.resolve(hit);
  let pending = building.get(snap);
  if (!pending) {
    pending = new Map();
    building.set(snap, pending);
  }
  const running = pending.get(key);
  if (running) return running;
  const p = build()
    .then((text) => prepare(200, text))
    .then(
      (body) => {
        snap.lazy.set(key, body);
        pending.delete(key);
        return body;
      },
      (e: unknown) => {
        pending.delete(key);
        throw e;
      },
    );
  pending.set(key, p);
  return p;
}

/** An insight value fit to serve: an object with the three series arrays. */
function parseInsight(raw: string | null): Json | null {
  if (raw === null) return null;
  try {
    const v: unknown = JSON.parse(raw);
    return isObject(v) && Array.isArray(v.timestamps) && Array.isArray(v.rx_bps) && Array.isArray(v.tx_bps)
      ? v
      : null;
  } catch {
    return null;
  }
}

/**
 * The traffic answer for a stored series: `interval` 600 when the value has none. `resolution` is the
 * one asked for (the contract's meaning); `served_resolution` and `fallback` say what the series is:
 * the default key holds the 7-day series, so a fallback for `1h` serves `7d`. No series: `null`.
 */
export function trafficSeries(
  v: Json | null,
  resolution: InsightResolution,
  served: InsightResolution = resolution,
): Json {
  const servedAs = { served_resolution: v ? served : null, fallback: v !== null && served !== resolution };
  if (!v) {
    return {
      timestamps: [],
      rx_bps: [],
      tx_bps: [],
      rx_bytes: 0,
      tx_bytes: 0,
      resolution,
      interval: 0,
      ...servedAs,
    };
  }
  const n = (x: unknown, d: number) => (typeof x === 'number' && Number.isFinite(x) ? x : d);
  return {
    timestamps: v.timestamps,
    rx_bps: v.rx_bps,
    tx_bps: v.tx_bps,
    rx_bytes: n(v.rx_bytes, 0),
    tx_bytes: n(v.tx_bytes, 0),
    resolution,
    interval: n(v.interval, 600),
    ...servedAs,
  };
}

const EMPTY = preparedPlain(200, okRaw('{}'));

/** `/api/insights/all`: the default series of every indexed port, `{gateway: {port: series}}`. */
export function insightsAllBody(snap: Snapshot, read: ReadValues): Promise<Prepared> {
  return cached(snap, 'insights-all', async () => {
    const ports = snap.insights.ports;
    const values = await read(ports.map((p) => keys.insights(p.gatewayId, p.portId)));
    const byGateway = new Map<string, Array<[string, string]>>();
    ports.forEach((p, i) => {
      const raw = values[i];
      if (raw === null || parseInsight(raw) === null) return;
      const list = byGateway.get(p.gatewayId) ?? [];
      if (list.length === 0) byGateway.set(p.gatewayId, list);
      list.push([p.portId, raw]);
    });
    return okRaw(rawObject([...byGateway].map(([gw, list]) => [gw, rawObject(list)] as const)));
  });
}

/** `/api/insights/<gw>/<port>`: the default series, or `{}`. */
export function insightBody(
  snap: Snapshot,
  read: ReadValues,
  gatewayId: string,
  portId: string,
): Promise<Prepared> {
  const member = insightMember(gatewayId, portId);
  if (!snap.insights.members.has(member)) return Promise.resolve(EMPTY);
  return cached(snap, `insight|${member}`, async () => {
    const [raw] = await read([keys.insights(gatewayId, portId)]);
    return raw !== null && parseInsight(raw) ? okRaw(raw) : okRaw('{}');
  });
}

/** The traffic route: the series at a resolution, falling back to the default key (docs/contract.md#traffic-duration). */
export function trafficBody(
  snap: Snapshot,
  read: ReadValues,
  gatewayId: string,
  portId: string,
  res: InsightResolution,
): Promise<Prepared> {
  const member = insightMember(gatewayId, portId);
  if (!snap.insights.members.has(member)) return prepare(200, ok(trafficSeries(null, res)));
  return cached(snap, `traffic|${res}|${member}`, async () => {
    const [atRes, dflt] = await read([
      keys.insights(gatewayId, portId, res),
      keys.insights(gatewayId, portId),
    ]);
    const exact = parseInsight(atRes);
    return ok(
      exact ? trafficSeries(exact, res) : trafficSeries(parseInsight(dflt), res, DEFAULT_INSIGHT_RESOLUTION),
    );
  });
}

/** `/api/gateways?site_id=`: the gateways of one site (exact match), cut from the stored list on first use. */
export function gatewaysOfSiteBody(snap: Snapshot, siteId: string): Prepared | Promise<Prepared> {
  const siteList = snap.gateways.siteList;
  if (!siteList) return snap.gateways.body;
  return cached(snap, `site|${siteId}`, async () => okRaw(siteList(siteId)));
}

/** `/api/vpn-peers/<gateway_id>/<mac>`: the stored envelope, `{}` when the gateway has none. */
export function vpnPeerBody(snap: Snapshot, member: string): Prepared | Promise<Prepared> {
  const raw = snap.peers.byMember.get(member);
  return raw === undefined ? EMPTY : cached(snap, `peer|${member}`, async () => okRaw(raw));
}
