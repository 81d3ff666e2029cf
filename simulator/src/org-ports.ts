/**
 * A gateway's ports, derived from its effective port_config (device profile or template, with the
 * device-level overrides on top), so that a config change moves the ports too.
 */
import { BROADBAND_ISPS, CITIES, ipv4, LTE_ISPS } from './catalog.js';
import type { SimConfigObject, SimGateway, SimOrg, SimPort, WanKind } from './model.js';
import { removePaths } from './org-paths.js';
import {
  expandPortKey,
  fillVariables,
  type GatewayPortConfig,
  mergePortConfig,
  type PortConfigMap,
} from './port-config.js';
import { hash32, hex, Rng } from './rng.js';
import { markDown, markUp } from './traffic.js';

const DAY = 86400;

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

/** The variables a gateway's configs are filled with: org's, then its site's, then its own. */
export function gatewayVars(org: SimOrg, gw: SimGateway): Record<string, string> {
  return { ...org.vars, ...(org.siteById.get(gw.site_id)?.vars ?? {}), ...gw.vars };
}

/**
 * The port_config the gateway runs: profile (hubs) or template, with device overrides on top,
 * variables filled; also its base and device parts, filled.
 */
export function effectivePortConfig(
  org: SimOrg,
  gw: SimGateway,
): { merged: PortConfigMap; base: PortConfigMap; device: PortConfigMap } {
  const vars = gatewayVars(org, gw);
  const base = fillVariables(baseConfig(org, gw)?.port_config ?? {}, vars);
  const device = fillVariables(gw.port_config, vars);
  return { merged: mergePortConfig(base, device), base, device };
}

export function baseConfig(org: SimOrg, gw: SimGateway): SimConfigObject | undefined {
  if (gw.deviceprofile_id) return org.profileById.get(gw.deviceprofile_id);
  const site = org.siteById.get(gw.site_id);
  const tid = gw.gatewaytemplate_id ?? site?.gatewaytemplate_id ?? null;
  return tid ? org.templateById.get(tid) : undefined;
}

function kindOf(cfg: GatewayPortConfig, vlan: number | null): WanKind {
  if (cfg.wan_type === 'lte') return 'LTE';
  if (vlan !== null || (cfg.name ?? '').toUpperCase().startsWith('MPLS')) return 'MPLS';
  return 'INET';
}

function makePort(
  org: SimOrg,
  gw: SimGateway,
  portId: string,
  ordinal: number,
  kind: WanKind,
  usage: 'wan' | 'lan',
  now: number,
): SimPort {
  const r = new Rng(hash32(`port|${org.seed}|${gw.mac}|${portId}`));
  const site = org.siteById.get(gw.site_id);
  const city = CITIES.find((c) => c.name === site?.city) ?? CITIES[0];
  const ispOf = (list: typeof BROADBAND_ISPS) => {
    const isp = r.pick(list);
    return {
      org: isp.org,
      asn: isp.asn,
      city: city.name,
      region_code: city.region,
      country_code: 'US',
      latitude: site?.lat ?? city.lat,
      longitude: site?.lng ?? city.lng,
    };
  };
  const wan = usage === 'wan';
  const v = gw.index * 8 + ordinal + 1;
  const dhcpIp =
    kind === 'LTE' ? ipv4(0x0a800000 + ((gw.index * 4 + 1) & 0x7fffff)) : ipv4(0x64400000 + (v & 0x3fffff));
  const mean = !wan
    ? r.float(2e6, 60e6)
    : gw.hub
      ? r.float(100e6, 800e6)
      : kind === 'LTE'
        ? r.float(0.2e6, 5e6)
        : kind === 'MPLS'
          ? r.float(2e6, 40e6)
          : r.float(5e6, 150e6);
  const down: SimPort['down'] = [];
  return {
    seq: org.nextPortSeq++,
    port_id: portId,
    node: gw.ha && /^(ge|xe)-1\//.test(portId) ? 1 : 0,
    configKey: '',
    usage,
    kind,
    wan_name: '',
    description: '',
    wan_type: 'broadband',
    cfgType: 'dhcp',
    baseType: 'dhcp',
    cfgIp: '',
    cfgNetmask: '',
    cfgGateway: '',
    vlan_id: null,
    disabled: false,
    network_name: '',
    up: true,
    down,
    last_flapped: Math.max(gw.boot_time, now - r.int(3600, 30 * DAY)),
    dhcpIp,
    dhcpPrefix: kind === 'LTE' ? 30 : 24,
    isp: !wan || kind === 'MPLS' ? null : ispOf(kind === 'LTE' ? LTE_ISPS : BROADBAND_ISPS),
    traffic: {
      rxMean: mean,
      txMean: mean * r.float(0.1, 0.4),
      a1: r.float(0.2, 0.5),
      a2: r.float(0.03, 0.1),
      p1: r.float(0, 2 * Math.PI),
      p2: r.float(0, 2 * Math.PI),
    },
    speed: portId.startsWith('xe-') ? 10000 : portId.startsWith('cl-') ? 100 : 1000,
    port_mac: `5c5b35${hex(hash32(`port-mac|${org.seed}|${gw.index}`) + ordinal, 6)}`,
    neighbor_mac: wan ? `a0b1c2${hex(hash32(`nbr|${org.seed}|${gw.mac}|${portId}`), 6)}` : '',
    lte:
      kind === 'LTE'
        ? {
            imsi: `3102600${pad(hash32(`imsi|${gw.mac}`) % 1e8, 8)}`,
            iccid: `8901260${pad(hash32(`iccid|${gw.mac}`) % 1e9, 9)}${pad(gw.index % 1e4, 4)}`,
            imei: `35${pad(hash32(`imei|${gw.mac}`) % 1e9, 9)}${pad(gw.index % 1e4, 4)}`,
          }
        : null,
  };
}

/**
 * Recompute the gateway's ports from its effective port_config, keeping the runtime state of ports
 * that stay. Peer paths of ports that vanished or stopped being WAN are removed.
 */
export function applyConfig(org: SimOrg, gw: SimGateway, now: number, initial = false): void {
  const { merged, base, device } = effectivePortConfig(org, gw);
  const old = new Map(gw.ports.map((p) => [p.port_id, p]));
  const oldWan = gw.ports.filter((p) => p.usage === 'wan').map((p) => p.port_id);
  const ports: SimPort[] = [];
  const seen = new Set<string>();
  let ordinal = 0;
  for (const [key, cfg] of Object.entries(merged)) {
    if (cfg.usage !== 'wan' && cfg.usage !== 'lan') continue;
    for (const e of expandPortKey(key)) {
      if (seen.has(e.port_id)) continue;
      seen.add(e.port_id);
      const vlanRaw = e.unit ?? (cfg.vlan_id === undefined ? null : Number(cfg.vlan_id));
      const vlan = vlanRaw !== null && Number.isInteger(vlanRaw) ? vlanRaw : null;
      const kind = kindOf(cfg, vlan);
      const existing = old.get(e.port_id);
      const port = existing ?? makePort(org, gw, e.port_id, ordinal, kind, cfg.usage, now);
      ordinal++;
      const wasDisabled = existing ? existing.disabled : false;
      port.configKey = key;
      port.usage = cfg.usage;
      port.kind = kind;
      port.wan_name = cfg.usage === 'wan' ? (cfg.name ?? '') : '';
      port.description = (cfg.description ?? '').trim();
      port.wan_type = cfg.wan_type ?? 'broadband';
      const ipc = cfg.ip_config ?? {};
      port.cfgType = ipc.type ?? 'dhcp';
      port.baseType = (base[key] ?? device[key] ?? cfg).ip_config?.type ?? 'dhcp';
      port.cfgIp = typeof ipc.ip === 'string' ? ipc.ip : '';
      port.cfgNetmask = typeof ipc.netmask === 'string' ? ipc.netmask : '';
      port.cfgGateway = typeof ipc.gateway === 'string' ? ipc.gateway : '';
      port.vlan_id = vlan;
      port.disabled = cfg.disabled === true;
      port.network_name = cfg.usage === 'lan' ? (cfg.networks?.[0] ?? '') : '';
      if (port.disabled && !wasDisabled) markDown(port.down, existing && !initial ? now : gw.boot_time);
      if (!port.disabled && wasDisabled && port.up) markUp(port.down, now);
      ports.push(port);
    }
  }
  gw.ports = ports;
  // WAN ports that vanished or stopped being WAN take their peer paths with them.
  const gone = new Set(oldWan.filter((id) => gw.ports.find((p) => p.port_id === id)?.usage !== 'wan'));
  if (gone.size > 0) {
    removePaths(
      org,
      (p) =>
        (p.spoke.mac === gw.mac && gone.has(p.spoke.port_id)) ||
        (p.hub.mac === gw.mac && gone.has(p.hub.port_id)),
      initial ? undefined : now,
    );
  }
}
