/**
 * Control and observation API under /__sim/ (no auth, never faulted, not counted). Bodies are JSON;
 * errors are `{"detail": "..."}` with 400 (bad input), 404 (unknown thing) or 405.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { changesAfter, recordPortChange } from './control-changes.js';
import { mergeFaults, NO_FAULTS } from './faults.js';
import { HttpError, readJson, SimInputError, sendJson } from './http.js';
import { GATEWAY_STATUSES, type GatewayStatus } from './model.js';
import {
  addGateway,
  gatewayByRef,
  patchConfig,
  patchSiteVars,
  removeGateway,
  setGatewayStatus,
  setPathsUp,
  setPortUp,
} from './org-change.js';
import { findPort } from './org-state.js';
import { OPERATION_IDS } from './routes/index.js';
import type { ServerState } from './state.js';
import { orgTruth } from './truth.js';

type Body = Record<string, unknown>;

function asObject(v: unknown): Body {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new SimInputError('body must be a JSON object');
  return v as Body;
}

function bool(b: Body, k: string): boolean {
  if (typeof b[k] !== 'boolean') throw new SimInputError(`"${k}" must be true or false`);
  return b[k] as boolean;
}

const HELP = {
  endpoints: [
    'GET /__sim/stats',
    'POST /__sim/reset[?rate_limits=1]',
    'GET /__sim/org',
    'GET /__sim/known-issues',
    'GET /__sim/changes?after=<seq>',
    'POST /__sim/gateways/status {gateway_id|mac, status}',
    'POST /__sim/ports/state {gateway_id|mac, port_id, up}',
    'POST /__sim/peer-paths/state {mac, port_id?, peer_mac?, up}',
    'POST /__sim/config {kind: template|profile|device, id, port_config}',
    'POST /__sim/site-vars {site_id, vars: {name: value|null}}',
    'POST /__sim/gateways {site_id?, hub?}',
    'DELETE /__sim/gateways/<id>',
    'GET|POST|DELETE /__sim/faults',
    'GET /__sim/time, POST /__sim/time {advance_seconds}',
    'GET /__sim/webhooks, POST /__sim/webhooks {loss?, delay_ms?}',
  ],
};

export async function handleControl(s: ServerState, req: IncomingMessage, res: ServerResponse, url: URL) {
  const method = req.method ?? 'GET';
  const path = url.pathname.replace(/\/+$/, '');
  const now = s.clock.now();
  const route = `${method} ${path}`;
  try {
    const body = method === 'POST' ? asObject(await readJson(req)) : {};
    // Changes made through the control API reach the webhook receiver, as Mist would push them.
    const before = method === 'POST' ? s.webhooks?.before(s.org) : undefined;
    let out: unknown;
    switch (route) {
      case 'GET /__sim':
        out = HELP;
        break;
      case 'GET /__sim/stats':
        out = s.stats.snapshot();
        break;
      case 'POST /__sim/reset': {
        s.stats.reset();
        const rl = url.searchParams.get('rate_limits');
        if (rl === '1' || rl === 'true') s.limiter.reset();
        out = { ok: true };
        break;
      }
      case 'GET /__sim/org':
        out = orgTruth(s.org, now);
        break;
      case 'GET /__sim/known-issues':
        out = { profile: s.org.profile, issues: s.org.knownIssues };
        break;
      case 'GET /__sim/changes':
        out = changesAfter(s, url.searchParams.get('after'));
        break;
      case 'POST /__sim/gateways/status': {
        const gw = gatewayByRef(s.org, body);
        if (!GATEWAY_STATUSES.includes(body.status as GatewayStatus)) {
          throw new SimInputError(`"status" must be one of ${GATEWAY_STATUSES.join(', ')}`);
        }
        setGatewayStatus(gw, body.status as GatewayStatus, now);
        out = { ok: true, id: gw.id, mac: gw.mac, status: gw.status };
        break;
      }
      case 'POST /__sim/ports/state': {
        const gw = gatewayByRef(s.org, body);
        if (typeof body.port_id !== 'string')
          throw new SimInputError('"port_id" must be a string like "ge-0/0/0"');
        const port = findPort(gw, body.port_id);
        if (!port) throw new SimInputError(`gateway ${gw.mac} has no port ${body.port_id}`, 404);
        const was = port.up;
        setPortUp(port, bool(body, 'up'), now);
        if (port.up !== was) recordPortChange(s, gw, port, now);
        out = { ok: true, mac: gw.mac, port_id: port.port_id, up: port.up };
        break;
      }
      case 'POST /__sim/peer-paths/state': {
        if (typeof body.mac !== 'string')
          throw new SimInputError('"mac" (the local gateway MAC) must be a string');
        const opt = (k: string) => {
          if (body[k] === undefined) return undefined;
          if (typeof body[k] !== 'string') throw new SimInputError(`"${k}" must be a string`);
          return body[k] as string;
        };
        const n = setPathsUp(
          s.org,
          { mac: body.mac, port_id: opt('port_id'), peer_mac: opt('peer_mac') },
          bool(body, 'up'),
          now,
        );
        if (n === 0) throw new SimInputError('no peer path matches', 404);
        out = { ok: true, paths: n };
        break;
      }
      case 'POST /__sim/config': {
        const kind = body.kind;
        if (kind !== 'template' && kind !== 'profile' && kind !== 'device') {
          throw new SimInputError('"kind" must be "template", "profile" or "device"');
        }
        if (typeof body.id !== 'string') throw new SimInputError('"id" must be a string');
        const pc = body.port_config ?? {};
        if (typeof pc !== 'object' || pc === null || Array.isArray(pc)) {
          throw new SimInputError('"port_config" must be an object {port: {fields} | null}');
        }
        for (const [k, v] of Object.entries(pc)) {
          if (v !== null && (typeof v !== 'object' || Array.isArray(v))) {
            throw new SimInputError(`port_config["${k}"] must be an object or null`);
          }
        }
        out = { ok: true, ...patchConfig(s.org, kind, body.id, pc as Record<string, Body | null>, now) };
        break;
      }
      case 'POST /__sim/site-vars': {
        if (typeof body.site_id !== 'string') throw new SimInputError('"site_id" must be a string');
        const vars = body.vars;
        if (typeof vars !== 'object' || vars === null || Array.isArray(vars)) {
          throw new SimInputError('"vars" must be an object {name: value | null}');
        }
        for (const [k, v] of Object.entries(vars)) {
          if (v !== null && typeof v !== 'string')
            throw new SimInputError(`vars["${k}"] must be a string or null`);
        }
        out = { ok: true, ...patchSiteVars(s.org, body.site_id, vars as Record<string, string | null>, now) };
        break;
      }
      case 'POST /__sim/gateways': {
        if (body.site_id !== undefined && typeof body.site_id !== 'string')
          throw new SimInputError('"site_id" must be a string');
        if (body.hub !== undefined && typeof body.hub !== 'boolean')
          throw new SimInputError('"hub" must be true or false');
        const gw = addGateway(
          s.org,
          { site_id: body.site_id as string | undefined, hub: body.hub as boolean | undefined },
          now,
        );
        out = { id: gw.id, mac: gw.mac, name: gw.name, site_id: gw.site_id };
        break;
      }
      case 'GET /__sim/faults':
        out = s.faults;
        break;
      case 'POST /__sim/faults':
        s.faults = mergeFaults(s.faults, body, OPERATION_IDS);
        s.log.info({ faults: s.faults }, 'faults changed');
        out = s.faults;
        break;
      case 'DELETE /__sim/faults':
        s.faults = { ...NO_FAULTS };
        s.log.info('faults cleared');
        out = s.faults;
        break;
      case 'GET /__sim/time':
        out = { now };
        break;
      case 'GET /__sim/webhooks':
      case 'POST /__sim/webhooks':
        if (!s.webhooks)
          throw new HttpError(404, 'webhooks are off: set SIM_WEBHOOK_URL and SIM_WEBHOOK_SECRET');
        if (method === 'POST') s.webhooks.configure(body);
        out = s.webhooks.stats();
        break;
      case 'POST /__sim/time': {
        const adv = body.advance_seconds;
        if (typeof adv !== 'number' || !Number.isFinite(adv) || adv < 0) {
          throw new SimInputError('"advance_seconds" must be a number >= 0');
        }
        out = { now: s.clock.advance(adv) };
        break;
      }
      default: {
        const del = /^DELETE \/__sim\/gateways\/([^/]+)$/.exec(route);
        if (del) {
          const gw = removeGateway(s.org, decodeURIComponent(del[1]), now);
          out = { ok: true, id: gw.id, mac: gw.mac };
          break;
        }
        throw new HttpError(404, `no control endpoint ${route}; GET /__sim lists them`);
      }
    }
    if (before) s.webhooks?.changed(s.org, before, now);
    sendJson(res, 200, out);
  } catch (e) {
    if (e instanceof SimInputError || e instanceof HttpError) {
      sendJson(res, e.status, { detail: e.message });
      return;
    }
    throw e;
  }
}
