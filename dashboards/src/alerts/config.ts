/**
 * Every threshold, selector and `for` duration of the alert rules, in one place (as node-mixin's
 * _config). Up/down state moves once per collector state poll (STATE_INTERVAL, 60 s by default), or
 * at once when a Mist webhook reports it; a `for` of one state poll means "still down at the next
 * poll", so a blip between two polls does not page. Staleness follows the collector's effective
 * state interval at run time (mist_collector_stale_after_seconds); the seconds below are the
 * fallback when the collector has published none. Detection latency from these values:
 * detection.ts (RUNBOOK.md shows it).
 */
import { collectorSchema } from '#common/config/collector.js';
import { STALE_STATE_POLLS } from '#common/ttl.js';
import { promDuration } from '../promql.js';
import { CACHE_AGE, PEER_QUALITY } from '../thresholds.js';

/** The collector's default STATE_INTERVAL (seconds): the unit of the up/down alerts' `for`. */
export const STATE_POLL_SECONDS: number = collectorSchema({}).stateInterval.default;

/** `n` state polls as a Prometheus duration. */
const polls = (n: number) => promDuration(n * STATE_POLL_SECONDS);

export const ALERT_CONFIG = {
  /**
   * Where RUNBOOK.md is browsable; each alert links to its section (`#<alertname in lower case>`).
   * Change it when the repository is hosted elsewhere, then `npm run dashboards`.
   */
  runbookUrl: 'https://github.com/mist-circuit-stats/mist-circuit-stats/blob/main/RUNBOOK.md',
  /** Prometheus job that scrapes the exporter (prometheus.yml). */
  exporterJob: 'mist-exporter',

  wanCircuitDown: { for: polls(1) },
  gatewayAllWanCircuitsDown: { for: polls(1) },
  gatewayDisconnected: { for: polls(1) },
  vpnPeerPathDown: { for: polls(1) },
  hubAllPathsDown: { for: polls(1) },
  wanCircuitFlapping: { window: '1h', minChanges: 4, for: '5m' },
  /** A path is degraded from the reference UI's red thresholds on. */
  vpnPeerPathDegraded: {
    for: '15m',
    lossRatio: PEER_QUALITY.lossRatio.bad,
    latencySeconds: PEER_QUALITY.latencySeconds.bad,
    mos: PEER_QUALITY.mos.bad,
  },
  /** Fallback when the collector publishes no stale-after (it is 3 state polls, at most STALE_THRESHOLD). */
  mistDataStale: { ageSeconds: CACHE_AGE.stale, for: polls(1) },
  /**
   * The collector writes its stats after every state poll: STALE_STATE_POLLS missed polls (of the
   * interval it publishes; `statsAgeSeconds` when it publishes none) = not running.
   */
  collectorNotRunning: { missedPolls: STALE_STATE_POLLS, statsAgeSeconds: 900, for: polls(2) },
  collectorFailing: { noSuccessSeconds: 1800, for: '15m' },
  mistApiBudgetNearlySpent: { ratio: 0.9, for: '10m' },
  mistApiRateLimited: { window: '15m', for: '5m' },
  exporterDown: { for: '2m' },
  exporterRedisDown: { for: '2m' },
} as const;
