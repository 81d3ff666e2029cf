/**
 * The promtool cases of the peer path alerts, per PEER_PATH_METRICS mode (each mode's rules judge
 * what that mode publishes), and of the recording rules.
 */
import { LABELS, METRICS, type PeerPathMode } from '#common/metrics/index.js';
import { ALERT_CONFIG as C } from './config.js';
import { RECORDED } from './recording.js';
import type { AlertCase } from './rule-tests.js';
import {
  enabled,
  GW,
  GW_ID,
  HUB1,
  type InputSeries,
  type Labels,
  PATH1,
  PATH2,
  PEER1,
  PORT1,
  PORT2,
  PORT3,
  pathUp,
  series,
  shortOutage,
  up,
} from './test-org.js';

const M = METRICS;
const L = LABELS;

/** A path down one state poll less than the alert's `for`: per path, and as per-gateway counts. */
const PATH_BLIP = shortOutage(C.vpnPeerPathDown.for);
const COUNT_BLIP = shortOutage(C.vpnPeerPathDown.for, '3', '4');

/** Path state alerts on per-path series (paths and peers modes). */
const PATH_STATE: AlertCase[] = [
  {
    name: 'path down for longer than for: fires',
    alert: 'VpnPeerPathDown',
    input: [pathUp(PATH1, '1 1 0x15')],
    at: '10m',
    fires: [{ labels: PATH1, value: 0 }],
  },
  {
    name: 'path down one state poll less than for: pending, quiet',
    alert: 'VpnPeerPathDown',
    input: [pathUp(PATH1, PATH_BLIP.values)],
    at: PATH_BLIP.at,
    fires: [],
  },
  {
    name: 'both paths to hub-1 down: fires with the number of paths',
    alert: 'HubAllPathsDown',
    input: [pathUp(PATH1, '1 0x15'), pathUp(PATH2, '1 0x15')],
    at: '10m',
    fires: [{ labels: HUB1, value: 2 }],
  },
  {
    name: 'one path to hub-1 still up: quiet',
    alert: 'HubAllPathsDown',
    input: [pathUp(PATH1, '1 0x15'), pathUp(PATH2, '1x16')],
    at: '10m',
    fires: [],
  },
];

/** Quality figures of one path (paths mode) or of one gateway x hub's worst up path (peers mode). */
function quality(mode: 'paths' | 'peers', o: { latency: string; loss: string; mos: string; up?: string }) {
  if (mode === 'peers') {
    return [
      series(M.peerWorstLatency, PEER1, o.latency),
      series(M.peerWorstLoss, PEER1, o.loss),
      series(M.peerWorstMos, PEER1, o.mos),
    ];
  }
  return [
    pathUp(PATH1, o.up ?? '1x30'),
    series(M.peerPathLatency, PATH1, o.latency),
    series(M.peerPathLoss, PATH1, o.loss),
    series(M.peerPathMos, PATH1, o.mos),
  ];
}

function degraded(mode: 'paths' | 'peers'): AlertCase[] {
  const at = mode === 'peers' ? PEER1 : PATH1;
  const q = (o: Parameters<typeof quality>[1]) => quality(mode, o);
  const cases: AlertCase[] = [
    {
      name: 'latency 150 ms for 20 minutes: fires (reason latency)',
      alert: 'VpnPeerPathDegraded',
      input: q({ latency: '0.15x30', loss: '0x30', mos: '4.4x30' }),
      at: '20m',
      fires: [{ labels: { ...at, reason: 'latency' }, value: 150 }],
    },
    {
      name: 'loss 7 % and MOS 3.2: fires once per reason',
      alert: 'VpnPeerPathDegraded',
      input: q({ latency: '0.02x30', loss: '0.07x30', mos: '3.2x30' }),
      at: '20m',
      fires: [
        { labels: { ...at, reason: 'loss' }, value: 0.07 * 100 },
        { labels: { ...at, reason: 'mos' }, value: 3.2 },
      ],
    },
    {
      name: 'values in the yellow band (80 ms, 2 %, MOS 3.8): quiet',
      alert: 'VpnPeerPathDegraded',
      input: q({ latency: '0.08x30', loss: '0.02x30', mos: '3.8x30' }),
      at: '20m',
      fires: [],
    },
    {
      name: 'latency spike of 5 minutes, shorter than for: quiet',
      alert: 'VpnPeerPathDegraded',
      input: q({ latency: '0.02x10 0.3x4 0.02x15', loss: '0x30', mos: '4.4x30' }),
      at: '20m',
      fires: [],
    },
  ];
  if (mode === 'paths') {
    // In peers mode the exporter leaves down paths out of the worst figures (its own tests).
    cases.push({
      name: 'a down path reporting bad quality (VpnPeerPathDown covers it): quiet',
      alert: 'VpnPeerPathDegraded',
      input: q({ latency: '0.3x30', loss: '1x30', mos: '1x30', up: '0x30' }),
      at: '20m',
      fires: [],
    });
  }
  return cases;
}

/** Path counts per gateway (off mode). */
const counts = (paths: string, upNow: string): InputSeries[] => [
  series(M.gatewayPeerPaths, GW, paths),
  series(M.gatewayPeerPathsUp, GW, upNow),
];

const OFF: AlertCase[] = [
  {
    name: 'one of four paths down for longer than for: fires with the number down',
    alert: 'VpnPeerPathDown',
    input: counts('4x15', '4 4 3x13'),
    at: '10m',
    fires: [{ labels: GW, value: 1 }],
  },
  {
    name: 'a path down one state poll less than for: pending, quiet',
    alert: 'VpnPeerPathDown',
    input: counts('4x17', COUNT_BLIP.values),
    at: COUNT_BLIP.at,
    fires: [],
  },
  {
    name: 'no path of the gateway up: fires with the number of paths',
    alert: 'HubAllPathsDown',
    input: counts('2x15', '2 0x14'),
    at: '10m',
    fires: [{ labels: GW, value: 2 }],
  },
  {
    name: 'one path still up: quiet',
    alert: 'HubAllPathsDown',
    input: counts('2x15', '1x15'),
    at: '10m',
    fires: [],
  },
  {
    name: 'a gateway without VPN paths: quiet',
    alert: 'HubAllPathsDown',
    input: counts('0x15', '0x15'),
    at: '10m',
    fires: [],
  },
];

export function peerAlertCases(mode: PeerPathMode): AlertCase[] {
  return mode === 'off' ? OFF : [...PATH_STATE, ...degraded(mode)];
}

export interface RecordingCase {
  name: string;
  input: InputSeries[];
  expect: Array<{ record: string; labels: Labels; value: number }>;
}

/** One input for every recording rule of `mode`, and what each must give. */
export function recordingCases(mode: PeerPathMode): RecordingCase[] {
  const site = { [L.site]: GW[L.site] };
  const hub = { ...site, [L.peerRouter]: 'hub-1' };
  const ports = [
    up(PORT1, '0x3'),
    up(PORT2, '0x3'),
    up(PORT3, '1x3'),
    enabled(PORT1, '1x3'),
    enabled(PORT2, '0x3'),
    enabled(PORT3, '1x3'),
  ];
  const wan: RecordingCase = {
    name: 'circuits and ports: a disabled port that is down is no circuit down',
    input: ports,
    expect: [
      { record: RECORDED.gatewayCircuitsDown, labels: GW_ID, value: 1 },
      { record: RECORDED.siteCircuits, labels: site, value: 2 },
      { record: RECORDED.sitePorts, labels: site, value: 3 },
      { record: RECORDED.sitePortsUp, labels: site, value: 1 },
    ],
  };
  if (mode === 'off') {
    return [
      wan,
      {
        name: 'paths from the per-gateway counts',
        input: counts('4x3', '3x3'),
        expect: [
          { record: RECORDED.gatewayPathsDown, labels: GW_ID, value: 1 },
          { record: RECORDED.sitePaths, labels: site, value: 4 },
        ],
      },
    ];
  }
  return [
    wan,
    {
      name: 'paths, one of two down',
      input: [pathUp(PATH1, '0x3'), pathUp(PATH2, '1x3')],
      expect: [
        { record: RECORDED.gatewayPathsDown, labels: GW_ID, value: 1 },
        { record: RECORDED.sitePaths, labels: site, value: 2 },
        { record: RECORDED.hubPaths, labels: hub, value: 2 },
        { record: RECORDED.hubPathsUp, labels: hub, value: 1 },
        { record: RECORDED.hubGateways, labels: hub, value: 1 },
      ],
    },
  ];
}
