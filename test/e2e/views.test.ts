import { describe, expect, it } from 'vitest';
import type { OrgTruth } from '#simulator/index.js';
import { parseMetrics } from '../exporter/parse-metrics.js';
import { apiView, diffViews, metricsView, truthView, viewSize } from './views.js';

const GW = '00000000-0000-0000-1000-aabbccddeeff';
const MAC = 'aabbccddeeff';

const truth = {
  org_id: 'o',
  org_name: 'org',
  sites: [],
  templates: [],
  profiles: [],
  gateways: [
    {
      id: GW,
      mac: MAC,
      name: 'gw',
      site_id: 's',
      status: 'connected',
      hub: false,
      ports: [
        { port_id: 'ge-0/0/0', usage: 'wan', up: true, disabled: false },
        { port_id: 'ge-0/0/1', usage: 'wan', up: false, disabled: true },
        { port_id: 'ge-0/0/6', usage: 'lan', up: true, disabled: false },
      ],
    },
  ],
  peer_paths: [
    {
      mac: MAC,
      port_id: 'ge-0/0/0',
      peer_mac: 'h',
      peer_router_name: 'hub',
      peer_port_id: 'ge-0/0/0',
      up: true,
      vpn_name: null,
    },
    {
      mac: MAC,
      port_id: 'ge-0/0/0',
      peer_mac: 'h',
      peer_router_name: 'hub',
      peer_port_id: 'ge-0/0/1',
      up: false,
      vpn_name: 'V2',
    },
  ],
} as unknown as OrgTruth;

const api = () => ({
  gateways: [
    {
      id: GW,
      status: 'connected',
      ports: [
        { port_id: 'ge-0/0/0', up: true, enabled: true },
        { port_id: 'ge-0/0/1', up: false, enabled: false },
      ],
    },
  ],
  peers: {
    [`${GW}-${MAC}`]: {
      peers_by_port: {
        'ge-0/0/0': [
          { peer_router_name: 'hub', peer_port_id: 'ge-0/0/0', vpn_name: '', up: true },
          { peer_router_name: 'hub', peer_port_id: 'ge-0/0/1', vpn_name: 'V2', up: false },
        ],
      },
    },
  },
});

const metrics = (portUp = 1) =>
  parseMetrics(
    [
      `mist_gateway_connected{gateway_id="${GW}"} 1`,
      `mist_wan_port_up{gateway_id="${GW}",port="ge-0/0/0"} ${portUp}`,
      `mist_wan_port_up{gateway_id="${GW}",port="ge-0/0/1"} 0`,
      `mist_wan_port_enabled{gateway_id="${GW}",port="ge-0/0/0"} 1`,
      `mist_wan_port_enabled{gateway_id="${GW}",port="ge-0/0/1"} 0`,
      `mist_vpn_peer_path_up{gateway_id="${GW}",port="ge-0/0/0",peer_router="hub",peer_port="ge-0/0/0",vpn_name=""} 1`,
      `mist_vpn_peer_path_up{gateway_id="${GW}",port="ge-0/0/0",peer_router="hub",peer_port="ge-0/0/1",vpn_name="V2"} 0`,
      '',
    ].join('\n'),
  );

describe('org views', () => {
  it('agree when the simulator, the API and /metrics say the same (WAN ports only, null vpn_name as "")', () => {
    const a = api();
    const t = truthView(truth);
    expect(diffViews(t, apiView(a.gateways, a.peers), ['sim', 'api'])).toEqual([]);
    expect(diffViews(t, metricsView(metrics()), ['sim', 'metrics'])).toEqual([]);
    expect(viewSize(t)).toEqual({ gateways: 1, ports: 2, portsDown: 1, paths: 2, pathsDown: 1 });
  });

  it('name every disagreement: a state, a missing port, an extra path', () => {
    const a = api();
    a.gateways[0].ports.pop();
    a.peers[`${GW}-${MAC}`].peers_by_port['ge-0/0/0'].push({
      peer_router_name: 'hub2',
      peer_port_id: 'ge-0/0/0',
      vpn_name: '',
      up: true,
    });
    const t = truthView(truth);
    expect(diffViews(t, apiView(a.gateways, a.peers), ['sim', 'api'])).toEqual([
      `port ${GW}|ge-0/0/1: sim {"up":false,"enabled":false}, api missing`,
      `path ${GW}|ge-0/0/0|hub2|ge-0/0/0|: sim missing, api true`,
    ]);
    expect(diffViews(t, metricsView(metrics(0)), ['sim', 'metrics'])).toEqual([
      `port ${GW}|ge-0/0/0: sim {"up":true,"enabled":true}, metrics {"up":false,"enabled":true}`,
    ]);
  });

  it('refuse a view that lists the same path twice', () => {
    const a = api();
    const list = a.peers[`${GW}-${MAC}`].peers_by_port['ge-0/0/0'];
    list.push({ ...list[0] });
    expect(() => apiView(a.gateways, a.peers)).toThrow(/appears twice/);
  });
});
