import { describe, expect, it } from 'vitest';
import { dataFamiliesFor, PEER_PATH_MODES, RUNTIME_FAMILY_LIST } from '#common/metrics/index.js';
import { RECORDED, recordingRules } from './alerts/recording.js';
import { PROMETHEUS_SERIES, UIDS } from './common.js';
import { queriesOf, variableQueryAsPromQL } from './inspect.js';
import { metricNamesIn } from './promql.js';
import { DASHBOARDS, renderAll, sortKeys } from './render.js';

describe('sortKeys', () => {
  it('sorts object keys recursively, keeps array order, drops undefined', () => {
    const out = sortKeys({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined } });
    expect(JSON.stringify(out)).toBe('{"a":{"d":[{"y":2,"z":1}]},"b":1}');
  });
});

describe('renderAll', () => {
  it('is deterministic', () => {
    expect([...renderAll()]).toEqual([...renderAll()]);
  });

  it('each mode gives its own rules and dashboards', () => {
    const [paths, peers, off] = PEER_PATH_MODES.map((m) => renderAll(m));
    for (const other of [paths, off]) {
      expect([...other.keys()]).toEqual([...peers.keys()]);
      expect(other).not.toEqual(peers);
    }
  });

  it('produces one dashboard per builder with its fixed uid and unique panel ids', () => {
    const uids = new Set<string>(Object.values(UIDS));
    for (const [name, build] of Object.entries(DASHBOARDS)) {
      const d = build('peers');
      expect(uids.has(d.uid as string), `${name} uid ${d.uid}`).toBe(true);
      const ids: number[] = [];
      const walk = (ps: Array<{ id?: number; panels?: unknown[] }> = []) => {
        for (const p of ps) {
          ids.push(p.id as number);
          walk(p.panels as Array<{ id?: number }>);
        }
      };
      walk(d.panels as Array<{ id?: number }>);
      expect(new Set(ids).size, name).toBe(ids.length);
      expect(
        ids.every((i) => Number.isInteger(i) && i > 0),
        name,
      ).toBe(true);
    }
  });

  it('queries read only the metric names of common/src/metrics their mode publishes (and Prometheus scrape series, recorded series)', () => {
    for (const mode of PEER_PATH_MODES) {
      const recorded = new Set(recordingRules(mode).map((r) => r.record));
      const known = new Set<string>([
        ...[...dataFamiliesFor(mode), ...RUNTIME_FAMILY_LIST].map((f) => f.name),
        ...Object.values(PROMETHEUS_SERIES),
        ...Object.values(RECORDED).filter((n) => recorded.has(n)),
      ]);
      for (const build of Object.values(DASHBOARDS)) {
        for (const q of queriesOf(build(mode) as never)) {
          for (const name of metricNamesIn(q.expr)) {
            expect(
              known.has(name),
              `${mode} ${q.dashboard} / ${q.source}: unknown ${name} in ${q.expr}`,
            ).toBe(true);
          }
          expect(
            metricNamesIn(q.expr).length,
            `${q.dashboard} / ${q.source} reads no metric`,
          ).toBeGreaterThan(0);
        }
      }
    }
  });
});

describe('variableQueryAsPromQL', () => {
  it('turns label_values into a group by', () => {
    expect(variableQueryAsPromQL('label_values(m{a="b"}, site)')).toBe('group by (site) (m{a="b"})');
    expect(() => variableQueryAsPromQL('query_result(x)')).toThrow(/unsupported/);
  });
});
