/** The collector metadata of the hand-made org (fixtures.ts): status, loading phase, rate limit, stats. */
import type { CollectorStats, LoadingPhase, RateLimitState, WorkerStatus } from '#common/types.js';

export interface FixtureMeta {
  lastUpdate: number;
  workerStatus: WorkerStatus;
  loadingPhase: LoadingPhase;
  rateLimit: RateLimitState | null;
  collectorStats: CollectorStats;
  /** `mist:metadata:webhook_stats` (flat counters of the webhook receivers). */
  webhookStats: Record<string, number>;
}

export function fixtureMeta(now: number): FixtureMeta {
  return {
    lastUpdate: now - 30,
    workerStatus: {
      status: 'idle',
      details: { last_run: '2026-01-07T13:20:01Z', duration_seconds: 12.5, gateways_count: 4, mode: 'full' },
    },
    loadingPhase: {
      current_phase: 'complete',
      total_phases: 6,
      timestamp: now - 30,
      details: { description: 'done', duration_seconds: 12.5, gateways_count: 4 },
    },
    rateLimit: {
      is_limited: true,
      reset_time: now + 1800,
      tokens_exhausted: 1,
      total_tokens: 2,
      timestamp: now - 60,
    },
    webhookStats: {
      requests_accepted: 12,
      requests_unauthorized: 2,
      events_received: 30,
      events_applied: 20,
      events_stale: 6,
      events_ignored: 4,
      detection_delay_seconds_total: 41.5,
      last_detection_delay_seconds: 1.25,
      last_applied_timestamp: now - 40,
      last_batch_seconds: 0.012,
      batches_total: 14,
      updated_at: now - 40,
    },
    collectorStats: {
      instance: 'collector-1',
      started_at: now - 7200,
      updated_at: now - 30,
      cycles_total: 24,
      cycle_failures_total: 1,
      last_cycle: {
        started: now - 43,
        finished: now - 30,
        duration_seconds: 12.5,
        success: true,
        core_calls: 12,
        insights_calls: 8,
      },
      last_success: now - 30,
      phases: {
        org_sites: {
          status: 'ok',
          duration_seconds: 0.4,
          last_success: now - 42,
          last_error: null,
          items: 4,
          calls: 2,
        },
        gateways: {
          status: 'ok',
          duration_seconds: 0.8,
          last_success: now - 41,
          last_error: null,
          items: 4,
          calls: 1,
        },
        ports: {
          status: 'ok',
          duration_seconds: 2.1,
          last_success: now - 39,
          last_error: null,
          items: 7,
          calls: 3,
        },
        vpn_peers: {
          status: 'error',
          duration_seconds: 1.5,
          last_success: now - 400,
          last_error: 'Mist answered 503',
          items: 0,
          calls: 2,
        },
        insights: {
          status: 'skipped',
          duration_seconds: 0,
          last_success: now - 300,
          last_error: null,
          items: 0,
          calls: 0,
        },
      },
      api: {
        calls_total: {
          listOrgDevicesStats: { token1: 20, token2: 4 },
          searchOrgPeerPathStats: { token1: 30 },
        },
        rate_limited_total: { token1: 2, token2: 0 },
        errors_total: { searchOrgPeerPathStats: 1 },
        retries_total: 3,
        bad_records_total: { searchOrgSwOrGwPorts: 1 },
      },
      tokens: [
        { label: 'token1', requests: 54, limit: 5000, exhausted_until: now + 1800 },
        { label: 'token2', requests: 4, limit: 5000, exhausted_until: null },
      ],
      budget: { calls_per_hour: 8000, share: 0.8, used_last_hour: 58, insights_calls_per_hour: 7000 },
      state_poll: {
        interval_seconds: 60,
        configured_seconds: 60,
        calls_per_poll: 12,
        stale_after_seconds: 180,
        polls_total: 41,
        poll_failures_total: 1,
        last_poll: { started: now - 30, finished: now - 28, duration_seconds: 2, success: true, calls: 12 },
      },
      records: { carried_over_total: { listOrgDevicesStats: 1 } },
      configs: {
        device_configs: { cached: 3, wanted: 4, refetched_total: 2 },
        site_settings: { cached: 1, wanted: 1, refetched_total: 0 },
        unresolved_variables: 1,
      },
      insights: {
        ports_total: 7,
        ports_fresh: 3,
        ports_missing: 0,
        oldest_age_seconds: 600,
        refresh_period_seconds: 900,
        refreshed_last_cycle: 2,
      },
    },
  };
}
