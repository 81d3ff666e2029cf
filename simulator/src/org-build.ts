/**
 * Building the synthetic org, deterministic from (seed, shape): gateway templates, sites, hubs with
 * their device profiles, spokes with device-level overrides, then the peer paths between them.
 * Everything that changes it afterwards is in org-change.ts.
 */
import {
  CITIES,
  HA_SLOTS,
  haTemplateConfig,
  hubProfileConfig,
  hubVars,
  ipv4,
  ORG_VARS,
  SPOKE_SLOTS,
  type SpokeVariant,
  spokeTemplateConfig,
  VERSIONS,
  type WanSlot,
} from './catalog.js';
import type { SimConfigObject, SimGateway, SimOrg, SimSite } from './model.js';
import { connectSpoke } from './org-paths.js';
import { applyConfig } from './org-ports.js';
import { mergePortConfig, type PortConfigMap } from './port-config.js';
import { addDemoIssues, type Profile, profileShape } from './profiles.js';
import { deviceIdFromMac, hash32, hex, Rng, unit, uuidFrom } from './rng.js';
import type { ResolvedShape } from './shapes.js';
import { markDown } from './traffic.js';

const DAY = 86400;

interface SiteLayout {
  k: number;
  variant: SpokeVariant;
}

export interface SpokeFlags {
  ha: boolean;
  /** A Session Smart Router (when the org has an SSR hub to reach). */
  ssr: boolean;
  /** The port search also lists an unconfigured port (`port_usage: ""`). */
  spare: boolean;
  tplOverride: boolean;
  disconnected: boolean;
  staticInet2: boolean;
  disablePort: boolean;
  descOverride: boolean;
  portDown: boolean;
}

export interface BuildOptions {
  shape: ResolvedShape;
  /** Default realistic. */
  profile?: Profile;
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
  const { seed, now } = opts;
  const profile = opts.profile ?? 'realistic';
  const shape = profileShape(opts.shape, profile);
  const created = 1_600_000_000 + Math.floor(unit(seed, 'created') * 5e7);
  const org: SimOrg = {
    id: opts.orgId ?? uuidFrom('org', seed),
    name: `Simulated Org ${seed}`,
    seed,
    shape,
    profile,
    knownIssues: [],
    created_time: created,
    modified_time: created + 86400,
    vars: { ...ORG_VARS },
    sites: [],
    templates: [],
    profiles: [],
    gateways: [],
    paths: [],
    departedRows: [],
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
      port_config: haTemplateConfig(k),
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
      setting_id: uuidFrom('sitesetting', seed, i),
      // A few sites override an inherited variable, so the derived setting shows which one wins.
      vars: {
        SITE_CODE: dc ? `DC${i + 1}` : `BR${pad(i + 1, 4)}`,
        LAN_PREFIX: `10.${(i >> 8) & 255}.${i & 255}.0/24`,
        ...(i % 7 === 3 ? { DNS1: '9.9.9.9' } : {}),
        ...(dc && i % 2 === 0 ? { UPLINK_ID: `UPL-${pad(i + 1, 3)}` } : {}),
      },
      created_time: created + 10_000 + i * 60,
      modified_time: created + 20_000 + i * 60,
      setting_modified_time: created + 20_000 + i * 60,
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
  const ssrHub = hasSsrHub(shape);
  const flags: SpokeFlags[] = [];
  for (let g = shape.hubs; g < shape.gateways; g++) {
    const r = new Rng(hash32(`spoke-flags|${seed}|${g}`));
    const f = {
      ha: r.chance(shape.haShare),
      tplOverride: r.chance(0.05),
      disconnected: r.chance(shape.disconnectedShare),
      staticInet2: r.chance(0.3),
      disablePort: r.chance(0.02),
      descOverride: r.chance(0.1),
      portDown: r.chance(shape.portsDownShare),
    };
    // Drawn last, so the flags above stay those of the same seed without them.
    const ssr = r.chance(0.08);
    flags.push({ ...f, ssr: ssrHub && ssr, spare: r.chance(0.1) });
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
  ensure('spare', 0.1, 9);
  for (const f of flags) {
    if (f.ha) f.tplOverride = false;
    if (f.ha) f.ssr = false;
  }
  if (ssrHub && !flags.some((f) => f.ssr)) {
    const at = flags.findIndex((f, i) => i >= 8 && !f.ha);
    if (at >= 0) flags[at].ssr = true;
  }

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
  if (profile === 'demo') org.knownIssues = addDemoIssues(org, now);
  return org;
}

/** The last hub is a Session Smart Router when there are two or more: SSR spokes reach it over SVR. */
export function hasSsrHub(shape: ResolvedShape): boolean {
  return shape.hubs >= 2;
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
    ssr: false,
    ha: false,
    node1_mac: null,
    deviceprofile_id: null,
    gatewaytemplate_id: null,
    port_config: {},
    vars: {},
    spare: null,
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

export function createHub(org: SimOrg, index: number, site: SimSite, now: number): SimGateway {
  const r = new Rng(hash32(`gw|${org.seed}|${index}`));
  const hubNo = org.gateways.filter((g) => g.hub).length;
  const gw = newGatewayBase(org, index, site, r, now);
  gw.hub = true;
  gw.ssr = hasSsrHub(org.shape) && index === org.shape.hubs - 1;
  gw.model = gw.ssr ? 'SSR1300' : 'SRX1500';
  gw.vars = hubVars(hubNo, org.shape.wanPorts[1]);
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

export function createSpoke(
  org: SimOrg,
  index: number,
  site: SimSite,
  f: SpokeFlags,
  now: number,
): SimGateway {
  const r = new Rng(hash32(`gw|${org.seed}|${index}`));
  const gw = newGatewayBase(org, index, site, r, now);
  const layout = siteLayout(org, site);
  const k = layout.k;
  let slots: WanSlot[] = SPOKE_SLOTS[layout.variant];
  const siteNo = pad(site.seq + 1, 4);
  gw.name = `br${siteNo}-gw${Math.floor(index / org.sites.length) + 1}`;
  if (f.spare)
    gw.spare = { seq: org.nextPortSeq++, port_id: 'ge-0/0/4', port_mac: `5c5b36${macSuffix(org, index)}` };
  if (f.ha) {
    gw.ha = true;
    gw.name = `br${siteNo}-ha${Math.floor(index / org.sites.length) + 1}`;
    gw.node1_mac = `ec3873${macSuffix(org, index)}`;
    gw.gatewaytemplate_id = haTemplateId(org.seed, k);
    // Half the clusters name their circuit; the others leave {{CIRCUIT_ID}} unresolved.
    if (index % 2 === 0) gw.vars = { CIRCUIT_ID: `CKT-${hex(index, 6)}` };
    slots = HA_SLOTS;
  } else if (f.tplOverride) {
    const other: SpokeVariant = layout.variant === 'lte' ? 'mpls' : 'lte';
    gw.gatewaytemplate_id = spokeTemplateId(org.seed, k, other);
    slots = SPOKE_SLOTS[other];
  }
  const used = slots.slice(0, k);
  gw.ssr = f.ssr;
  const lte = used.some((s) => s.kind === 'LTE');
  gw.model = gw.ssr ? (lte ? 'SSR130' : 'SSR120') : gw.ha ? 'SRX300' : lte ? 'SRX320' : 'SRX300';

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
    // Standalone gateway: no template anywhere, the device carries its whole port_config (its
    // first circuit described with the site's code, a site variable).
    const tpl = org.templateById.get(spokeTemplateId(org.seed, k, layout.variant));
    gw.port_config = mergePortConfig(tpl?.port_config ?? {}, pc);
    const first = gw.port_config[used[0].key];
    if (first && !f.descOverride) first.description = 'Standalone {{SITE_CODE}}';
  } else {
    gw.port_config = pc;
  }

  if (f.disconnected) {
    gw.status = 'disconnected';
    // Hours ago, so its peer-path rows are well past the staleness threshold clients apply
    // (PEER_PATH_TTL_SECONDS) and do not cross it while a test runs.
    gw.status_since = Math.max(gw.boot_time + 60, now - r.int(2 * 3600, 3 * DAY));
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
