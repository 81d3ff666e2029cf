/** Webhook bodies to observations: topics, types, device identity, timestamps, path selectors. */
import { describe, expect, it } from 'vitest';
import { type MappedEvent, mapEvent, normalMac, parseBody } from './events.js';

const NOW = 1_767_000_000;
const mapped = (e: Record<string, unknown>): MappedEvent => {
  const r = mapEvent(e, NOW);
  if (!('event' in r)) throw new Error(`not mapped: ${r.reason}`);
  return r.event;
};

describe('parseBody', () => {
  it('needs {topic, events[]}; events of topics not used are ignored', () => {
    expect(parseBody([], NOW)).toMatch(/JSON object/);
    expect(parseBody({ events: [] }, NOW)).toMatch(/topic/);
    expect(parseBody({ topic: 'device-events', events: {} }, NOW)).toMatch(/events list/);
    const audits = parseBody({ topic: 'audits', events: [{ type: 'GW_PORT_DOWN' }] }, NOW);
    expect(audits).toEqual({ topic: 'audits', events: [{ outcome: 'ignored', reason: 'topic audits' }] });
    // The spec's own example spells the topic with an underscore.
    const ex = parseBody(
      {
        topic: 'device_events',
        events: [{ type: 'GW_PORT_DOWN', mac: 'aabbccddeeff', port_id: 'x', timestamp: 1 }],
      },
      NOW,
    );
    expect(typeof ex !== 'string' && 'event' in ex.events[0]).toBe(true);
  });
});

describe('mapEvent', () => {
  it('maps the used types to a kind and a state; other types are ignored', () => {
    const base = { mac: 'aabbccddeeff', timestamp: NOW - 1, port_id: 'ge-0/0/1' };
    expect(mapped({ ...base, type: 'GW_PORT_DOWN' })).toMatchObject({
      kind: 'port',
      up: false,
      portId: 'ge-0/0/1',
    });
    expect(mapped({ ...base, type: 'gw_port_up' })).toMatchObject({
      kind: 'port',
      up: true,
      type: 'GW_PORT_UP',
    });
    expect(mapped({ ...base, type: 'GW_DISCONNECTED' })).toMatchObject({ kind: 'gateway', up: false });
    expect(mapped({ ...base, type: 'GW_TUNNEL_UP' })).toMatchObject({ kind: 'path', up: true });
    expect(mapped({ ...base, type: 'GW_VPN_PEER_DOWN' })).toMatchObject({ kind: 'peer', up: false });
    expect(mapEvent({ ...base, type: 'AP_DISCONNECTED' }, NOW)).toMatchObject({ outcome: 'ignored' });
  });

  it('identifies the device by mac, else ap, in any usual spelling', () => {
    expect(
      mapped({ type: 'GW_CONNECTED', mac: 'AA:BB:CC:DD:EE:FF', ap: '001122334455', timestamp: 1 }).mac,
    ).toBe('aabbccddeeff');
    expect(mapped({ type: 'GW_CONNECTED', ap: '00-11-22-33-44-55', timestamp: 1 }).mac).toBe('001122334455');
    expect(mapEvent({ type: 'GW_CONNECTED', mac: 'nope', timestamp: 1 }, NOW)).toMatchObject({
      outcome: 'invalid',
    });
    expect(normalMac('aabb.ccdd.eeff')).toBe('aabbccddeeff');
  });

  it('reads float epoch timestamps (milliseconds too); a future one counts as observed on receipt', () => {
    expect(mapped({ type: 'GW_CONNECTED', mac: 'aabbccddeeff', timestamp: NOW - 0.25 })).toMatchObject({
      timestamp: NOW - 0.25,
      t: NOW - 0.25,
    });
    expect(mapped({ type: 'GW_CONNECTED', mac: 'aabbccddeeff', timestamp: (NOW - 2) * 1000 }).t).toBe(
      NOW - 2,
    );
    expect(mapped({ type: 'GW_CONNECTED', mac: 'aabbccddeeff', timestamp: NOW + 600 })).toMatchObject({
      timestamp: NOW + 600,
      t: NOW,
    });
    for (const timestamp of [undefined, 0, -1, 'soon', null]) {
      expect(mapEvent({ type: 'GW_CONNECTED', mac: 'aabbccddeeff', timestamp }, NOW)).toMatchObject({
        outcome: 'invalid',
      });
    }
  });

  it('a port event needs a port_id; a path event takes what names a path, fields or text list', () => {
    expect(mapEvent({ type: 'GW_PORT_DOWN', mac: 'aabbccddeeff', timestamp: 1 }, NOW)).toMatchObject({
      outcome: 'invalid',
    });
    const e = mapped({
      type: 'GW_VPN_PATH_DOWN',
      mac: 'aabbccddeeff',
      timestamp: 1,
      port_id: 'ge-0/0/0',
      peer_mac: 'AA:00:00:00:00:01',
      text: 'peer path [SSR-HUB-01, 10.3.128.34 ,SSR-SPOKE-02-A,ADSL,0] down',
    });
    expect(e.path).toEqual({
      portId: 'ge-0/0/0',
      peerMac: 'aa0000000001',
      textItems: ['SSR-HUB-01', '10.3.128.34', 'SSR-SPOKE-02-A', 'ADSL', '0'],
    });
  });
});
