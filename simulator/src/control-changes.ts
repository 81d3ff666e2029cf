/**
 * `GET /__sim/changes?after=<seq>`: the port flips made through the control API, oldest first, so that
 * a watcher (the demo) learns which circuit changed and when without polling the whole org (an L
 * org's /__sim/org is megabytes). Kept per server, the last MAX_CHANGES only; `seq` only grows.
 */
import { SimInputError } from './http.js';
import type { SimGateway, SimPort } from './model.js';
import type { ServerState } from './state.js';

const MAX_CHANGES = 1000;

export interface PortChange {
  seq: number;
  /** Simulated epoch seconds of the change (compare with the answer's `now`). */
  time: number;
  kind: 'port';
  gateway_id: string;
  gateway: string;
  mac: string;
  site_id: string;
  port_id: string;
  up: boolean;
}

interface ChangeLog {
  last: number;
  changes: PortChange[];
}

const logs = new WeakMap<ServerState, ChangeLog>();

function logOf(s: ServerState): ChangeLog {
  let log = logs.get(s);
  if (!log) {
    log = { last: 0, changes: [] };
    logs.set(s, log);
  }
  return log;
}

/** Record a port whose link state has just changed. */
export function recordPortChange(s: ServerState, gw: SimGateway, port: SimPort, time: number): void {
  const log = logOf(s);
  log.last += 1;
  log.changes.push({
    seq: log.last,
    time,
    kind: 'port',
    gateway_id: gw.id,
    gateway: gw.name,
    mac: gw.mac,
    site_id: gw.site_id,
    port_id: port.port_id,
    up: port.up,
  });
  if (log.changes.length > MAX_CHANGES) log.changes.shift();
}

/** The answer of GET /__sim/changes: the changes after `after` (default 0: all kept). */
export function changesAfter(
  s: ServerState,
  after: string | null,
): { now: number; last_seq: number; changes: PortChange[] } {
  const n = after === null || after === '' ? 0 : Number(after);
  if (!Number.isInteger(n) || n < 0) throw new SimInputError('"after" must be a whole number >= 0');
  const log = logOf(s);
  return { now: s.clock.now(), last_seq: log.last, changes: log.changes.filter((c) => c.seq > n) };
}
