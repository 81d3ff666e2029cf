/**
 * What the collector tells the UI about its cycles (docs/contract.md#status-metadata): `worker_status`,
 * `loading_phase` and `last_update`. It formats and writes; the cycle's figures come from the
 * caller. Progress writes are best effort: a Redis hiccup there must not fail a cycle.
 */
import { errorMessage } from '#common/errors.js';
import type { Logger } from '#common/log.js';
import type { LoadingPhaseName } from '#common/types.js';
import type { StatusWriter } from '../store/status-writer.js';
import type { CycleOutcome } from './types.js';

/** The UI's phase bar: org_sites, gateways, vpn_peers, ports, insights (then complete). */
const TOTAL_PHASES = 5;

const iso = (ms: number) => new Date(ms).toISOString();

/** How a cycle ended, as the collector judged it. */
export interface CycleEnd {
  outcome: CycleOutcome;
  /** Epoch ms. */
  finished: number;
  gatewaysCount: number;
  /** A session or core phase failed: worker_status says error and last_update is left alone. */
  coreFailed: boolean;
  /** This cycle's gateways phase succeeded, so the data is new: bump last_update. */
  freshGateways: boolean;
}

export class CycleStatus {
  constructor(
    private readonly writer: StatusWriter,
    private readonly instance: string,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async loading(phase: LoadingPhaseName, details: Record<string, unknown>): Promise<void> {
    try {
      await this.writer.writeLoadingPhase({
        current_phase: phase,
        total_phases: TOTAL_PHASES,
        details,
        timestamp: this.now() / 1000,
      });
    } catch (e) {
      this.log.warn({ error: errorMessage(e) }, 'could not write loading_phase');
    }
  }

  /**
   * worker_status running (`kind`: a full cycle or a state poll; `cycle` counts the runs of that
   * kind). Not best effort: a run that cannot reach Redis should not start.
   */
  async cycleStarted(t0: number, cycle: number, kind: CycleOutcome['kind'] = 'full'): Promise<void> {
    await this.writer.writeWorkerStatus({
      status: 'running',
      details: { started: iso(t0), mode: 'parallel', instance: this.instance, cycle, kind },
    });
    this.log.info({ cycle, kind }, kind === 'full' ? 'cycle started' : 'state poll started');
  }

  /** worker_status error before the process exits on a fatal error (bad token, no org). */
  async fatal(message: string): Promise<void> {
    await this.writer
      .writeWorkerStatus({
        status: 'error',
        details: { error: message, timestamp: iso(this.now()), fatal: true },
      })
      .catch(() => {});
  }

  /** loading_phase complete, then worker_status idle (with last_update) or error. Never throws. */
  async cycleFinished({
    outcome,
    finished,
    gatewaysCount,
    coreFailed,
    freshGateways,
  }: CycleEnd): Promise<void> {
    const failed = Object.keys(outcome.errors);
    const base = {
      last_run: iso(finished),
      duration_seconds: Math.round(outcome.durationSeconds * 1000) / 1000,
      gateways_count: gatewaysCount,
      mode: 'parallel',
      instance: this.instance,
      calls: outcome.coreCalls + outcome.insightsCalls,
      kind: outcome.kind,
    };
    const rateLimited =
      outcome.rateLimitedUntil !== null ? { rate_limited_until: iso(outcome.rateLimitedUntil) } : {};
    try {
      await this.loading('complete', {
        description: `${outcome.kind === 'full' ? 'Cycle' : 'State poll'} ${
          outcome.ok ? 'complete' : `finished with errors in ${failed.join(', ')}`
        }`,
        duration_seconds: base.duration_seconds,
        gateways_count: gatewaysCount,
      });
      if (coreFailed) {
        const first = failed[0] as keyof CycleOutcome['errors'];
        await this.writer.writeWorkerStatus({
          status: 'error',
          details: {
            error: `${first}: ${outcome.errors[first]}`,
            timestamp: iso(finished),
            degraded: true,
            failed_phases: outcome.errors,
            ...base,
            ...rateLimited,
          },
        });
      } else {
        if (freshGateways) await this.writer.writeLastUpdate();
        await this.writer.writeWorkerStatus({
          status: 'idle',
          details: {
            ...base,
            degraded: !outcome.ok,
            ...(outcome.ok ? {} : { failed_phases: outcome.errors }),
            ...rateLimited,
          },
        });
      }
    } catch (e) {
      this.log.error({ error: errorMessage(e) }, 'could not write cycle status to Redis');
    }
  }

  /** Written when a scheduled tick is skipped because the data is fresh (`using_cache`, docs/contract.md#status-metadata). */
  async usingCache(ageSeconds: number, gatewaysCount: number): Promise<void> {
    await this.writer.writeWorkerStatus({
      status: 'idle',
      details: {
        status: 'using_cache',
        cache_age: Math.round(ageSeconds),
        gateways_count: gatewaysCount,
        last_check: iso(this.now()),
        instance: this.instance,
      },
    });
  }

  /** Written on SIGTERM. */
  async stopped(interrupted: boolean): Promise<void> {
    await this.writer.writeWorkerStatus({
      status: 'idle',
      details: { stopped: iso(this.now()), interrupted_cycle: interrupted, instance: this.instance },
    });
  }
}
