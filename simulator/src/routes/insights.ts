/**
 * getSiteInsightMetricsForGateway: the spec's `rt` (bucket times) and `results` (the first metric);
 * when several metrics are asked, also one array per metric at the top level as clients of the live
 * API read it (docs/mist-api.md); nulls for missing samples. Only the two documented intervals are
 * served (`10m` and `1h`); any other is answered 400.
 * Values are the traffic model's bucket averages, so they agree with counters and port rates.
 */
import { HttpError } from '../http.js';
import type { SimGateway, SimOrg, SimPort } from '../model.js';
import { findPort } from '../org-state.js';
import { unit } from '../rng.js';
import { parseDuration, resolveWindow } from '../time-params.js';
import { coveredSeconds, isDownAt, rateAt, upIntegral } from '../traffic.js';
import { type MistRoute, requireSite, siteGateway } from './context.js';

export const METRICS = ['rx_bps', 'tx_bps', 'max_rx_bps', 'max_tx_bps', 'rx_bytes', 'tx_bytes'] as const;
type Metric = (typeof METRICS)[number];

/** The documented intervals (docs/mist-api.md, Conventions): 10m kept a day, 1h kept 14 days. */
export const INTERVALS = [600, 3600] as const;

/** Retention: 1 day of sub-hour buckets, 14 days of hourly ones. */
export function retentionFor(interval: number): number {
  return interval < 3600 ? 86400 : 14 * 86400;
}

/** Share of buckets reported missing (null), deterministic per gateway, port and bucket. */
const MISSING_SHARE = 0.01;

function iso(t: number): string {
  return new Date(t * 1000).toISOString().replace('.000Z', 'Z');
}

interface BucketValues {
  rx: number;
  tx: number;
  maxRx: number;
  maxTx: number;
}

function bucket(
  org: SimOrg,
  gw: SimGateway,
  ports: SimPort[],
  b: number,
  interval: number,
  now: number,
): BucketValues | null {
  const e = b + interval;
  if (e > now) return null; // not complete yet
  if (coveredSeconds([gw.offline], b, e, now) > interval / 2) return null; // gateway did not report
  if (unit(org.seed, 'gap', gw.mac, ports[0]?.port_id ?? '', b) < MISSING_SHARE) return null;
  const v: BucketValues = { rx: 0, tx: 0, maxRx: 0, maxTx: 0 };
  for (const p of ports) {
    const down = [p.down, gw.offline];
    const rx = upIntegral(p.traffic, 'rx', b, e, down, now) / interval;
    const tx = upIntegral(p.traffic, 'tx', b, e, down, now) / interval;
    let peakRx = 0;
    let peakTx = 0;
    for (const t of [b, b + interval / 2, e - 1]) {
      if (isDownAt(p.down, t) || isDownAt(gw.offline, t)) continue;
      peakRx = Math.max(peakRx, rateAt(p.traffic, 'rx', t) * 1.12);
      peakTx = Math.max(peakTx, rateAt(p.traffic, 'tx', t) * 1.12);
    }
    v.rx += rx;
    v.tx += tx;
    v.maxRx += Math.max(rx, peakRx);
    v.maxTx += Math.max(tx, peakTx);
  }
  return v;
}

function value(v: BucketValues | null, m: Metric, interval: number): number | null {
  if (!v) return null;
  switch (m) {
    case 'rx_bps':
      return Math.round(v.rx);
    case 'tx_bps':
      return Math.round(v.tx);
    case 'max_rx_bps':
      return Math.round(v.maxRx);
    case 'max_tx_bps':
      return Math.round(v.maxTx);
    case 'rx_bytes':
      return Math.round((v.rx * interval) / 8);
    case 'tx_bytes':
      return Math.round((v.tx * interval) / 8);
  }
}

export const insightRoutes: MistRoute[] = [
  {
    operationId: 'getSiteInsightMetricsForGateway',
    path: '/api/v1/sites/{site_id}/insights/gateway/{device_id}/stats',
    handler: (ctx) => {
      const site = requireSite(ctx);
      const gw = siteGateway(ctx, site, ctx.params.device_id);
      const q = ctx.query;
      const raw = q.get('metrics');
      if (!raw) throw new HttpError(400, 'metrics: This field is required.');
      const metrics = raw.split(',').map((s) => s.trim()) as Metric[];
      const bad = metrics.filter((m) => !METRICS.includes(m));
      if (bad.length) throw new HttpError(400, `metrics: unknown metric(s) ${bad.join(', ')}`);
      const w = resolveWindow(q, ctx.now, 86400);
      const ivRaw = q.get('interval');
      let interval = w.end - w.start <= 86400 ? 600 : 3600;
      if (ivRaw) {
        const iv = parseDuration(ivRaw);
        if (iv !== 600 && iv !== 3600) {
          throw new HttpError(
            400,
            `interval: "${ivRaw}" is not a documented interval (600 or 10m, 3600 or 1h)`,
          );
        }
        interval = iv;
      }
      const end = Math.min(w.end, ctx.now);
      const start = Math.max(w.start, ctx.now - retentionFor(interval));
      const portId = q.get('port_id');
      let ports: SimPort[];
      if (portId) {
        const p = findPort(gw, portId);
        ports = p ? [p] : [];
      } else {
        ports = gw.ports.filter((p) => p.usage === 'wan');
      }
      const first = Math.floor(start / interval) * interval;
      const rt: string[] = [];
      const series: Record<string, Array<number | null>> = {};
      for (const m of metrics) series[m] = [];
      for (let b = first; b < end && rt.length < 10_000; b += interval) {
        rt.push(iso(b));
        const v = ports.length ? bucket(ctx.org, gw, ports, b, interval, ctx.now) : null;
        for (const m of metrics) series[m].push(value(v, m, interval));
      }
      const limit = Number(q.get('limit')) || 100;
      const page = Number(q.get('page')) || 1;
      // One metric: the spec's form only. Several: one array each beside it (results = the first).
      return {
        body: {
          start: first,
          end: Math.floor(end),
          interval,
          limit,
          page,
          rt,
          results: [...series[metrics[0]]],
          ...(metrics.length > 1 ? series : {}),
        },
      };
    },
  },
];
