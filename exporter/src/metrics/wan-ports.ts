/**
 * WAN port families: state, speed, rates and byte counters per gateway x port, with identity labels
 * only; addresses, config type, override and description go to one `_info` series per port.
 */
import { FAMILIES as F } from '#common/metrics/index.js';
import { type Json, portObjects } from '../parse.js';
import {
  type ExpositionWriter,
  extendLabelSet,
  finite,
  flag,
  labelSet,
  type Sample,
  text,
} from './exposition.js';
import type { GatewayIdentity } from './identity.js';

interface PortRow {
  labels: string;
  port: Json;
}

/** The ISP of a WAN port: Mist's `servp_info.org`. */
export function isp(port: Json): string {
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

// Bytes are promtool's base unit; Mist reports speed in Mbps and rates in bits per second.
const mbpsToBytes = (v: unknown) => {
  const n = finite(v);
  return n === null ? null : (n * 1e6) / 8;
};
const bpsToBytes = (v: unknown) => {
  const n = finite(v);
  return n === null ? null : n / 8;
};

export function writeWanPorts(
  gateways: ReadonlyArray<{ gw: Json; id: GatewayIdentity }>,
  w: ExpositionWriter,
): void {
  const rows: PortRow[] = [];
  const info: Sample[] = [];
  for (const { gw, id } of gateways) {
    for (const port of portObjects(gw)) {
      const name = text(port.name) || text(port.port_id);
      if (!name) continue;
      const labels = labelSet(F.wanPortUp.labels, [
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
        extendLabelSet(labels, F.wanPortInfo.labels.slice(F.wanPortUp.labels.length), [
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
  w.family(
    F.wanPortUp,
    samples(rows, (p) => flag(p.up)),
  )
    .family(
      F.wanPortEnabled,
      samples(rows, (p) => (p.enabled === false ? 0 : 1)),
    )
    .family(
      F.wanPortSpeed,
      samples(rows, (p) => mbpsToBytes(p.speed)),
    )
    .family(
      F.wanPortRxRate,
      samples(rows, (p) => bpsToBytes(p.rx_bps)),
    )
    .family(
      F.wanPortTxRate,
      samples(rows, (p) => bpsToBytes(p.tx_bps)),
    )
    .family(
      F.wanPortRxBytes,
      samples(rows, (p) => finite(p.rx_bytes)),
    )
    .family(
      F.wanPortTxBytes,
      samples(rows, (p) => finite(p.tx_bytes)),
    )
    .family(F.wanPortInfo, info);
}
