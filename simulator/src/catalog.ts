/**
 * Realistic building blocks for the synthetic org: cities, ISPs, WAN slot layouts of templates and
 * device profiles (SRX port names, LTE on `cl-1/0/0`, an MPLS VLAN sub-interface `ge-0/0/2.20`).
 */

import type { WanKind } from './model.js';
import type { GatewayPortConfig, PortConfigMap } from './port-config.js';

export interface City {
  name: string;
  region: string;
  tz: string;
  lat: number;
  lng: number;
}

export const CITIES: City[] = [
  { name: 'Ashburn', region: 'VA', tz: 'America/New_York', lat: 39.0438, lng: -77.4874 },
  { name: 'Dallas', region: 'TX', tz: 'America/Chicago', lat: 32.7767, lng: -96.797 },
  { name: 'San Jose', region: 'CA', tz: 'America/Los_Angeles', lat: 37.3382, lng: -121.8863 },
  { name: 'Chicago', region: 'IL', tz: 'America/Chicago', lat: 41.8781, lng: -87.6298 },
  { name: 'Denver', region: 'CO', tz: 'America/Denver', lat: 39.7392, lng: -104.9903 },
  { name: 'Seattle', region: 'WA', tz: 'America/Los_Angeles', lat: 47.6062, lng: -122.3321 },
  { name: 'Atlanta', region: 'GA', tz: 'America/New_York', lat: 33.749, lng: -84.388 },
  { name: 'Boston', region: 'MA', tz: 'America/New_York', lat: 42.3601, lng: -71.0589 },
  { name: 'Phoenix', region: 'AZ', tz: 'America/Phoenix', lat: 33.4484, lng: -112.074 },
  { name: 'Miami', region: 'FL', tz: 'America/New_York', lat: 25.7617, lng: -80.1918 },
  { name: 'Minneapolis', region: 'MN', tz: 'America/Chicago', lat: 44.9778, lng: -93.265 },
  { name: 'Portland', region: 'OR', tz: 'America/Los_Angeles', lat: 45.5152, lng: -122.6784 },
  { name: 'Nashville', region: 'TN', tz: 'America/Chicago', lat: 36.1627, lng: -86.7816 },
  { name: 'Salt Lake City', region: 'UT', tz: 'America/Denver', lat: 40.7608, lng: -111.891 },
  { name: 'Raleigh', region: 'NC', tz: 'America/New_York', lat: 35.7796, lng: -78.6382 },
  { name: 'Columbus', region: 'OH', tz: 'America/New_York', lat: 39.9612, lng: -82.9988 },
];

export interface Isp {
  org: string;
  asn: string;
}

export const BROADBAND_ISPS: Isp[] = [
  { org: 'Comcast Cable Communications, LLC', asn: 'AS7922' },
  { org: 'AT&T Services, Inc.', asn: 'AS7018' },
  { org: 'Charter Communications Inc', asn: 'AS20115' },
  { org: 'Verizon Business', asn: 'AS701' },
  { org: 'Lumen Technologies, Inc.', asn: 'AS3356' },
  { org: 'Cox Communications Inc.', asn: 'AS22773' },
];

export const LTE_ISPS: Isp[] = [
  { org: 'T-Mobile USA, Inc.', asn: 'AS21928' },
  { org: 'Verizon Wireless', asn: 'AS6167' },
  { org: 'AT&T Mobility LLC', asn: 'AS20057' },
];

export const VERSIONS = ['22.4R3-S2.11', '21.4R3-S5.4', '23.2R1-S2.5'];

/** One WAN circuit of a layout: the config key, its name and kind. */
export interface WanSlot {
  key: string;
  name: string;
  kind: WanKind;
}

const INET1: WanSlot = { key: 'ge-0/0/0', name: 'INET1', kind: 'INET' };
const INET2: WanSlot = { key: 'ge-0/0/1', name: 'INET2', kind: 'INET' };
const LTE: WanSlot = { key: 'cl-1/0/0', name: 'LTE', kind: 'LTE' };
const MPLS: WanSlot = { key: 'ge-0/0/2.20', name: 'MPLS', kind: 'MPLS' };
const INET3: WanSlot = { key: 'ge-0/0/3', name: 'INET3', kind: 'INET' };
const INET4: WanSlot = { key: 'ge-0/0/5', name: 'INET4', kind: 'INET' };

export type SpokeVariant = 'lte' | 'mpls';

export const SPOKE_SLOTS: Record<SpokeVariant, WanSlot[]> = {
  lte: [INET1, LTE, INET2, MPLS, INET3, INET4],
  mpls: [INET1, MPLS, INET2, LTE, INET3, INET4],
};

/** HA clusters (SRX300 pair): node1 interfaces are ge-1/0/x; no LTE on clusters. */
export const HA_SLOTS: WanSlot[] = [
  INET1,
  { key: 'ge-1/0/0', name: 'INET2', kind: 'INET' },
  MPLS,
  { key: 'ge-1/0/3', name: 'INET3', kind: 'INET' },
  INET3,
  { key: 'ge-1/0/5', name: 'INET4', kind: 'INET' },
];

export const HUB_SLOTS: WanSlot[] = [
  { key: 'ge-0/0/0', name: 'INET1', kind: 'INET' },
  { key: 'ge-0/0/1', name: 'INET2', kind: 'INET' },
  { key: 'xe-0/0/12', name: 'MPLS', kind: 'MPLS' },
  { key: 'ge-0/0/2', name: 'INET3', kind: 'INET' },
  { key: 'ge-0/0/3', name: 'INET4', kind: 'INET' },
  { key: 'ge-0/0/4', name: 'INET5', kind: 'INET' },
];

function wanEntry(slot: WanSlot, ip?: { ip: string; netmask: string; gateway: string }): GatewayPortConfig {
  const e: GatewayPortConfig = {
    usage: 'wan',
    name: slot.name,
    wan_type: slot.kind === 'LTE' ? 'lte' : 'broadband',
    ip_config: ip ? { type: 'static', ...ip } : { type: 'dhcp' },
  };
  if (slot.key.includes('.')) e.vlan_id = Number(slot.key.split('.')[1]);
  if (slot.kind === 'LTE') e.lte_apn = 'broadband';
  e.vpn_paths = {
    [`${slot.name}.OrgOverlay`]: { role: 'spoke', bfd_profile: slot.kind === 'LTE' ? 'lte' : 'broadband' },
  };
  return e;
}

/** Spoke template port_config: k WAN slots plus one or two LAN ports. */
export function spokeTemplateConfig(slots: WanSlot[], k: number, lanKey: string): PortConfigMap {
  const pc: PortConfigMap = {};
  for (const s of slots.slice(0, k)) pc[s.key] = wanEntry(s);
  pc[lanKey] = { usage: 'lan', networks: ['corp'], description: 'Branch LAN' };
  return pc;
}

/**
 * Variables every site inherits (org level; getSiteSettingDerived shows them under the site's own).
 * The HA template takes the MPLS VLAN and its second WAN port's name from here.
 */
export const ORG_VARS: Record<string, string> = {
  DNS1: '8.8.8.8',
  DNS2: '1.1.1.1',
  MPLS_VLAN: '20',
  MPLS_PREFIX: '/24',
  HA_WAN2_PORT: 'ge-1/0/0',
};

/**
 * The HA-cluster template: the spoke layout written with site variables, as templates shared by
 * many sites are: a port key (`{{HA_WAN2_PORT}}`), the MPLS `vlan_id`, descriptions naming the site
 * (`{{SITE_CODE}}`) and a circuit id only some devices define (`{{CIRCUIT_ID}}`, left unresolved on
 * the others on purpose).
 */
export function haTemplateConfig(k: number): PortConfigMap {
  const pc = spokeTemplateConfig(HA_SLOTS, k, 'ge-0/0/6,ge-1/0/6');
  for (const s of HA_SLOTS.slice(0, k)) {
    const e = pc[s.key];
    if (s.kind === 'MPLS') e.vlan_id = '{{MPLS_VLAN}}';
    if (s.name === 'INET1') e.description = '{{SITE_CODE}} INET1';
    if (s.name === 'INET2') e.description = 'Circuit {{CIRCUIT_ID}}';
    if (s.key === 'ge-1/0/0') {
      delete pc[s.key];
      pc['{{HA_WAN2_PORT}}'] = e;
    }
  }
  return pc;
}

/** A hub's variables for its profile (device-level `vars`): its static WAN addresses. */
export function hubVars(hubNo: number, k: number): Record<string, string> {
  const vars: Record<string, string> = {};
  HUB_SLOTS.slice(0, k).forEach((s, i) => {
    if (s.kind === 'MPLS') {
      vars.MPLS_IP = `172.31.${hubNo}.1`;
      vars.MPLS_GW = `172.31.${hubNo}.254`;
    } else {
      vars[`${s.name}_IP`] = `45.${10 + i}.${hubNo}.2`;
      vars[`${s.name}_GW`] = `45.${10 + i}.${hubNo}.1`;
    }
  });
  return vars;
}

/**
 * Hub device profile port_config: k static WAN circuits plus LAN uplinks to the DC core. Addresses
 * are variables (the hub's device-level `vars`, hubVars), the MPLS prefix an inherited org variable,
 * descriptions name the DC site (`{{SITE_CODE}}`, a site variable).
 */
export function hubProfileConfig(hubNo: number, k: number): PortConfigMap {
  const pc: PortConfigMap = {};
  HUB_SLOTS.slice(0, k).forEach((s) => {
    const ip =
      s.kind === 'MPLS'
        ? { ip: '{{MPLS_IP}}', netmask: '{{MPLS_PREFIX}}', gateway: '{{MPLS_GW}}' }
        : { ip: `{{${s.name}_IP}}`, netmask: '/29', gateway: `{{${s.name}_GW}}` };
    const e = wanEntry(s, ip);
    // UPLINK_ID is a variable of some DC sites only: elsewhere it stays unresolved, on purpose.
    e.description = s.kind === 'MPLS' ? '{{SITE_CODE}} MPLS {{UPLINK_ID}}' : `{{SITE_CODE}} ${s.name}`;
    e.vpn_paths = { [`${s.name}.OrgOverlay`]: { role: 'hub', bfd_profile: 'broadband' } };
    pc[s.key] = e;
  });
  pc[hubNo % 2 === 0 ? 'xe-0/0/13-14' : 'xe-0/0/13'] = {
    usage: 'lan',
    networks: ['dc-core'],
    description: 'DC core uplink',
  };
  return pc;
}

export function ipv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}
