/**
 * Mist configuration payloads rendered from the live state: org, sites, site settings, inventory,
 * gateway templates, device profiles, device configs. Each record is a fresh object, so fault
 * injection may mutate it. Their schemas are in simulator/schemas/ (departures: deviations.ts).
 */
import type { SimConfigObject, SimGateway, SimOrg, SimSite } from './model.js';

type Rec = Record<string, unknown>;

export function orgRecord(org: SimOrg): Rec {
  return {
    id: org.id,
    name: org.name,
    created_time: org.created_time,
    modified_time: org.modified_time,
    allow_mist: true,
    session_expiry: 1440,
    orggroup_ids: [],
    alarmtemplate_id: null,
  };
}

export function siteRecord(org: SimOrg, s: SimSite): Rec {
  return {
    id: s.id,
    name: s.name,
    org_id: org.id,
    timezone: s.timezone,
    country_code: 'US',
    address: s.address,
    latlng: { lat: s.lat, lng: s.lng },
    gatewaytemplate_id: s.gatewaytemplate_id,
    networktemplate_id: null,
    rftemplate_id: null,
    aptemplate_id: null,
    alarmtemplate_id: null,
    secpolicy_id: null,
    sitetemplate_id: null,
    sitegroup_ids: [],
    notes: '',
    created_time: s.created_time,
    modified_time: s.modified_time,
  };
}

export function templateRecord(org: SimOrg, t: SimConfigObject): Rec {
  return {
    id: t.id,
    name: t.name,
    org_id: org.id,
    type: 'spoke',
    port_config: t.port_config,
    dns_servers: ['8.8.8.8', '1.1.1.1'],
    created_time: t.created_time,
    modified_time: t.modified_time,
  };
}

export function profileRecord(org: SimOrg, p: SimConfigObject): Rec {
  return {
    id: p.id,
    name: p.name,
    org_id: org.id,
    type: 'gateway',
    port_config: p.port_config,
    dns_servers: ['8.8.8.8', '1.1.1.1'],
    created_time: p.created_time,
    modified_time: p.modified_time,
  };
}

/** `device_gateway`: the device-level config (its port_config holds only the overrides). */
export function deviceConfigRecord(org: SimOrg, gw: SimGateway): Rec {
  const r: Rec = {
    id: gw.id,
    name: gw.name,
    mac: gw.mac,
    model: gw.model,
    serial: gw.serial,
    site_id: gw.site_id,
    org_id: org.id,
    type: 'gateway',
    managed: true,
    notes: '',
    port_config: gw.port_config,
    created_time: gw.created_time,
    modified_time: gw.modified_time,
  };
  if (gw.deviceprofile_id) r.deviceprofile_id = gw.deviceprofile_id;
  if (gw.gatewaytemplate_id) r.gatewaytemplate_id = gw.gatewaytemplate_id;
  if (Object.keys(gw.vars).length > 0) r.vars = { ...gw.vars };
  return r;
}

export function inventoryRecord(org: SimOrg, gw: SimGateway): Rec {
  return {
    id: gw.id,
    mac: gw.mac,
    serial: gw.serial,
    model: gw.model,
    sku: `${gw.model}-SYS-JB`,
    hw_rev: 'A',
    type: 'gateway',
    name: gw.name,
    hostname: gw.name,
    site_id: gw.site_id,
    deviceprofile_id: gw.deviceprofile_id,
    connected: gw.status === 'connected',
    adopted: true,
    org_id: org.id,
    created_time: gw.created_time,
    modified_time: gw.modified_time,
  };
}

/** getSiteSetting (the site's own vars) or getSiteSettingDerived (with the org-level vars it inherits). */
export function siteSettingRecord(org: SimOrg, s: SimSite, derived: boolean): Rec {
  return {
    id: s.setting_id,
    site_id: s.id,
    org_id: org.id,
    for_site: true,
    vars: derived ? { ...org.vars, ...s.vars } : { ...s.vars },
    created_time: s.created_time,
    modified_time: s.setting_modified_time,
  };
}
