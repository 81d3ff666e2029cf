/** The family definitions follow the naming conventions promtool and the dashboards rely on. */
import { describe, expect, it } from 'vitest';
import { DATA_FAMILY_LIST, FAMILIES, LABELS, METRICS, RUNTIME_FAMILY_LIST } from './index.js';
import { GATEWAY_INFO_LABELS, WAN_PORT_INFO_LABELS } from './labels.js';

const ALL = [...DATA_FAMILY_LIST, ...RUNTIME_FAMILY_LIST];
const UNIT_SUFFIX = /_(seconds|bytes|ratio|bytes_per_second)(_total)?$/;

describe('metric family definitions', () => {
  it('names are unique, data families start with mist_, runtime ones do not', () => {
    expect(new Set(ALL.map((f) => f.name)).size).toBe(ALL.length);
    for (const f of DATA_FAMILY_LIST) expect(f.name).toMatch(/^mist_[a-z_]+$/);
    for (const f of RUNTIME_FAMILY_LIST) expect(f.name).toMatch(/^(process|nodejs)_[a-z0-9_]+$/);
    expect(Object.values(METRICS)).toEqual(ALL.map((f) => f.name));
  });
  it('_total only on counters, and every counter ends in _total', () => {
    for (const f of ALL) expect(f.name.endsWith('_total'), f.name).toBe(f.type === 'counter');
  });
  it('a name ends with its unit (before _total), and only then with a unit', () => {
    for (const f of ALL) {
      if (f.unit) expect(f.name, f.name).toMatch(new RegExp(`_${f.unit}(_total)?$`));
      else expect(f.name, f.name).not.toMatch(UNIT_SUFFIX);
    }
  });
  it('data families use the shared label names, each once; help is one sentence', () => {
    const known = new Set<string>(Object.values(LABELS));
    for (const f of DATA_FAMILY_LIST) {
      expect(
        f.labels.filter((l) => !known.has(l)),
        f.name,
      ).toEqual([]);
      expect(new Set(f.labels).size, f.name).toBe(f.labels.length);
      expect(f.help, f.name).toMatch(/^[A-Z0-9].*\.$/);
      expect(f.help, f.name).not.toMatch(/\n/);
    }
  });
  it('descriptive labels (names of things aside) are on _info series only', () => {
    // Not descriptive elsewhere: `org_id` identifies the org series, `status` is a counter's outcome,
    // `version` the build's.
    const generic = new Set<string>([LABELS.orgId, LABELS.status, LABELS.version]);
    const descriptive = [...WAN_PORT_INFO_LABELS, ...GATEWAY_INFO_LABELS].filter((l) => !generic.has(l));
    const offenders = DATA_FAMILY_LIST.filter((f) => !f.name.endsWith('_info')).flatMap((f) =>
      f.labels.filter((l) => (descriptive as string[]).includes(l)).map((l) => `${f.name}{${l}}`),
    );
    expect(offenders).toEqual([]);
  });
  it('an _info family extends the labels of its value series (the writers append to those)', () => {
    const { wanPortInfo, wanPortUp, gatewayInfo, gatewayConnected } = FAMILIES;
    expect(wanPortInfo.labels.slice(0, wanPortUp.labels.length)).toEqual([...wanPortUp.labels]);
    expect(gatewayInfo.labels.slice(0, gatewayConnected.labels.length)).toEqual([...gatewayConnected.labels]);
  });
});
