/**
 * WAN port families: state, speed, rates and byte counters per gateway x port, with identity labels
 * only (WAN_PORT_LABELS); addresses, config type, override and description go to one `_info` series
 * per port so that a DHCP renewal does not start new value series.
 */
import { LABELS, METRICS, WAN_PORT_LABELS } from '#common/metric-names.js';
import { type Json, portObjects } from '../data.js';
import type { MetricsContext } from './context.js';
import {
  type ExpositionWriter,
  extendLabelSet,
  finite,
  flag,
  labelSet,
  type Sample,
  text,
} from './exposition.js';

const INFO_LABELS = [
  LABELS.ip,
  LABELS.netmask,
  LABELS.gatewayIp,
  LABELS.configType,
  LABELS.templateType,
  LABELS.override,
  LABELS.vlanId,
  LABELS.description,
] as const;

interface PortRow {
  labels: string;
  port: Json;
}

function isp(port: Json): string {
  const s = port.servp_info;
  return s && typeof s === 'object' ? text((s as Json).org) : '';
}

/** VLAN as the UI shows it: the configured id, else the `.NNN` suffix of a sub-interface name. */
export function vlanOf(port: Json, name: string): string {
  const configured = text(port.vlan_id);
  if (configured) return configured;
  const dot = name.lastIndexOf('.');
  return dot > 0 && /^\d+$/.test(name.slice(dot + 1)) ? name.slice(dot + 1) : '';
}

function* samples(rows: PortRow[], value: (p: Json) => number | null): Iterable<Sample> {
  for (const r of rows) {
    const v = value(r.port);
    if (v !== null) yield [r.labels, v];
  }
}

export function renderWanPorts(ctx: MetricsContext, w: ExpositionWriter): void {
  const rows: PortRow[] = [];
  const info: Sample[] = [];
  for (const { gw, id } of ctx.gateways) {
    for (const port of portObjects(gw)) {
      const name = text(port.name) || text(port.port_id);
      if (!name) continue;
      const labels = labelSet(WAN_PORT_LABELS, [
        id.orgId,
        id.siteId,
        id.site,
        id.gatewayId,
        id.gateway,
        name,
        text(port.wan_name),
        text(port.wan_type),
        isp(port),
      ]);
      rows.push({ labels, port });
      info.push([
        extendLabelSet(labels, INFO_LABELS, [
          text(port.ip),
          text(port.netmask),
          text(port.gateway),
          text(port.type),
          text(port.template_type),
          text(port.override),
          vlanOf(port, name),
          text(port.description),
        ]),
        1,
      ]);
    }
  }
  // Bytes are promtool's base unit; Mist reports speed in Mbps and rates in bits per second.
  const mbpsToBytes = (v: unknown) => {
    const n = finite(v);
    return n === null ? null : (n * 1e6) / 8;
  };
  const bpsToBytes = (v: unknown) => {
    const n = finite(v);
    return n === null ? null : n / 8;
  };
  w.family(
    METRICS.wanPortUp,
    'gauge',
    '1 if the WAN port is physically up (Mist port stats).',
    samples(rows, (p) => flag(p.up)),
  )
    .family(
      METRICS.wanPortEnabled,
      'gauge',
      '1 if the WAN port is enabled in the gateway configuration (not disabled).',
      samples(rows, (p) => (p.enabled === false ? 0 : 1)),
    )
    .family(
      METRICS.wanPortSpeed,
      'gauge',
      'Negotiated link speed of the WAN port in bytes per second (Mist reports Mbps).',
      samples(rows, (p) => mbpsToBytes(p.speed)),
    )
    .family(
      METRICS.wanPortRxRate,
      'gauge',
      'Last known receive rate of the WAN port in bytes per second (Mist rx_bps / 8).',
      samples(rows, (p) => bpsToBytes(p.rx_bps)),
    )
    .family(
      METRICS.wanPortTxRate,
      'gauge',
      'Last known transmit rate of the WAN port in bytes per second (Mist tx_bps / 8).',
      samples(rows, (p) => bpsToBytes(p.tx_bps)),
    )
    .family(
      METRICS.wanPortRxBytes,
      'counter',
      'Bytes received on the WAN port since the gateway last rebooted.',
      samples(rows, (p) => finite(p.rx_bytes)),
    )
    .family(
      METRICS.wanPortTxBytes,
      'counter',
      'Bytes transmitted on the WAN port since the gateway last rebooted.',
      samples(rows, (p) => finite(p.tx_bytes)),
    )
    .family(
      METRICS.wanPortInfo,
      'gauge',
      'Descriptive labels of a WAN port (addresses, config type, override, VLAN, description); always 1.',
      info,
    );
}
