/** The phase runner: ordering by needs/after/joins, skips, subsets, aborts, and graph checks. */
import { describe, expect, it } from 'vitest';
import type { Logger } from '#common/log.js';
import { AbortedError, RateLimitedError } from '../mist/errors.js';
import { type PhaseEnd, PhaseGraph, type RunHooks } from './graph.js';
import type { Phase, PhaseContext, PhaseKind, PhaseName, PhaseReport, Skip } from './types.js';

const silent = { child: () => silent, info() {}, warn() {}, error() {} } as unknown as Logger;
/** Let every pending promise callback run (no timers involved). */
const flush = () => new Promise<void>((r) => setImmediate(r));

function gate() {
  let open!: () => void;
  const p = new Promise<void>((r) => {
    open = r;
  });
  return { p, open };
}

interface Spec {
  kind?: PhaseKind;
  needs?: PhaseName[];
  after?: PhaseName[];
  joins?: PhaseName[];
  skip?: Phase['skip'];
  run?: (ctx: PhaseContext) => Promise<PhaseReport>;
}

function rig(specs: Partial<Record<PhaseName, Spec>>) {
  const events: string[] = [];
  const ends = new Map<PhaseName, PhaseEnd>();
  const skips = new Map<PhaseName, Skip>();
  const phases: Phase[] = Object.entries(specs).map(([name, s]) => ({
    name: name as PhaseName,
    kind: s.kind ?? 'core',
    needs: s.needs,
    after: s.after,
    joins: s.joins,
    skip: s.skip,
    run: async (ctx) => {
      events.push(`start ${name}`);
      const r = s.run ? await s.run(ctx) : { items: 1 };
      events.push(`end ${name}`);
      return r;
    },
  }));
  const hooks: RunHooks = {
    context: (_p, base) => ({
      ...base,
      api: { get: () => Promise.reject(new Error('no API here')) },
      orgId: 'org',
      limit: (fn) => fn(),
      badRecords: () => {},
      progress: async () => {},
    }),
    started: () => {},
    ended: async (p, end) => {
      ends.set(p.name, end);
    },
    skipped: (p, skip) => {
      skips.set(p.name, skip);
      events.push(`skip ${p.name}`);
    },
    abandoned: (p) => {
      events.push(`abandon ${p.name}`);
    },
  };
  const graph = new PhaseGraph(phases);
  const run = (only?: PhaseName[], signal = new AbortController().signal) =>
    graph.run({ signal, log: silent, now: Date.now, hooks, only });
  return { graph, run, events, ends, skips };
}

describe('PhaseGraph.run', () => {
  it('starts each phase as soon as its dependencies allow; a join runs alongside', async () => {
    const g = { org: gate(), gw: gate(), configs: gate(), ports: gate() };
    const r = rig({
      org_sites: { run: () => g.org.p.then(() => ({ items: 1 })) },
      gateways: { run: () => g.gw.p.then(() => ({ items: 1 })) },
      configs: {
        kind: 'one-off',
        needs: ['gateways'],
        after: ['org_sites'],
        run: () => g.configs.p.then(() => ({ items: 1 })),
      },
      ports: {
        needs: ['gateways'],
        after: ['org_sites'],
        joins: ['configs'],
        run: async (ctx) => {
          r.events.push('ports fetched');
          await ctx.settled('configs');
          await g.ports.p;
          return { items: 1 };
        },
      },
      vpn_peers: { needs: ['gateways'] },
      insights: { kind: 'insights', after: ['ports'] },
    });
    const done = r.run();
    await flush();
    expect(r.events).toEqual(['start org_sites', 'start gateways']);
    g.gw.open();
    await flush();
    // vpn_peers needs only gateways; configs and ports also wait for org_sites.
    expect(r.events).toEqual([
      'start org_sites',
      'start gateways',
      'end gateways',
      'start vpn_peers',
      'end vpn_peers',
    ]);
    g.org.open();
    await flush();
    expect(r.events.slice(5)).toEqual(['end org_sites', 'start configs', 'start ports', 'ports fetched']);
    g.ports.open();
    await flush();
    expect(r.events).not.toContain('end ports');
    g.configs.open();
    const result = await done;
    expect(r.events.slice(9)).toEqual(['end configs', 'end ports', 'start insights', 'end insights']);
    expect([...result.status]).toEqual([
      ['gateways', 'ok'],
      ['vpn_peers', 'ok'],
      ['org_sites', 'ok'],
      ['configs', 'ok'],
      ['ports', 'ok'],
      ['insights', 'ok'],
    ]);
    expect(result.errors).toEqual({});
    expect(result.doneAt.core).toBeGreaterThanOrEqual(result.doneAt['one-off'] ?? 0);
  });

  it('a failed need skips the phase (an error for a core phase); `after` phases still run', async () => {
    const r = rig({
      gateways: {
        run: async () => {
          throw new Error('listOrgDevicesStats: HTTP 503');
        },
      },
      configs: { kind: 'one-off', needs: ['gateways'] },
      ports: { needs: ['gateways'] },
      insights: { kind: 'insights', after: ['ports'] },
    });
    const result = await r.run();
    expect(result.errors).toEqual({
      gateways: 'listOrgDevicesStats: HTTP 503',
      ports: 'not run: the gateways phase failed',
    });
    expect(r.skips.get('configs')).toEqual({ reason: 'not run: the gateways phase failed', error: false });
    expect(result.status.get('ports')).toBe('skipped');
    expect(r.ends.get('gateways')).toMatchObject({
      status: 'error',
      items: 0,
      error: 'listOrgDevicesStats: HTTP 503',
    });
    expect(r.events).toContain('end insights');
  });

  it('a partial job is an error: phases that need it are skipped, phases after it run', async () => {
    const r = rig({
      configs: { kind: 'one-off', run: async () => ({ items: 3, error: 'templates: HTTP 500' }) },
      ports: { needs: ['configs'] },
      insights: { kind: 'insights', after: ['configs'] },
    });
    const result = await r.run();
    expect(result.errors).toEqual({
      configs: 'templates: HTTP 500',
      ports: 'not run: the configs phase failed',
    });
    expect(r.ends.get('configs')).toMatchObject({ status: 'error', items: 3 });
    expect(r.events).toContain('end insights');
  });

  it('runs a subset: dependencies outside it count as done', async () => {
    const r = rig({
      org_sites: {},
      gateways: {},
      configs: { kind: 'one-off', needs: ['gateways'], after: ['org_sites'] },
      ports: {
        needs: ['gateways'],
        after: ['org_sites'],
        joins: ['configs'],
        run: async (ctx) => {
          await ctx.settled('configs');
          return { items: 1 };
        },
      },
      vpn_peers: { needs: ['gateways'] },
      insights: { kind: 'insights', after: ['ports'] },
    });
    const result = await r.run(['gateways', 'ports', 'vpn_peers']);
    expect([...result.status.keys()].sort()).toEqual(['gateways', 'ports', 'vpn_peers']);
    expect(r.events.filter((e) => e.startsWith('start'))).toEqual([
      'start gateways',
      'start ports',
      'start vpn_peers',
    ]);
    expect(result.doneAt.insights).toBeUndefined();
  });

  it('a rate limit found by one phase is seen by the skip rule of a later one', async () => {
    const r = rig({
      ports: {
        run: async () => {
          throw new RateLimitedError('searchOrgSwOrGwPorts', 1_000_000, 1);
        },
      },
      insights: {
        kind: 'insights',
        after: ['ports'],
        skip: (run) =>
          run.rateLimitedUntil !== null ? { reason: 'every token is rate limited', error: true } : null,
      },
    });
    const result = await r.run();
    expect(result.rateLimitedUntil).toBe(1_000_000);
    expect(result.errors.insights).toBe('every token is rate limited');
    expect(r.events).not.toContain('start insights');
  });

  it('an abort ends the run: the phase is abandoned, its dependents never start', async () => {
    const ac = new AbortController();
    const r = rig({
      org_sites: {},
      gateways: {
        run: async () => {
          ac.abort();
          throw new AbortedError();
        },
      },
      ports: { needs: ['gateways'], after: ['org_sites'] },
    });
    await expect(r.run(undefined, ac.signal)).rejects.toBeInstanceOf(AbortedError);
    await flush();
    expect(r.events).toContain('abandon gateways');
    expect(r.events.some((e) => e.endsWith(' ports'))).toBe(false);
  });

  it('a phase may wait only for the joins it declared', async () => {
    const r = rig({
      configs: { kind: 'one-off' },
      ports: {
        run: async (ctx) => {
          await ctx.settled('configs');
          return { items: 1 };
        },
      },
    });
    const result = await r.run();
    expect(result.errors.ports).toBe('phase ports waits for configs, which is not in its joins');
  });
});

describe('PhaseGraph', () => {
  const p = (name: PhaseName, deps: Partial<Pick<Phase, 'needs' | 'after' | 'joins'>> = {}): Phase => ({
    name,
    kind: 'core',
    ...deps,
    run: async () => ({ items: 0 }),
  });

  it('refuses unknown dependencies, cycles and duplicates', () => {
    expect(() => new PhaseGraph([p('ports', { needs: ['gateways'] })])).toThrow(
      'phase ports depends on unknown phase gateways',
    );
    expect(
      () => new PhaseGraph([p('gateways', { after: ['ports'] }), p('ports', { joins: ['gateways'] })]),
    ).toThrow('phase dependency cycle: gateways -> ports -> gateways');
    expect(() => new PhaseGraph([p('ports'), p('ports')])).toThrow('phase ports is defined twice');
  });

  it('refuses to run a phase it does not have', async () => {
    const graph = new PhaseGraph([p('gateways')]);
    const hooks = {} as RunHooks;
    await expect(
      graph.run({ signal: new AbortController().signal, log: silent, now: Date.now, hooks, only: ['ports'] }),
    ).rejects.toThrow('unknown phase ports');
  });
});
