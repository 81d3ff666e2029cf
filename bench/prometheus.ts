/**
 * What our label design costs a user's Prometheus (not a test): for each PEER_PATH_METRICS mode, a
 * synthetic org in Redis, the exporter in that mode, and a real Prometheus scraping it with that
 * mode's rules (recording and alerting, generated into a temp dir) until it has scraped 10 times.
 * Figures per mode: /metrics samples and bytes (plain and gzip), Prometheus' RSS and head series,
 * its scrape duration.
 *
 *   npx tsx bench/prometheus.ts [gateways]     # default 1000 (L)
 *
 * `runPrometheusBenchmark()` returns the figures for bench/run.ts.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { PEER_PATH_MODES, type PeerPathMode } from '#common/metrics/index.js';
import { writeAll } from '#dashboards/build.js';
import { EXPORTER_JOB } from '#dashboards/common.js';
import { RULES_FILE } from '#dashboards/render.js';
import { SIZE_L, type SyntheticSize } from '../test/exporter/synthetic-org.js';
import { tempDir, waitFor } from '../test/helpers/net.js';
import { startPrometheus } from '../test/helpers/prometheus.js';
import { startExporter, stopChild, syntheticRedis } from './lib/exporter-proc.js';

export interface PrometheusModeResult {
  mode: PeerPathMode;
  samples: number;
  plainBytes: number;
  gzipBytes: number;
  scrapes: number;
  /** Prometheus' own process_resident_memory_bytes after the scrapes, MB. */
  prometheusRssMb: number;
  headSeries: number;
  /** Mean scrape_duration_seconds of the exporter's target. */
  scrapeSeconds: number;
  /** The exporter's snapshot load in this mode. */
  snapshotLoadSeconds: number;
}

export interface PrometheusBenchResult {
  org: { gateways: number; wanPorts: number; peerPaths: number; source: string };
  scrapeIntervalSeconds: number;
  prometheusVersion: string;
  modes: PrometheusModeResult[];
}

export interface PrometheusBenchOptions {
  size?: SyntheticSize;
  modes?: readonly PeerPathMode[];
  /** Scrapes before the reading. Default 10. */
  scrapes?: number;
  /** Default 10 s; 20 s from 2,000 gateways (paths mode is ~100 MB of text per scrape at 5,000). */
  scrapeIntervalSeconds?: number;
  log?: (line: string) => void;
}

/** A sample of Prometheus' own /metrics. */
async function selfMetric(url: string, name: string): Promise<number> {
  const text = await (await request(`${url}/metrics`)).body.text();
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
}

export async function runPrometheusBenchmark(
  opts: PrometheusBenchOptions = {},
): Promise<PrometheusBenchResult> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const scrapes = opts.scrapes ?? 10;
  const size = opts.size ?? SIZE_L;
  const interval = opts.scrapeIntervalSeconds ?? (size.gateways >= 2000 ? 20 : 10);
  const { redis, figures } = await syntheticRedis(size);
  const modes: PrometheusModeResult[] = [];
  let version = '';
  try {
    for (const mode of opts.modes ?? PEER_PATH_MODES) {
      const dir = await tempDir(`bench-prometheus-${mode}`);
      const exp = await startExporter(redis.url, { PEER_PATH_METRICS: mode }, { log });
      try {
        await writeAll(dir.path, mode);
        const text = await (await request(`${exp.url}/metrics`)).body.text();
        const gz = await request(`${exp.url}/metrics`, { headers: { 'accept-encoding': 'gzip' } });
        const gzipBytes = (await gz.body.arrayBuffer()).byteLength;
        const load = Number(/^mist_exporter_snapshot_load_duration_seconds (\S+)$/m.exec(text)?.[1]);
        const prom = await startPrometheus({
          targets: [{ job: EXPORTER_JOB, target: new URL(exp.url).host }],
          ruleFiles: [join(dir.path, RULES_FILE)],
          scrapeInterval: `${interval}s`,
          evaluationInterval: `${interval}s`,
        });
        try {
          const count = `count_over_time(scrape_samples_scraped{job="${EXPORTER_JOB}"}[1h])`;
          await waitFor(
            async () => {
              const r = await prom.query(count);
              return r.length && Number(r[0].value[1]) >= scrapes ? r : null;
            },
            {
              timeoutMs: (scrapes + 6) * interval * 1000 + 60_000,
              intervalMs: 1000,
              what: `${scrapes} scrapes`,
            },
          );
          const duration = await prom.query(
            `avg_over_time(scrape_duration_seconds{job="${EXPORTER_JOB}"}[1h])`,
          );
          const r: PrometheusModeResult = {
            mode,
            samples: text.split('\n').filter((l) => l && !l.startsWith('#')).length,
            plainBytes: Buffer.byteLength(text),
            gzipBytes,
            scrapes,
            prometheusRssMb:
              Math.round((await selfMetric(prom.url, 'process_resident_memory_bytes')) / 1e5) / 10,
            headSeries: await selfMetric(prom.url, 'prometheus_tsdb_head_series'),
            scrapeSeconds: Math.round(Number(duration[0]?.value[1]) * 1000) / 1000,
            snapshotLoadSeconds: load,
          };
          const self = await (await request(`${prom.url}/metrics`)).body.text();
          version ||= /^prometheus_build_info\{.*[{,]version="([^"]+)"/m.exec(self)?.[1] ?? '';
          log(
            `prometheus ${mode}: ${r.samples} samples, ${(r.plainBytes / 1e6).toFixed(1)} MB, Prometheus RSS ${r.prometheusRssMb} MB after ${scrapes} scrapes`,
          );
          modes.push(r);
        } finally {
          await prom.stop();
        }
      } finally {
        await stopChild(exp.proc);
        await dir.remove();
      }
    }
  } finally {
    await redis.stop();
  }
  return { org: figures, scrapeIntervalSeconds: interval, prometheusVersion: version, modes };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const gateways = Number(process.argv[2] ?? 1000);
  const r = await runPrometheusBenchmark({
    size: { gateways, hubs: gateways > 1000 ? 8 : 4, insights: 'default' },
  });
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
}
