import { describe, expect, it } from 'vitest';
import type { ConfigObject, DeviceStatsRow } from '../mist/payloads.js';
import { deviceConfigStaleness, STATS_MODIFIED_TIME } from './configs.js';

const row = (modified_time?: number): DeviceStatsRow => ({ id: 'gw', mac: 'aabbcc000001', modified_time });

describe('device config change detection', () => {
  it("compares the stats row's modified_time with its value at our last fetch, not with the config's own", () => {
    // The stats row's time is not the config's (as in Mist's own example): no re-fetch while it stays.
    const cached: ConfigObject = { id: 'gw', modified_time: 1000, [STATS_MODIFIED_TIME]: 1007 };
    expect(deviceConfigStaleness(row(1007), cached, false)).toBeNull();
    expect(deviceConfigStaleness(row(1007), cached, true)).toBeNull();
    expect(deviceConfigStaleness(row(1100), cached, false)).toBe('changed');
  });
  it('never fetched: new; no time on the row: on the refresh schedule only', () => {
    expect(deviceConfigStaleness(row(5), undefined, false)).toBe('new');
    const cached: ConfigObject = { id: 'gw', modified_time: 1000, [STATS_MODIFIED_TIME]: null };
    expect(deviceConfigStaleness(row(), cached, false)).toBeNull();
    expect(deviceConfigStaleness(row(), cached, true)).toBe('scheduled');
  });
  it('a config cached without the row value: its own modified_time is what there is', () => {
    expect(deviceConfigStaleness(row(1000), { id: 'gw', modified_time: 1000 }, false)).toBeNull();
    expect(deviceConfigStaleness(row(1001), { id: 'gw', modified_time: 1000 }, false)).toBe('changed');
  });
});
