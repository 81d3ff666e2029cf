/**
 * One collector: its Mist client, its Redis store, its caches, and `runCycle`, the pipeline of one
 * collection cycle:
 *
 *   session (getSelf per token at start, /self/usage hourly)
 *   org_sites ‖ gateways
 *   then: configs -> ports (-> insights)  ‖  vpn_peers
 *
 * Each phase fetches, transforms (pure), and writes its whole result in one transaction, only on
 * success: a failed phase leaves the previous value in Redis and records its error. What the UI and
 * the exporter see of the cycle itself (worker_status, loading_phase, collector_stats) is written by
 * cycle-report.ts.
 */

import type { Redis } from 'ioredis';
import pLimit from 'p-limit';
import type { CollectorConfig } from '#common/config/collector.js';
import { errorMessage } from '#common/errors.js';
import { insightMember } from '#common/keys.js';
import type { Logger } from '#common/log.js';
import { dataTtlSeconds } from '#common/ttl.js';
import type { CollectorPhase, CollectorStats, Gateway, PhaseStats, Site } from '#common/types.js';
import { type Budget, CallWindow, computeBudget } from './budget.js';
import { peerRowsFromStored, portRowsFromStored, statsRowsFromStored } from './carry-over.js';
import { CycleReporter } from './cycle-report.js';
import { buildGateway } from './enrich.js';
import { MistClient, type MistClientOptions } from './mist/client.js';
import { AbortedError, RateLimitedError } from './mist/errors.js';
import type { DeviceStatsRow, PeerPathRow, PortStatsRow } from './mist/payloads.js';
import { ConfigCache } from './phases/configs.js';
import type { PhaseContext } from './phases/context.js';
import { carryOverRows, fetchGateways } from './phases/gateways.js';
import { InsightsScheduler, insightPorts } from './phases/insights.js';
import { fetchOrgSites } from './phases/org-sites.js';
import { enrichGateways, fetchWanPortRows, groupRowsByGateway } from './phases/ports.js';
import { fetchPeerPaths } from './phases/vpn-peers.js';
import { RateLimitMirror } from './rate-limit.js';
import { FatalError, Session } from './session.js';
import { Store } from './store.js';
import { groupPeerPaths } from './transform.js';

const CORE_PHASES: CollectorPhase[] = ['org_sites', 'gateways', 'ports', 'vpn_peers'];

export interface CollectorDeps {
  config: CollectorConfig;
  redis: Redis;
  logger: Logger;
  now?: () => number;
  /** Test and benchmark knobs of the HTTP client (retry timings...). */
  client?: Partial<MistClientOptions>;
}

export interface CycleOutcome {
  ok: boolean;
  /** phase -> error line, for the phases that failed. */
  errors: Partial<Record<CollectorPhase | 'session', string>>;
  /** Set when every token is exhausted: no call should be made before this epoch ms. */
  rateLimitedUntil: number | null;
  durationSeconds: number;
  /** Wall time until every core phase (all but insights) was done. */
  coreSeconds: number;
  coreCalls: number;
  insightsCalls: number;
}

export { FatalError };

export class Collector {
  readonly client: MistClient;
  readonly store: Store;
  readonly configs: ConfigCache;
  readonly insights: InsightsScheduler;
  readonly stats: CollectorStats;
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly badRecords: Record<string, number> = {};
  private readonly session: Session;
  /** Last good values, reused when a phase fails and carried over for unreadable records. */
  private sites: Site[] | null = null;
  private gateways: Gateway[] | null = null;
  private prevStatsRows: DeviceStatsRow[] = [];
  private prevPortRows: PortStatsRow[] = [];
  private prevPeerRows: PeerPathRow[] = [];
  private lastCoreCalls: number | null = null;
  private budget: Budget;
  private readonly rateLimits: RateLimitMirror;
  /** Calls outside the core cycle (session checks, config fetches, insights) in the trailing hour. */
  private readonly nonCore = new CallWindow();
  /** worker_status, loading_phase, last_update and collector_stats writes. */
  private readonly report: CycleReporter;

  constructor(private readonly deps: CollectorDeps) {
    const { config } = deps;
    this.now = deps.now ?? Date.now;
    this.log = deps.logger;
    this.limit = pLimit(config.parallelWorkers);
    this.client = new MistClient({
      baseUrl: config.mistHost,
      tokens: config.mistApiTokens,
      rateLimitPerToken: config.apiRateLimitPerToken,
      timeoutMs: config.httpTimeoutMs,
      connections: config.parallelWorkers + 2,
      delayMs: config.apiDelayMs,
      now: this.now,
      logger: this.log,
      onRateLimitChange: () => this.rateLimits.sync(),
      ...deps.client,
    });
    this.session = new Session(this.client, config.mistOrgId ?? null, this.log, this.now);
    this.store = new Store(deps.redis, dataTtlSeconds(config.workerInterval), this.now);
    this.rateLimits = new RateLimitMirror(this.client.pool, this.store, this.log, this.now);
    this.configs = new ConfigCache(config.configRefreshInterval, this.now);
    this.insights = new InsightsScheduler(config.workerInterval, this.now);
    const startedAt = Math.floor(this.now() / 1000);
    this.stats = {
      instance: config.instanceId ?? 'collector',
      started_at: startedAt,
      updated_at: startedAt,
      cycles_total: 0,
      cycle_failures_total: 0,
      last_cycle: null,
      last_success: null,
      phases: {},
      api: {
        calls_total: {},
        rate_limited_total: {},
        errors_total: {},
        retries_total: 0,
        bad_records_total: {},
      },
      tokens: this.client.pool.stats(),
      budget: {
        calls_per_hour: 0,
        share: config.apiBudgetShare,
        used_last_hour: 0,
        insights_calls_per_hour: 0,
      },
      insights: {
        ports_total: 0,
        ports_fresh: 0,
        ports_missing: 0,
        oldest_age_seconds: null,
        refresh_period_seconds: 0,
        refreshed_last_cycle: 0,
      },
    };
    this.budget = this.computeBudget();
    this.report = new CycleReporter({
      store: this.store,
      log: this.log,
      now: this.now,
      stats: this.stats,
      client: this.client,
      rateLimits: this.rateLimits,
      insights: this.insights,
      badRecords: this.badRecords,
      budgetShare: config.apiBudgetShare,
      budget: () => this.budget,
      gateways: () => this.gateways,
    });
  }

  get instance(): string {
    return this.stats.instance;
  }

  /** Reuse what Redis holds (configs, sites, gateways, insight freshness): no API calls. */
  async init(): Promise<void> {
    const s = await this.store.readState();
    this.configs.load(s);
    this.insights.load(s.insightsFreshness);
    this.sites = s.sites;
    this.gateways = s.gateways;
    // Stand-ins for records the first cycle may find unreadable (see carry-over.ts).
    this.prevStatsRows = statsRowsFromStored(s.gateways);
    this.prevPortRows = portRowsFromStored(s.gateways);
    this.prevPeerRows = peerRowsFromStored(await this.store.readPeerEnvelopes());
    this.log.info(
      {
        templates: s.templates.size,
        profiles: s.profiles.size,
        device_configs: s.deviceConfigs.size,
        inventory: s.inventory.size,
        gateways: s.gateways?.length ?? 0,
        peer_paths: this.prevPeerRows.length,
      },
      'loaded cached state from Redis',
    );
  }

  async close(): Promise<void> {
    await this.rateLimits.settled();
    await this.client.close();
  }

  /** Age of the data in Redis (seconds since last_update) when gateways exist, else null. */
  async dataAgeSeconds(): Promise<number | null> {
    const [last, has] = await Promise.all([this.store.readLastUpdate(), this.store.hasGateways()]);
    if (last === null || !has) return null;
    return this.now() / 1000 - last;
  }

  private computeBudget(): Budget {
    const c = this.deps.config;
    return computeBudget({
      tokenLimitPerHour: this.client.pool.totalLimit(),
      share: c.apiBudgetShare,
      coreCallsPerCycle: this.lastCoreCalls ?? 0,
      cycleSeconds: c.workerInterval,
      overheadPerHour: this.client.pool.size,
    });
  }

  publishStats(): Promise<void> {
    return this.report.publishStats();
  }

  // ---------- phases ----------

  private context(signal: AbortSignal, log: Logger): PhaseContext {
    return {
      api: this.client,
      orgId: this.session.orgId as string,
      signal,
      counter: { calls: 0 },
      limit: (fn) => this.limit(fn),
      badRecords: (op, n) => {
        this.badRecords[op] = (this.badRecords[op] ?? 0) + n;
      },
      log,
    };
  }

  /**
   * Run one phase: time it, count its calls, record success or its error (never thrown, except an
   * abort), publish collector_stats. `fn` returns its value, an item count and maybe a partial error.
   */
  private async phase<T>(
    name: CollectorPhase,
    signal: AbortSignal,
    outcome: CycleOutcome,
    fn: (ctx: PhaseContext) => Promise<{ value: T; items: number; error?: string; details?: object }>,
  ): Promise<T | null> {
    const log = this.log.child({ phase: name });
    const ctx = this.context(signal, log);
    const prev = this.stats.phases[name];
    const t0 = this.now();
    this.stats.phases[name] = { ...this.emptyPhase(prev), status: 'running' };
    let value: T | null = null;
    let st: PhaseStats;
    try {
      const r = await fn(ctx);
      value = r.value;
      const seconds = (this.now() - t0) / 1000;
      st = {
        status: r.error ? 'error' : 'ok',
        duration_seconds: seconds,
        last_success: r.error ? (prev?.last_success ?? null) : Math.floor(this.now() / 1000),
        last_error: r.error ?? null,
        items: r.items,
        calls: ctx.counter.calls,
      };
      if (r.error) outcome.errors[name] = r.error;
      const msg = r.error ? 'phase finished with errors' : 'phase done';
      log[r.error ? 'warn' : 'info'](
        {
          items: r.items,
          calls: ctx.counter.calls,
          ms: Math.round(seconds * 1000),
          ...r.details,
          error: r.error,
        },
        msg,
      );
    } catch (e) {
      if (signal.aborted || e instanceof AbortedError) {
        this.stats.phases[name] = { ...this.emptyPhase(prev), status: 'error', last_error: 'abandoned' };
        throw e instanceof AbortedError ? e : new AbortedError();
      }
      const seconds = (this.now() - t0) / 1000;
      const message = errorMessage(e);
      if (e instanceof RateLimitedError) outcome.rateLimitedUntil = e.resetAt;
      if (e instanceof FatalError) throw e;
      st = {
        status: 'error',
        duration_seconds: seconds,
        last_success: prev?.last_success ?? null,
        last_error: message,
        items: 0,
        calls: ctx.counter.calls,
      };
      outcome.errors[name] = message;
      log.error(
        { calls: ctx.counter.calls, ms: Math.round(seconds * 1000), error: message },
        'phase failed; previous data kept',
      );
    }
    if (CORE_PHASES.includes(name) || name === 'configs') outcome.coreCalls += st.calls;
    else outcome.insightsCalls += st.calls;
    if (!CORE_PHASES.includes(name)) this.nonCore.add(st.calls, this.now());
    this.stats.phases[name] = st;
    await this.publishStats();
    return value;
  }

  private emptyPhase(prev?: PhaseStats): PhaseStats {
    return {
      status: 'skipped',
      duration_seconds: 0,
      last_success: prev?.last_success ?? null,
      last_error: null,
      items: 0,
      calls: 0,
    };
  }

  private async skipPhase(name: CollectorPhase, reason: string, outcome: CycleOutcome, isError: boolean) {
    const prev = this.stats.phases[name];
    this.stats.phases[name] = {
      ...this.emptyPhase(prev),
      status: isError ? 'error' : 'skipped',
      last_error: isError ? reason : null,
    };
    if (isError) outcome.errors[name] = reason;
    this.log.info({ phase: name, reason }, 'phase skipped');
  }

  // ---------- the cycle ----------

  async runCycle(signal: AbortSignal): Promise<CycleOutcome> {
    const cfg = this.deps.config;
    const t0 = this.now();
    const outcome: CycleOutcome = {
      ok: false,
      errors: {},
      rateLimitedUntil: null,
      durationSeconds: 0,
      coreSeconds: 0,
      coreCalls: 0,
      insightsCalls: 0,
    };
    this.stats.cycles_total++;
    this.stats.last_cycle = {
      started: Math.floor(t0 / 1000),
      finished: null,
      duration_seconds: null,
      success: null,
      core_calls: 0,
      insights_calls: 0,
    };
    await this.report.cycleStarted(t0);

    const session = { calls: 0 };
    try {
      if (await this.session.ensure(signal, session)) this.budget = this.computeBudget();
    } catch (e) {
      if (e instanceof AbortedError) throw e;
      if (e instanceof FatalError) {
        await this.report.fatal(e.message);
        throw e;
      }
      outcome.errors.session = errorMessage(e);
      if (e instanceof RateLimitedError) outcome.rateLimitedUntil = e.resetAt;
      outcome.coreCalls += session.calls;
      this.nonCore.add(session.calls, this.now());
      return this.finishCycle(outcome, t0, null);
    }
    outcome.coreCalls += session.calls;
    this.nonCore.add(session.calls, this.now());

    const [orgSites, gw] = await Promise.all([
      this.phase('org_sites', signal, outcome, async (ctx) => {
        await this.report.loading('org_sites', { description: 'Loading organization and sites' });
        const r = await fetchOrgSites(ctx);
        await this.store.writeOrgSites(r.org, r.sites);
        this.sites = r.sites;
        return { value: r, items: r.sites.length, details: { sites: r.sites.length } };
      }),
      this.phase('gateways', signal, outcome, async (ctx) => {
        await this.report.loading('gateways', { description: 'Loading gateway list' });
        const r = await fetchGateways(ctx);
        const rows = carryOverRows(r.rows, this.prevStatsRows, r.incomplete, (x) => x.id);
        // First run on an empty Redis: show the gateway list at once, ports follow.
        if (!this.gateways && !(await this.store.hasGateways())) {
          const siteName = new Map((this.sites ?? []).map((s) => [s.id, s.name]));
          await this.store.writeGateways(
            rows.map((s) => buildGateway(s, String(siteName.get(s.site_id ?? '') ?? ''), null)),
            null,
          );
        }
        return {
          value: { rows, complete: !r.incomplete },
          items: rows.length,
          details: { gateways: rows.length, carried_over: rows.length - r.rows.length },
        };
      }),
    ]);

    let insightsRan = false;
    if (gw) {
      this.prevStatsRows = gw.rows;
      const sites = orgSites?.sites ?? this.sites ?? [];
      const configsDone = this.phase('configs', signal, outcome, async (ctx) => {
        const r = await this.configs.refresh(ctx, gw.rows, sites, gw.complete, this.store);
        const f = r.fetched;
        return {
          value: true,
          items: f.templates + f.profiles + f.deviceConfigs + f.inventory,
          error: r.errors.length ? r.errors.join('; ') : undefined,
          details: { fetched: f },
        };
      });
      const portsDone = this.phase('ports', signal, outcome, async (ctx) => {
        await this.report.loading('ports', {
          description: `Loading WAN ports of ${gw.rows.length} gateways`,
          total_gateways: gw.rows.length,
        });
        const [ports] = await Promise.all([fetchWanPortRows(ctx), configsDone]);
        const rows = carryOverRows(
          ports.rows,
          this.prevPortRows,
          ports.incomplete,
          (r) => `${r.mac}/${r.port_id}`,
        );
        const gateways = enrichGateways(gw.rows, groupRowsByGateway(rows, gw.rows), sites, this.configs);
        const complete = gw.complete && !ports.incomplete;
        const members = new Set(gateways.flatMap((g) => g.ports.map((p) => insightMember(g.id, p.port_id))));
        const removed = await this.store.writeGateways(gateways, complete ? members : null);
        this.prevPortRows = rows;
        this.gateways = gateways;
        const total = gateways.reduce((n, g) => n + g.ports.length, 0);
        return {
          value: gateways,
          items: total,
          details: {
            gateways: gateways.length,
            wan_ports: total,
            port_rows: ports.rows.length,
            removed_insight_ports: removed,
          },
        };
      });
      const peersDone = cfg.skipEnrichment
        ? this.skipPhase('vpn_peers', 'SKIP_ENRICHMENT', outcome, false)
        : this.phase('vpn_peers', signal, outcome, async (ctx) => {
            await this.report.loading('vpn_peers', {
              description: 'Loading VPN peer paths',
              total: gw.rows.length,
            });
            const r = await fetchPeerPaths(ctx);
            const rows = carryOverRows(r.rows, this.prevPeerRows, r.incomplete, (p) =>
              [p.mac, p.port_id, p.peer_mac, p.peer_port_id, p.vpn_name].join('/'),
            );
            const envelopes = groupPeerPaths(rows, gw.rows);
            const removed = await this.store.writeVpnPeers(envelopes, gw.complete);
            this.prevPeerRows = rows;
            return {
              value: true,
              items: r.rows.length,
              details: { gateways: envelopes.size, paths: r.rows.length, removed },
            };
          });
      const insightsDone = portsDone.then(async () => {
        insightsRan = true;
        await this.runInsights(signal, outcome);
      });
      const coreDone = Promise.all([configsDone, portsDone, peersDone]).then(() => {
        outcome.coreSeconds = (this.now() - t0) / 1000;
      });
      await Promise.all([coreDone, insightsDone]);
    } else {
      const why = 'not run: the gateways phase failed';
      await this.skipPhase('configs', why, outcome, false);
      await this.skipPhase('ports', why, outcome, true);
      if (!cfg.skipEnrichment) await this.skipPhase('vpn_peers', why, outcome, true);
      outcome.coreSeconds = (this.now() - t0) / 1000;
    }
    // Insights need only a port list: the last good one serves when this cycle's gateways failed.
    if (!insightsRan) await this.runInsights(signal, outcome);
    return this.finishCycle(outcome, t0, gw ? this.gateways : null);
  }

  private async runInsights(signal: AbortSignal, outcome: CycleOutcome): Promise<void> {
    if (this.deps.config.skipEnrichment) return this.skipPhase('insights', 'SKIP_ENRICHMENT', outcome, false);
    const gateways = this.gateways;
    if (!gateways) return this.skipPhase('insights', 'no WAN ports known yet', outcome, false);
    if (outcome.rateLimitedUntil !== null) {
      return this.skipPhase('insights', 'every token is rate limited', outcome, true);
    }
    // Core calls per cycle: this cycle's so far (configs excluded: they are one-off), or the last.
    const core = Math.max(
      this.lastCoreCalls ?? 0,
      outcome.coreCalls - (this.stats.phases.configs?.calls ?? 0),
    );
    this.lastCoreCalls = core;
    this.budget = this.computeBudget();
    const ports = insightPorts(gateways);
    this.insights.prune(ports);
    try {
      const lost = this.insights.forgetMissing(await this.store.insightMembers());
      if (lost > 0) this.log.warn({ series: lost }, 'insight keys missing from Redis; fetching them again');
    } catch (e) {
      this.log.warn({ error: errorMessage(e) }, 'could not read the insights index');
    }
    // Calls made this hour by someone else (a previous process of ours, a restarted or replaced
    // collector), as /self/usage reported them: counted as non-core, so a restart within the hour
    // does not spend the hour's insights share a second time.
    const ownLastHour = this.client.usedLastHour();
    const foreign = Math.max(0, this.client.pool.requestsThisWindow() - ownLastHour);
    const plan = this.insights.plan(ports, this.budget, {
      lastHour: ownLastHour + foreign,
      nonCoreLastHour: this.nonCore.lastHour(this.now()) + foreign,
      coreReserve: core,
    });
    await this.phase('insights', signal, outcome, async (ctx) => {
      await this.report.loading('insights', {
        description: `Insights 0/${plan.length}`,
        progress: 0,
        total: plan.length,
      });
      const r = await this.insights.run(ctx, ports, plan, this.store, (done, total) =>
        this.report.loading('insights', { description: `Insights ${done}/${total}`, progress: done, total }),
      );
      if (r.rateLimited) outcome.rateLimitedUntil = r.rateLimited.resetAt;
      const error = r.rateLimited
        ? errorMessage(r.rateLimited)
        : r.failed > 0
          ? `${r.failed} of ${r.planned} series failed, first: ${r.firstError}`
          : undefined;
      return {
        value: true,
        items: r.written,
        error,
        details: {
          planned: r.planned,
          ports: ports.length,
          refresh_period_s: this.insights.basePeriod,
          budget_per_hour: this.budget.insightsPerHour,
        },
      };
    });
  }

  private async finishCycle(
    outcome: CycleOutcome,
    t0: number,
    gateways: Gateway[] | null,
  ): Promise<CycleOutcome> {
    const finished = this.now();
    outcome.durationSeconds = (finished - t0) / 1000;
    const failed = Object.keys(outcome.errors);
    const coreFailed = failed.some((p) => p === 'session' || CORE_PHASES.includes(p as CollectorPhase));
    outcome.ok = failed.length === 0;
    if (outcome.coreCalls > 0 && !outcome.errors.session) {
      // The steady-state core cost, without the one-off config fetches.
      this.lastCoreCalls = outcome.coreCalls - (this.stats.phases.configs?.calls ?? 0);
    }
    this.budget = this.computeBudget();
    this.stats.last_cycle = {
      started: Math.floor(t0 / 1000),
      finished: Math.floor(finished / 1000),
      duration_seconds: outcome.durationSeconds,
      success: outcome.ok,
      core_calls: outcome.coreCalls,
      insights_calls: outcome.insightsCalls,
    };
    if (outcome.ok) this.stats.last_success = Math.floor(finished / 1000);
    else this.stats.cycle_failures_total++;
    await this.report.cycleFinished({
      outcome,
      finished,
      gatewaysCount: (gateways ?? this.gateways ?? []).length,
      coreFailed,
      freshGateways: gateways !== null,
    });
    return outcome;
  }

  /** Written when a scheduled tick is skipped because the data is fresh (contract §1.6 using_cache). */
  reportUsingCache(ageSeconds: number): Promise<void> {
    return this.report.usingCache(ageSeconds);
  }

  /** Written on SIGTERM. */
  reportStopped(interrupted: boolean): Promise<void> {
    return this.report.stopped(interrupted);
  }
}
