/**
 * Phase series: each WAN port's byte counters, as this run's port search read them (the ports
 * phase), appended to the port's traffic series by the series keeper (series/keeper.ts), then
 * `insights_freshness`. It runs once the run's state is written (after ports and vpn_peers): at
 * thousands of ports it rewrites tens of thousands of keys, CPU that the peer-path walks would
 * otherwise wait for, while the alerts read the state, not the series. Its failure (Redis) only
 * degrades the run: the readings are dropped and the next poll's close the buckets.
 */
import type { Phase, PhaseContext, PhaseReport, Skip } from '../cycle/types.js';
import type { SeriesKeeper } from '../series/keeper.js';
import type { StoredState } from '../store/reader.js';
import type { ReadingsSource } from './ports.js';

export class SeriesPhase implements Phase {
  readonly name = 'series';
  readonly kind = 'insights';
  /** This run's readings: none when the ports phase failed. */
  readonly needs = ['ports'] as const;
  readonly after = ['vpn_peers'] as const;

  constructor(
    private readonly ports: ReadingsSource,
    /** Null with SKIP_ENRICHMENT (no traffic series). */
    private readonly keeper: SeriesKeeper | null,
    private readonly now: () => number = Date.now,
  ) {}

  restore(stored: StoredState): void {
    this.keeper?.restore(stored);
  }

  skip(): Skip | null {
    return this.keeper ? null : { reason: 'SKIP_ENRICHMENT', error: false };
  }

  async run(ctx: PhaseContext): Promise<PhaseReport> {
    const readings = this.ports.takeReadings();
    if (!this.keeper || !readings) return { items: 0, details: { series_written: 0 } };
    await ctx.progress({ description: `Appending traffic of ${readings.ports.length} WAN ports` });
    const t0 = this.now();
    const w = await this.keeper.appendPoll(readings.at, readings.ports);
    if (w.lost > 0)
      ctx.log.warn({ ports: w.lost }, 'insight keys missing from Redis; their history is owed again');
    return {
      items: readings.ports.length,
      details: {
        series_written: w.keys,
        series_bytes: w.bytes,
        series_ms: Math.round(this.now() - t0),
      },
    };
  }
}
