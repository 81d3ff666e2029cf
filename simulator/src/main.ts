/**
 * `npm run simulator`: the Mist API simulator from env (common/src/config/simulator.ts). The first
 * stdout line is the base URL; logs go to stderr. SIGTERM/SIGINT stop it cleanly.
 */

import { runMain } from '#common/cli.js';
import { maskConfig } from '#common/config/core.js';
import { loadSimulatorConfig, simulatorSchema } from '#common/config/simulator.js';
import { createLogger } from '#common/log.js';
import { startSimulator } from './index.js';

await runMain('simulator', async () => {
  const cfg = loadSimulatorConfig();
  const log = createLogger('simulator', { level: cfg.logLevel, destination: process.stderr });
  const started = Date.now();
  const sim = await startSimulator({
    size: cfg.size,
    profile: cfg.profile,
    seed: cfg.seed,
    orgId: cfg.orgId,
    tokens: cfg.tokens,
    foreignTokens: cfg.foreignTokens,
    rateLimit: cfg.rateLimit,
    retryAfter: cfg.retryAfter,
    latencyMs: cfg.latencyMs,
    port: cfg.port,
    host: cfg.host,
    logger: log,
    webhooks:
      cfg.webhookUrl && cfg.webhookSecret
        ? {
            url: cfg.webhookUrl,
            secret: cfg.webhookSecret,
            loss: cfg.webhookLoss,
            delayMs: cfg.webhookDelayMs,
          }
        : undefined,
    faults: {
      latency_jitter_ms: cfg.latencyJitterMs,
      error_rate: cfg.errorRate,
      timeout_rate: cfg.timeoutRate,
      truncate_rate: cfg.truncateRate,
      malformed_rate: cfg.malformedRate,
      invalid_record_rate: cfg.invalidRecordRate,
      storm_429: cfg.storm429,
      break_pagination_after: cfg.breakPaginationAfter ?? null,
      operations: cfg.faultOperations ?? null,
    },
  });
  process.stdout.write(`${sim.url}\n`);
  const org = sim.org;
  log.info(
    {
      config: maskConfig(simulatorSchema, cfg),
      org_id: org.id,
      profile: org.profile,
      sites: org.sites.length,
      gateways: org.gateways.length,
      peer_path_rows: org.paths.length * 2,
      start_ms: Date.now() - started,
    },
    `simulator listening on ${sim.url}`,
  );
  for (const issue of sim.knownIssues()) {
    log.info({ known_issue: issue.kind, expected_alerts: issue.alerts }, `known issue: ${issue.text}`);
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'stopping');
      sim.stop().then(resolve, resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
});
