/**
 * The small fake org of the promtool cases: series with exactly the labels the exporter gives them
 * (job and instance added by the scrape), and helpers to write their input.
 */

import { LABELS, METRICS } from '#common/metrics/index.js';
import { durationSeconds } from '../promql.js';
import { ALERT_CONFIG as C } from './config.js';

export type Labels = Record<string, string>;

export interface InputSeries {
  series: string;
  values: string;
}

const M = METRICS;
const L = LABELS;

export function series(metric: string, labels: Labels, values: string): InputSeries {
  const body = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  return { series: `${metric}{${body}}`, values };
}

export const JOB: Labels = { job: C.exporterJob, instance: 'exporter:5000' };
/** A gateway's value series labels. */
export const GW: Labels = { ...JOB, [L.site]: 'Paris', [L.gatewayId]: 'gw-1', [L.gateway]: 'par-gw1' };
/** Gateway-level alert labels: the gateway's identity without job/instance (aggregated away). */
export const GW_ID: Labels = Object.fromEntries(Object.entries(GW).filter(([k]) => !(k in JOB)));
export const MAC = '5c5b35000001';

export const PORT1: Labels = { ...GW, [L.port]: 'ge-0/0/1' };
export const PORT2: Labels = { ...GW, [L.port]: 'ge-0/0/2' };
export const PORT3: Labels = { ...GW, [L.port]: 'ge-0/0/3' };
/** What a port's `_info` series adds that the alerts copy: WAN name and ISP. */
export const PORT_INFO: Record<string, Labels> = {
  [PORT1[L.port]]: { [L.wanName]: 'wan1', [L.wanType]: 'broadband', [L.isp]: 'Orange' },
  [PORT2[L.port]]: { [L.wanName]: 'wan2', [L.wanType]: 'lte', [L.isp]: 'Free' },
};
/** A port's labels as its alerts carry them (WAN name and ISP joined from its info series). */
export const alerted = (port: Labels): Labels => {
  const { wan_type: _, ...info } = PORT_INFO[port[L.port]];
  return { ...port, ...info };
};

export const pathTo = (port: Labels, hub: string): Labels => ({
  ...GW,
  [L.port]: port[L.port],
  [L.peerRouter]: hub,
  [L.peerPort]: 'ge-0/0/0',
  [L.vpnName]: 'corp',
  [L.pathType]: 'ipsec',
});
export const PATH1 = pathTo(PORT1, 'hub-1');
export const PATH2 = pathTo(PORT2, 'hub-1');
/** A gateway x peer router series (PEER_PATH_METRICS=peers). */
export const PEER1: Labels = { ...GW, [L.peerRouter]: 'hub-1' };
export const HUB1: Labels = { ...GW_ID, [L.peerRouter]: 'hub-1' };

export const up = (labels: Labels, values: string) => series(M.wanPortUp, labels, values);
export const enabled = (labels: Labels, values: string) => series(M.wanPortEnabled, labels, values);
/** A port's `_info` series, present for the `samples` intervals the case runs. */
export const portInfo = (port: Labels, values: string) =>
  series(M.wanPortInfo, { ...port, ...PORT_INFO[port[L.port]], [L.ip]: '192.0.2.1' }, values);
export const gatewayInfo = (values: string) =>
  series(M.gatewayInfo, { ...GW, [L.mac]: MAC, [L.model]: 'SRX320' }, values);
export const pathUp = (labels: Labels, values: string) => series(M.peerPathUp, labels, values);
export const exporterUp = (values: string) => series('up', JOB, values);

/**
 * An outage one sample shorter than `forDuration` would need to fire (samples a minute apart): two
 * `upValue` samples, `forDuration`'s minutes of `downValue`, then `upValue` again; `at` is its last
 * down sample, where the alert is pending and must not fire yet (a shorter `for` would fire there).
 */
export function shortOutage(forDuration: string, downValue = '0', upValue = '1') {
  const minutes = durationSeconds(forDuration) / 60;
  if (!Number.isInteger(minutes) || minutes < 1)
    throw new Error(`for ${forDuration}: whole minutes expected`);
  return {
    values: `${upValue} ${upValue} ${`${downValue} `.repeat(minutes)}${upValue}x12`,
    at: `${1 + minutes}m`,
  };
}
