/**
 * WAN port families: state, speed, rates and byte counters per gateway x port, with identity labels
 * only; WAN name and type, ISP, addresses, config type, override and description go to one `_info`
 * series per port.
 */
import { FAMILIES as F, type Family, LABELS, WAN_PORT_INFO_LABELS } from '#common/metrics/index.js';
import { type Json, portObjects } from '../parse.js';
import { type ExpositionWriter, extendLabelSet, finite, flag, type Sample, text } from './exposition.js';
import { type GatewayIdentity, gatewaySeries } from './identity.js';

const PORT = [LABELS.port];

interface PortRow {
  labels: string;
  port: Json;
  /** The port's name (its `port` label). */
  name: string;
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
  const all: PortRow[] = [];
  for (const { gw, id } of gateways) {
    for (const port of portObjects(gw)) {
      const name = text(port.name) || text(port.port_id);
      if (name) all.push({ labels: gatewaySeries(id, PORT, [name]), port, name });
    }
  }
  const rows = w.distinct(all, (r) => r.labels);
  // The info labels are rendered when the family is, not held for every port meanwhile.
  function* info(): Iterable<Sample> {
    for (const { labels, port, name } of rows) {
      yield [
        extendLabelSet(labels, WAN_PORT_INFO_LABELS, [
          text(port.wan_name),
          text(port.wan_type),
          isp(port),
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
      ];
    }
  }
  const family = (def: Family, value: (p: Json) => number | null) =>
    w.family(def, samples(rows, value), true);
  family(F.wanPortUp, (p) => flag(p.up));
  family(F.wanPortEnabled, (p) => (p.enabled === false ? 0 : 1));
  family(F.wanPortSpeed, (p) => mbpsToBytes(p.speed));
  family(F.wanPortRxRate, (p) => bpsToBytes(p.rx_bps));
  family(F.wanPortTxRate, (p) => bpsToBytes(p.tx_bps));
  family(F.wanPortRxBytes, (p) => finite(p.rx_bytes));
  family(F.wanPortTxBytes, (p) => finite(p.tx_bytes));
  w.family(F.wanPortInfo, info(), true);
}
