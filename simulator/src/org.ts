/**
 * The synthetic org: built deterministically from (seed, shape), then changed only through the
 * functions below (the control API calls them). Ports are derived from the effective port_config
 * (device profile or template, with device-level overrides), so a config change moves the ports too.
 */
import {
  BROADBAND_ISPS,
  CITIES,
  HA_SLOTS,
  hubProfileConfig,
  ipv4,
  LTE_ISPS,
  SPOKE_SLOTS,
  type SpokeVariant,
  spokeTemplateConfig,
  VERSIONS,
  type WanSlot,
} from './catalog.js';
import type {
  SimConfigObject,
  SimGateway,
  SimOrg,
  SimPath,
  SimPathEnd,
  SimPort,
  SimSite,
  WanKind,
} from './model.js';
import {
  expandPortKey,
  type GatewayPortConfig,
  mergePortConfig,
  type PortConfigMap,
  patchPortConfig,
} from './port-config.js';
import { deviceIdFromMac, hash32, hex, Rng, unit, uuidFrom } from './rng.js';
import type { ResolvedShape } from './shapes.js';
import { markDown, markUp } from './traffic.js';

export class SimInputError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const DAY = 86400;

interface SiteLayout {
  k: number;
  variant: SpokeVariant;
}

interface SpokeFlags {
  ha: boolean;
  tplOverride: boolean;
  disconnected: boolean;
  staticInet2: boolean;
  disablePort: boolean;
  descOverride: boolean;
  portDown: boolean;
}

export interface BuildOptions {
  shape: ResolvedShape;
  seed: number;
  orgId?: string;
  now: number;
}

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

function spokeTemplateId(seed: number, k: number, variant: SpokeVariant): string {
  return uuidFrom('gatewaytemplate', seed, k, variant);
}

function haTemplateId(seed: number, k: number): string {
  return uuidFrom('gatewaytemplate', seed, k, 'ha');
}

function siteLayout(org: SimOrg, site: SimSite): SiteLayout {
  const r = new Rng(hash32(`site-layout|${org.seed}|${site.seq}`));
  const [min, max] = org.shape.wanPorts;
  return { k: r.int(min, max), variant: r.chance(0.5) ? 'lte' : 'mpls' };
}

export function buildOrg(opts: BuildOptions): SimOrg {
  const { shape, seed, now } = opts;
  const created = 1_600_000_000 + Math.floor(unit(seed, 'created') * 5e7);
  const org: SimOrg = {
    id: opts.orgId ?? uuidFrom('org', seed),
    name: `Simulated Org ${seed}`,
    seed,
    shape,
    created_time: created,
    modified_time: created + 86400,
    sites: [],
    templates: [],
    profiles: [],
    gateways: [],
    paths: [],
    siteById: new Map(),
    templateById: new Map(),
    profileById: new Map(),
    gatewayById: new Map(),
    gatewayByMac: new Map(),
    pathsByMac: new Map(),
    nextGatewayIndex: 0,
    nextPortSeq: 1,
    nextPathSeq: 1,
  };

  // Templates: for each WAN count, an LTE-backup and an MPLS variant, plus an HA-cluster one.
  for (let k = shape.wanPorts[0]; k <= shape.wanPorts[1]; k++) {
    for (const variant of ['lte', 'mpls'] as const) {
      addConfigObject(org.templates, org.templateById, {
        id: spokeTemplateId(seed, k, variant),
        name: `branch-${k}wan-${variant}`,
        port_config: spokeTemplateConfig(
          SPOKE_SLOTS[variant],
          k,
          variant === 'lte' ? 'ge-0/0/6-7' : 'ge-0/0/6',
        ),
        created_time: created + 1000 + k * 10,
        modified_time: created + 5000 + k * 10 + (variant === 'lte' ? 1 : 2),
      });
    }
    addConfigObject(org.templates, org.templateById, {
      id: haTemplateId(seed, k),
      name: `branch-ha-${k}wan`,
      port_config: spokeTemplateConfig(HA_SLOTS, k, 'ge-0/0/6,ge-1/0/6'),
      created_time: created + 2000 + k * 10,
      modified_time: created + 6000 + k * 10,
    });
  }

  // Sites: the first `hubs` are data centres; about 5% of branches have no template (standalone).
  const siteRng = new Rng(hash32(`sites|${seed}`));
  for (let i = 0; i < shape.sites; i++) {
    const city = CITIES[i % CITIES.length];
    const dc = i < shape.hubs;
    const site: SimSite = {
      seq: i,
      id: uuidFrom('site', seed, i),
      name: dc ? `DC${i + 1} ${city.name}` : `Branch ${pad(i + 1, 4)} ${city.name}`,
      gatewaytemplate_id: null,
      city: city.name,
      region_code: city.region,
      timezone: city.tz,
      address: `${100 + (i % 900)} Main St, ${city.name}, ${city.region}`,
      lat: Math.round((city.lat + siteRng.float(-0.2, 0.2)) * 1e6) / 1e6,
      lng: Math.round((city.lng + siteRng.float(-0.2, 0.2)) * 1e6) / 1e6,
      created_time: created + 10_000 + i * 60,
      modified_time: created + 20_000 + i * 60,
    };
    org.sites.push(site);
    org.siteById.set(site.id, site);
    const layout = siteLayout(org, site);
    const standalone = !dc && siteRng.chance(0.05);
    site.gatewaytemplate_id = standalone ? null : spokeTemplateId(seed, layout.k, layout.variant);
  }
  const branches = org.sites.filter((s) => s.seq >= shape.hubs);
  if (branches.length >= 4 && !branches.some((s) => s.gatewaytemplate_id === null)) {
    branches[branches.length - 1].gatewaytemplate_id = null;
  }

  // Spoke flags first, so that "at least one of each" can be guaranteed on small orgs.
  const flags: SpokeFlags[] = [];
  for (let g = shape.hubs; g < shape.gateways; g++) {
    const r = new Rng(hash32(`spoke-flags|${seed}|${g}`));
    flags.push({
      ha: r.chance(shape.haShare),
      tplOverride: r.chance(0.05),
      disconnected: r.chance(shape.disconnectedShare),
      staticInet2: r.chance(0.3),
      disablePort: r.chance(0.02),
      descOverride: r.chance(0.1),
      portDown: r.chance(shape.portsDownShare),
    });
  }
  const ensure = (key: keyof SpokeFlags, share: number, at: number) => {
    if (share > 0 && flags.length > at && !flags.some((f) => f[key])) flags[at][key] = true;
  };
  ensure('ha', shape.haShare, 1);
  ensure('tplOverride', 0.05, 2);
  ensure('disconnected', shape.disconnectedShare, 3);
  ensure('staticInet2', 0.3, 4);
  ensure('disablePort', 0.02, 5);
  ensure('portDown', shape.portsDownShare, 6);
  ensure('descOverride', 0.1, 7);
  for (const f of flags) if (f.ha) f.tplOverride = false;

  for (let g = 0; g < shape.gateways; g++) {
    const site = org.sites[g % org.sites.length];
    if (g < shape.hubs) createHub(org, g, site, now);
    else createSpoke(org, g, site, flags[g - shape.hubs], now);
  }
  org.nextGatewayIndex = shape.gateways;

  for (const gw of org.gateways) if (!gw.hub) connectSpoke(org, gw, now);
  if (shape.pathsDownShare > 0 && org.paths.length > 0 && !org.paths.some((p) => !p.up)) {
    org.paths[Math.floor(org.paths.length / 3)].up = false;
  }
  return org;
}

function addConfigObject(list: SimConfigObject[], map: Map<string, SimConfigObject>, o: SimConfigObject) {
  list.push(o);
  map.set(o.id, o);
}

function macSuffix(org: SimOrg, index: number): string {
  return hex((hash32(`mac|${org.seed}`) + index) & 0xffffff, 6);
}

function newGatewayBase(org: SimOrg, index: number, site: SimSite, r: Rng, now: number): SimGateway {
  const mac = `d0dd49${macSuffix(org, index)}`;
  const created = org.created_time + 30_000 + index * 37;
  return {
    index,
    id: deviceIdFromMac(mac),
    mac,
    name: '',
    site_id: site.id,
    model: 'SRX300',
    serial: `CW${pad(hash32(`serial|${org.seed}|${index}`) % 1e10, 10)}`,
    version: r.pick(VERSIONS),
    hub: false,
    ha: false,
    node1_mac: null,
    deviceprofile_id: null,
    gatewaytemplate_id: null,
    port_config: {},
    created_time: created,
    modified_time: created + r.int(3600, 200 * DAY),
    boot_time: now - r.int(3600, 90 * DAY),
    status: 'connected',
    status_since: 0,
    offline: [],
    ports: [],
  };
}

function register(org: SimOrg, gw: SimGateway) {
  org.gateways.push(gw);
  org.gatewayById.set(gw.id, gw);
  org.gatewayByMac.set(gw.mac, gw);
}

function createHub(org: SimOrg, index: number, site: SimSite, now: number): SimGateway {
  const r = new Rng(hash32(`gw|${org.seed}|${index}`));
  const hubNo = org.gateways.filter((g) => g.hub).length;
  const gw = newGatewayBase(org, index, site, r, now);
  gw.hub = true;
  gw.model = 'SRX1500';
  gw.name = `hub-dc${hubNo + 1}`;
  gw.boot_time = now - r.int(30 * DAY, 200 * DAY);
  gw.status_since = gw.boot_time;
  const profile: SimConfigObject = {
    id: uuidFrom('deviceprofile', org.seed, index),
    name: `hub-dc${hubNo + 1}`,
    port_config: hubProfileConfig(hubNo, org.shape.wanPorts[1]),
    created_time: org.created_time + 3000 + index,
    modified_time: org.created_time + 7000 + index,
  };
  addConfigObject(org.profiles, org.profileById, profile);
  gw.deviceprofile_id = profile.id;
  register(org, gw);
  applyConfig(org, gw, now, true);
  return gw;
}

function staticIp(base: number, v: number, prefix: number) {
  const ip = ipv4(base + v);
  const gateway = ipv4(base + v - 1);
  return { ip, netmask: `/${prefix}`, gateway };
}

function createSpoke(org: SimOrg, index: number, site: SimSite, f: SpokeFlags, now: number): SimGateway {
  const r = new Rng(hash32(`gw|${org.seed}|${index}`));
  const gw = newGatewayBase(org, index, site, r, now);
  const layout = siteLayout(org, site);
  const k = layout.k;
  let slots: WanSlot[] = SPOKE_SLOTS[layout.variant];
  const siteNo = pad(site.seq + 1, 4);
  gw.name = `br${siteNo}-gw${Math.floor(index / org.sites.length) + 1}`;
  if (f.ha) {
    gw.ha = true;
    gw.name = `br${siteNo}-ha${Math.floor(index / org.sites.length) + 1}`;
    gw.node1_mac = `ec3873${macSuffix(org, index)}`;
    gw.gatewaytemplate_id = haTemplateId(org.seed, k);
    slots = HA_SLOTS;
  } else if (f.tplOverride) {
    const other: SpokeVariant = layout.variant === 'lte' ? 'mpls' : 'lte';
    gw.gatewaytemplate_id = spokeTemplateId(org.seed, k, other);
    slots = SPOKE_SLOTS[other];
  }
  const used = slots.slice(0, k);
  gw.model = gw.ha ? 'SRX300' : used.some((s) => s.kind === 'LTE') ? 'SRX320' : 'SRX300';

  // Device-level overrides: MPLS is always static per device, INET2 sometimes, a disabled circuit.
  const pc: PortConfigMap = {};
  const mpls = used.find((s) => s.kind === 'MPLS');
  if (mpls)
    pc[mpls.key] = {
      usage: 'wan',
      ip_config: { type: 'static', ...staticIp(0xac100000, index * 4 + 2, 30) },
    };
  const inet2 = used.find((s) => s.name === 'INET2');
  if (inet2 && f.staticInet2) {
    pc[inet2.key] = {
      usage: 'wan',
      ip_config: { type: 'static', ...staticIp(0xc6120000, index * 8 + 2, 29) },
    };
  }
  if (f.disablePort && used.length >= 2) {
    const last = used[used.length - 1];
    pc[last.key] = { ...(pc[last.key] ?? {}), usage: 'wan', disabled: true };
  }
  if (f.descOverride) {
    pc[used[0].key] = { ...(pc[used[0].key] ?? {}), usage: 'wan', description: `Circuit ${hex(index, 6)}` };
  }
  const templateId = gw.gatewaytemplate_id ?? site.gatewaytemplate_id;
  if (templateId === null) {
    // Standalone gateway: no template anywhere, the device carries its whole port_config.
    const tpl = org.templateById.get(spokeTemplateId(org.seed, k, layout.variant));
    gw.port_config = mergePortConfig(tpl?.port_config ?? {}, pc);
  } else {
    gw.port_config = pc;
  }

  if (f.disconnected) {
    gw.status = 'disconnected';
    gw.status_since = Math.max(gw.boot_time + 60, now - r.int(600, 3 * DAY));
    gw.offline.push([gw.status_since, null]);
  } else {
    gw.status_since = gw.boot_time;
  }
  register(org, gw);
  applyConfig(org, gw, now, true);
  if (f.portDown) {
    const wan = gw.ports.filter((p) => p.usage === 'wan' && !p.disabled);
    const p = wan[wan.length - 1];
    if (p) {
      p.up = false;
      p.last_flapped = Math.max(gw.boot_time, now - r.int(300, DAY));
      markDown(p.down, p.last_flapped);
    }
  }
  return gw;
}

/** The port_config the gateway runs: profile (hubs) or template, with device overrides on top. */
export function effectivePortConfig(org: SimOrg, gw: SimGateway): PortConfigMap {
  return mergePortConfig(baseConfig(org, gw)?.port_config ?? {}, gw.port_config);
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
  const merged = effectivePortConfig(org, gw);
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
      port.description = cfg.description ?? '';
      port.wan_type = cfg.wan_type ?? 'broadband';
      const ipc = cfg.ip_config ?? {};
      port.cfgType = ipc.type ?? 'dhcp';
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
    );
  }
}

function kindMatch(spoke: WanKind, hub: WanKind): boolean {
  return spoke === 'MPLS' ? hub === 'MPLS' : hub === 'INET';
}

function wanPortsOf(gw: SimGateway): SimPort[] {
  return gw.ports.filter((p) => p.usage === 'wan' && !p.disabled);
}

function addPath(
  org: SimOrg,
  spoke: SimGateway,
  sp: SimPort,
  hub: SimGateway,
  hp: SimPort,
  rank: number,
  now: number,
) {
  const r = new Rng(hash32(`path|${org.seed}|${spoke.mac}|${sp.port_id}|${hub.mac}|${hp.port_id}`));
  const s = org.shape;
  const base = sp.kind === 'LTE' ? r.float(40, 110) : sp.kind === 'MPLS' ? r.float(5, 30) : r.float(10, 60);
  const path: SimPath = {
    seq: org.nextPathSeq++,
    spoke: { mac: spoke.mac, port_id: sp.port_id },
    hub: { mac: hub.mac, port_id: hp.port_id },
    up: !r.chance(s.pathsDownShare),
    up_since: Math.max(spoke.boot_time, now - r.int(60, 30 * DAY)),
    rank,
    quality: !r.chance(s.pathsWithoutQualityShare),
    vpn_name: null,
    hop_count: null,
    latency: base,
    jitter: r.float(0.5, sp.kind === 'LTE' ? 15 : 6),
    loss: r.chance(0.7) ? 0 : r.float(0, 3),
    mtu: sp.kind === 'LTE' ? 1360 : 1400,
  };
  if (!r.chance(0.05)) {
    path.vpn_name = `${hub.name.toUpperCase()}-${hp.wan_name || hp.port_id}`;
    path.hop_count = 1;
  }
  org.paths.push(path);
  for (const mac of [spoke.mac, hub.mac]) {
    const list = org.pathsByMac.get(mac);
    if (list) list.push(path);
    else org.pathsByMac.set(mac, [path]);
  }
}

/** Paths from each spoke WAN port to matching hub WAN ports, spread over the hubs. */
function connectSpoke(org: SimOrg, gw: SimGateway, now: number) {
  const hubs = org.gateways.filter((h) => h.hub);
  if (hubs.length === 0) return;
  wanPortsOf(gw).forEach((sp, j) => {
    const cands: Array<{ hub: SimGateway; port: SimPort; key: [number, number, number] }> = [];
    hubs.forEach((_, hi) => {
      const hub = hubs[(gw.index + j + hi) % hubs.length];
      const wan = wanPortsOf(hub);
      const matching = wan.filter((p) => kindMatch(sp.kind, p.kind));
      const pool = matching.length > 0 ? matching : wan;
      pool.forEach((_, pi) => {
        const port = pool[(pi + gw.index + j) % pool.length];
        cands.push({ hub, port, key: [matching.length > 0 ? 0 : 1, pi, hi] });
      });
    });
    cands.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.key[2] - b.key[2]);
    cands.slice(0, org.shape.pathsPerSpokePort).forEach((c, rank) => {
      addPath(org, gw, sp, c.hub, c.port, rank, now);
    });
  });
}

export function removePaths(org: SimOrg, drop: (p: SimPath) => boolean): number {
  const before = org.paths.length;
  org.paths = org.paths.filter((p) => !drop(p));
  if (org.paths.length === before) return 0;
  org.pathsByMac.clear();
  for (const p of org.paths) {
    for (const mac of [p.spoke.mac, p.hub.mac]) {
      const list = org.pathsByMac.get(mac);
      if (list) list.push(p);
      else org.pathsByMac.set(mac, [p]);
    }
  }
  return before - org.paths.length;
}

// ---------- state queries ----------

export function findPort(gw: SimGateway, portId: string): SimPort | undefined {
  return gw.ports.find((p) => p.port_id === portId);
}

/** A port passes traffic when its link is up, it is not disabled and its gateway is connected. */
export function portRunning(gw: SimGateway, port: SimPort): boolean {
  return gw.status === 'connected' && port.up && !port.disabled;
}

function endRunning(org: SimOrg, end: SimPathEnd): boolean {
  const gw = org.gatewayByMac.get(end.mac);
  const port = gw && findPort(gw, end.port_id);
  return !!gw && !!port && port.usage === 'wan' && portRunning(gw, port);
}

export function pathUp(org: SimOrg, path: SimPath): boolean {
  return path.up && endRunning(org, path.spoke) && endRunning(org, path.hub);
}

// ---------- mutations (control API) ----------

export function gatewayByRef(org: SimOrg, ref: { gateway_id?: unknown; mac?: unknown }): SimGateway {
  if (typeof ref.gateway_id === 'string') {
    const gw = org.gatewayById.get(ref.gateway_id);
    if (!gw) throw new SimInputError(`no gateway with id ${ref.gateway_id}`, 404);
    return gw;
  }
  if (typeof ref.mac === 'string') {
    const gw = org.gatewayByMac.get(ref.mac.toLowerCase());
    if (!gw) throw new SimInputError(`no gateway with mac ${ref.mac}`, 404);
    return gw;
  }
  throw new SimInputError('give "gateway_id" or "mac" (a string)');
}

export function setGatewayStatus(gw: SimGateway, status: 'connected' | 'disconnected', now: number): void {
  if (gw.status === status) return;
  gw.status = status;
  gw.status_since = now;
  if (status === 'disconnected') markDown(gw.offline, now);
  else markUp(gw.offline, now);
}

export function setPortUp(port: SimPort, up: boolean, now: number): void {
  if (port.up === up) return;
  port.up = up;
  port.last_flapped = now;
  if (port.disabled) return;
  if (up) markUp(port.down, now);
  else markDown(port.down, now);
}

export function setPathsUp(
  org: SimOrg,
  sel: { mac: string; port_id?: string; peer_mac?: string },
  up: boolean,
  now: number,
): number {
  const mac = sel.mac.toLowerCase();
  const peer = sel.peer_mac?.toLowerCase();
  let n = 0;
  for (const p of org.pathsByMac.get(mac) ?? []) {
    const [local, remote] = p.spoke.mac === mac ? [p.spoke, p.hub] : [p.hub, p.spoke];
    if (sel.port_id !== undefined && local.port_id !== sel.port_id) continue;
    if (peer !== undefined && remote.mac !== peer) continue;
    if (p.up !== up) {
      p.up = up;
      p.up_since = now;
    }
    n++;
  }
  return n;
}

function bumpModified(prev: number, now: number): number {
  return Math.max(Math.floor(now), Math.floor(prev) + 1);
}

/** /__sim/config: patch a template, profile or device port_config and bump its modified_time. */
export function patchConfig(
  org: SimOrg,
  kind: 'template' | 'profile' | 'device',
  id: string,
  patch: Record<string, Record<string, unknown> | null>,
  now: number,
): { modified_time: number; gateways: number } {
  let affected: SimGateway[];
  let modified: number;
  if (kind === 'device') {
    const gw = org.gatewayById.get(id) ?? org.gatewayByMac.get(id.toLowerCase());
    if (!gw) throw new SimInputError(`no gateway with id ${id}`, 404);
    gw.port_config = patchPortConfig(gw.port_config, patch);
    gw.modified_time = bumpModified(gw.modified_time, now);
    modified = gw.modified_time;
    affected = [gw];
  } else {
    const obj = (kind === 'template' ? org.templateById : org.profileById).get(id);
    if (!obj) throw new SimInputError(`no ${kind} with id ${id}`, 404);
    obj.port_config = patchPortConfig(obj.port_config, patch);
    obj.modified_time = bumpModified(obj.modified_time, now);
    modified = obj.modified_time;
    affected = org.gateways.filter((g) => baseConfig(org, g) === obj);
  }
  for (const gw of affected) applyConfig(org, gw, now);
  return { modified_time: modified, gateways: affected.length };
}

/** /__sim/gateways: a new connected gateway (spoke by default) with its ports and peer paths. */
export function addGateway(org: SimOrg, req: { site_id?: string; hub?: boolean }, now: number): SimGateway {
  const index = org.nextGatewayIndex++;
  const site = req.site_id ? org.siteById.get(req.site_id) : org.sites[index % org.sites.length];
  if (!site) throw new SimInputError(`no site with id ${req.site_id}`, 404);
  if (req.hub) {
    const hub = createHub(org, index, site, now);
    // Every spoke WAN port builds one path to the new hub's first matching WAN port.
    for (const spoke of org.gateways) {
      if (spoke.hub) continue;
      for (const sp of wanPortsOf(spoke)) {
        const hp = wanPortsOf(hub).find((p) => kindMatch(sp.kind, p.kind));
        const rank = (org.pathsByMac.get(spoke.mac) ?? []).filter(
          (p) => p.spoke.port_id === sp.port_id,
        ).length;
        if (hp) addPath(org, spoke, sp, hub, hp, rank, now);
      }
    }
    return hub;
  }
  const r = new Rng(hash32(`spoke-flags|${org.seed}|${index}`));
  const gw = createSpoke(
    org,
    index,
    site,
    {
      ha: r.chance(org.shape.haShare),
      tplOverride: false,
      disconnected: false,
      staticInet2: r.chance(0.3),
      disablePort: false,
      descOverride: false,
      portDown: false,
    },
    now,
  );
  gw.created_time = Math.floor(now);
  gw.modified_time = Math.floor(now);
  gw.boot_time = now - 300;
  gw.status_since = gw.boot_time;
  for (const p of gw.ports) p.last_flapped = gw.boot_time;
  connectSpoke(org, gw, now);
  for (const p of org.pathsByMac.get(gw.mac) ?? []) p.up_since = now;
  return gw;
}

export function removeGateway(org: SimOrg, id: string): SimGateway {
  const gw = org.gatewayById.get(id) ?? org.gatewayByMac.get(id.toLowerCase());
  if (!gw) throw new SimInputError(`no gateway with id ${id}`, 404);
  org.gateways = org.gateways.filter((g) => g !== gw);
  org.gatewayById.delete(gw.id);
  org.gatewayByMac.delete(gw.mac);
  removePaths(org, (p) => p.spoke.mac === gw.mac || p.hub.mac === gw.mac);
  org.pathsByMac.delete(gw.mac);
  return gw;
}
