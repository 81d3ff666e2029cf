/**
 * Mist webhook bodies (`{topic, events[]}`) to observations of gateways, WAN ports and peer paths.
 * Pure and lenient: the public facts are thin (docs/mist-api.md, Webhooks), so a field is used when
 * present and of the right type, and an event that cannot be used is counted, never an error.
 */

/** The topics whose events can change a stored state (`device_events`: the spec's own example). */
const TOPICS = new Set(['device-events', 'device_events', 'device-updowns', 'device_updowns']);

export type EventKind = 'gateway' | 'port' | 'path' | 'peer';

/** The event types used, by the state they report. Tunnels are matched like paths. */
const TYPES: Record<string, { kind: EventKind; up: boolean }> = {
  GW_CONNECTED: { kind: 'gateway', up: true },
  GW_DISCONNECTED: { kind: 'gateway', up: false },
  GW_PORT_UP: { kind: 'port', up: true },
  GW_PORT_DOWN: { kind: 'port', up: false },
  GW_VPN_PATH_UP: { kind: 'path', up: true },
  GW_VPN_PATH_DOWN: { kind: 'path', up: false },
  GW_TUNNEL_UP: { kind: 'path', up: true },
  GW_TUNNEL_DOWN: { kind: 'path', up: false },
  GW_VPN_PEER_UP: { kind: 'peer', up: true },
  GW_VPN_PEER_DOWN: { kind: 'peer', up: false },
};

/** What may identify a peer path in an event: structured fields when present, else words of `text`. */
export interface PathSelector {
  portId?: string;
  peerMac?: string;
  peerPortId?: string;
  peerRouterName?: string;
  vpnName?: string;
  /** The comma-separated items of a `[...]` list in `text` (e.g. `peer path [HUB-1,10.0.0.1,...] down`). */
  textItems: string[];
}

export interface MappedEvent {
  type: string;
  kind: EventKind;
  up: boolean;
  /** The device's MAC (`mac`, else `ap`), 12 lowercase hex digits. */
  mac: string;
  /** The event's own `timestamp` (epoch s). */
  timestamp: number;
  /** When the state was observed: the timestamp, but never later than the receipt. */
  t: number;
  portId?: string;
  path?: PathSelector;
}

export type EventOutcome = 'applied' | 'stale' | 'ignored' | 'unmatched' | 'invalid' | 'failed';

export type ParsedEvent = { event: MappedEvent } | { outcome: 'ignored' | 'invalid'; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A MAC in any usual spelling (`AA:BB:...`, `aabb.cc...`) as 12 lowercase hex digits, else null. */
export function normalMac(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const m = v.toLowerCase().replace(/[:.-]/g, '');
  return /^[0-9a-f]{12}$/.test(m) ? m : null;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** Epoch seconds: a number or numeric string; milliseconds (over ~1e11) are divided down. */
function epochSeconds(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  if (!Number.isFinite(n) || n <= 0) return null;
  return n > 1e11 ? n / 1000 : n;
}

function textItems(v: unknown): string[] {
  const s = typeof v === 'string' ? /\[([^\]]*)\]/.exec(v) : null;
  return s
    ? s[1]
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    : [];
}

function pathSelector(e: Record<string, unknown>): PathSelector {
  const sel: PathSelector = { textItems: textItems(e.text) };
  const portId = text(e.port_id);
  const peerMac = normalMac(e.peer_mac);
  const peerPortId = text(e.peer_port_id);
  const peerRouterName = text(e.peer_router_name) ?? text(e.peer_name);
  const vpnName = text(e.vpn_name);
  if (portId) sel.portId = portId;
  if (peerMac) sel.peerMac = peerMac;
  if (peerPortId) sel.peerPortId = peerPortId;
  if (peerRouterName) sel.peerRouterName = peerRouterName;
  if (vpnName) sel.vpnName = vpnName;
  return sel;
}

/** One event of a known topic. */
export function mapEvent(e: unknown, receivedAt: number): ParsedEvent {
  if (!isObject(e)) return { outcome: 'invalid', reason: 'an event is not an object' };
  const type = text(e.type);
  if (!type) return { outcome: 'invalid', reason: 'an event has no type' };
  const known = TYPES[type.toUpperCase()];
  if (!known) return { outcome: 'ignored', reason: `event type ${type} is not used` };
  const mac = normalMac(e.mac) ?? normalMac(e.ap);
  if (!mac) return { outcome: 'invalid', reason: `${type} without a device MAC (mac or ap)` };
  const timestamp = epochSeconds(e.timestamp);
  if (timestamp === null) return { outcome: 'invalid', reason: `${type} without a timestamp` };
  const event: MappedEvent = {
    type: type.toUpperCase(),
    kind: known.kind,
    up: known.up,
    mac,
    timestamp,
    t: Math.min(timestamp, receivedAt),
  };
  if (known.kind === 'port') {
    const portId = text(e.port_id);
    if (!portId) return { outcome: 'invalid', reason: `${type} without a port_id` };
    event.portId = portId;
  } else if (known.kind === 'path' || known.kind === 'peer') {
    event.path = pathSelector(e);
  }
  return { event };
}

export interface ParsedBody {
  topic: string;
  events: ParsedEvent[];
}

/** The body of a request, or a one-line reason it is not a webhook message (answered 400). */
export function parseBody(body: unknown, receivedAt: number): ParsedBody | string {
  if (!isObject(body)) return 'the body must be a JSON object {topic, events}';
  const topic = text(body.topic);
  if (!topic) return 'the body has no topic';
  if (!Array.isArray(body.events)) return 'the body has no events list';
  const used = TOPICS.has(topic.toLowerCase());
  return {
    topic,
    events: body.events.map(
      (e): ParsedEvent => (used ? mapEvent(e, receivedAt) : { outcome: 'ignored', reason: `topic ${topic}` }),
    ),
  };
}
