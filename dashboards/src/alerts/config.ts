/**
 * Every threshold, selector and `for` duration of the alert rules, in one place (as node-mixin's
 * _config). Durations suit the collector's default WORKER_INTERVAL of 300 s: Mist data moves once per
 * cycle, so "down for 5m" means seen down in two consecutive cycles. Scale them with the interval.
 */
import { CACHE_AGE, PEER_QUALITY } from '../thresholds.js';

export const ALERT_CONFIG = {
  /**
   * Where RUNBOOK.md is browsable; each alert links to its section (`#<alertname in lower case>`).
   * Change it when the repository is hosted elsewhere, then `npm run dashboards`.
   */
  runbookUrl: 'https://github.com/mist-circuit-stats/mist-circuit-stats/blob/main/RUNBOOK.md',
  /** Prometheus job that scrapes the exporter (prometheus.yml). */
  exporterJob: 'mist-exporter',

  wanCircuitDown: { for: '5m' },
  gatewayAllWanCircuitsDown: { for: '5m' },
  gatewayDisconnected: { for: '5m' },
  vpnPeerPathDown: { for: '5m' },
  hubAllPathsDown: { for: '5m' },
  wanCircuitFlapping: { window: '1h', minChanges: 4, for: '5m' },
  /** A path is degraded from the reference UI's red thresholds on. */
  vpnPeerPathDegraded: {
    for: '15m',
    lossRatio: PEER_QUALITY.lossRatio.bad,
    latencySeconds: PEER_QUALITY.latencySeconds.bad,
    mos: PEER_QUALITY.mos.bad,
  },
  mistDataStale: { ageSeconds: CACHE_AGE.stale, for: '5m' },
  /** The collector writes its stats at least once per cycle; three missed cycles = not running. */
  collectorNotRunning: { statsAgeSeconds: 900, for: '5m' },
  collectorFailing: { noSuccessSeconds: 1800, for: '15m' },
  mistApiBudgetNearlySpent: { ratio: 0.9, for: '10m' },
  mistApiRateLimited: { window: '15m', for: '5m' },
  exporterDown: { for: '2m' },
  exporterRedisDown: { for: '2m' },
} as const;
