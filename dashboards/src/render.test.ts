import { describe, expect, it } from 'vitest';
import { METRICS } from '#common/metrics/index.js';
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

  it('produces one dashboard per builder with its fixed uid and unique panel ids', () => {
    const uids = new Set<string>(Object.values(UIDS));
    for (const [name, build] of Object.entries(DASHBOARDS)) {
      const d = build();
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

  it('queries read only metric names of common/src/metrics (and Prometheus scrape series)', () => {
    const known = new Set<string>([...Object.values(METRICS), ...Object.values(PROMETHEUS_SERIES)]);
    for (const build of Object.values(DASHBOARDS)) {
      for (const q of queriesOf(build() as never)) {
        for (const name of metricNamesIn(q.expr)) {
          expect(known.has(name), `${q.dashboard} / ${q.source}: unknown metric ${name} in ${q.expr}`).toBe(
            true,
          );
        }
        expect(metricNamesIn(q.expr).length, `${q.dashboard} / ${q.source} reads no metric`).toBeGreaterThan(
          0,
        );
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
