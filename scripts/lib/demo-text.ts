/** What the demo prints: pure functions from component output and API bodies to one human line. */

/** Log fields worth showing beside a collector message, in this order. */
const PROGRESS_FIELDS = [
  'items',
  'calls',
  'ms',
  'seconds',
  'core_calls',
  'insights_calls',
  'gateways',
  'ports',
  'paths',
  'age_seconds',
  'next_check_in_s',
  'until',
  'signal',
  'error',
  'errors',
];

const show = (v: unknown) => (typeof v === 'object' ? JSON.stringify(v) : String(v));
const isEmpty = (v: unknown) =>
  v === undefined || v === null || (typeof v === 'object' && Object.keys(v as object).length === 0);

/**
 * One line per collector log line (pino JSON): the message, the phase, and the counts that show
 * progress (items, calls, time). Debug lines are dropped; a line that is not JSON is shown as is.
 */
export function collectorProgress(line: string): string | null {
  if (!line.trim()) return null;
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (typeof o !== 'object' || o === null) return line;
  const level = Number(o.level ?? 30);
  if (level < 30) return null;
  const msg = String(o.msg ?? '');
  const head = typeof o.phase === 'string' ? `${msg}: ${o.phase}` : msg;
  const extras = PROGRESS_FIELDS.filter((k) => !isEmpty(o[k]))
    .map((k) => `${k}=${show(o[k])}`)
    .join(' ');
  const prefix = level >= 50 ? 'ERROR ' : level >= 40 ? 'WARN ' : '';
  return `${prefix}${head}${extras ? ` (${extras})` : ''}`;
}

/** Collector messages that only say a routine cycle is going as usual. */
const ROUTINE = new Set(['cycle started', 'phase done']);

/**
 * The collector's progress, shown whole for its first cycle (how the data comes in), then one line a
 * cycle: its start and its phases are left out unless they warn, so that what the demo itself says
 * (the [watch] lines of a flip) stands out.
 */
export class CollectorProgress {
  private firstCycleDone = false;

  /** The line to print for a collector output line, or null. */
  show(line: string): string | null {
    let o: { level?: unknown; msg?: unknown } = {};
    try {
      o = JSON.parse(line) as typeof o;
    } catch {
      // not JSON: collectorProgress passes it through
    }
    const routine = Number(o?.level ?? 30) < 40 && ROUTINE.has(String(o?.msg));
    const shown = this.firstCycleDone && routine ? null : collectorProgress(line);
    if (o?.msg === 'cycle finished') this.firstCycleDone = true;
    return shown;
  }
}

/**
 * The WAN ports a collector log line says it has just written: the `items` of the end of a ports
 * phase (done, or finished with errors); null for any other line.
 */
export function portsWritten(line: string): number | null {
  try {
    const o = JSON.parse(line) as Record<string, unknown>;
    const ended = o.msg === 'phase done' || o.msg === 'phase finished with errors';
    return ended && o.phase === 'ports' && typeof o.items === 'number' ? o.items : null;
  } catch {
    return null;
  }
}

interface GatewayLike {
  status?: unknown;
  ports?: Array<{ up?: unknown; enabled?: unknown }>;
}

/** WAN ports in /api/gateways data. */
export function portCount(data: unknown): number {
  if (!Array.isArray(data)) return 0;
  return (data as GatewayLike[]).reduce((n, g) => n + (Array.isArray(g.ports) ? g.ports.length : 0), 0);
}

/** "20 gateways (18 connected), 44 WAN ports (3 down)" for /api/gateways data; null while it is empty. */
export function orgSummary(data: unknown): string | null {
  if (!Array.isArray(data) || data.length === 0) return null;
  const gws = data as GatewayLike[];
  const connected = gws.filter((g) => g.status === 'connected').length;
  const ports = gws.flatMap((g) => (Array.isArray(g.ports) ? g.ports : []));
  const down = ports.filter((p) => p.up === false && p.enabled !== false).length;
  return `${gws.length} gateways (${connected} connected), ${ports.length} WAN ports (${down} enabled and down)`;
}

export interface TruthLike {
  gateways: Array<{
    mac: string;
    name: string;
    status: string;
    hub: boolean;
    ports: Array<{ port_id: string; usage: string; up: boolean; disabled: boolean }>;
  }>;
}

/**
 * A circuit worth taking down in the demo: an up, enabled WAN port of a connected spoke that keeps
 * another circuit up (so only the circuit's own alerts follow, not GatewayAllWanCircuitsDown) and is
 * not part of a known issue (`avoid`: their gateways' MACs).
 */
export function pickCircuit(
  truth: TruthLike,
  avoid: ReadonlySet<string> = new Set(),
): { mac: string; name: string; port_id: string } | null {
  for (const g of truth.gateways) {
    if (g.hub || g.status !== 'connected' || avoid.has(g.mac)) continue;
    const up = g.ports.filter((x) => x.usage === 'wan' && x.up && !x.disabled);
    if (up.length >= 2) return { mac: g.mac, name: g.name, port_id: up[0].port_id };
  }
  return null;
}

/** What the demo says of one of the simulator's known issues (`GET /__sim/known-issues`). */
export interface KnownIssueLike {
  text: string;
  mac: string;
  alerts: string[];
}

/** The simulator's known issues; [] when it has none (a realistic org) or does not answer. */
export async function knownIssues(simUrl: string): Promise<KnownIssueLike[]> {
  const res = await fetch(`${simUrl}/__sim/known-issues`, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) {
    await res.arrayBuffer();
    return [];
  }
  return ((await res.json()) as { issues?: KnownIssueLike[] }).issues ?? [];
}

/** `WanCircuitDown`, `VpnPeerPathDegraded x2`: the alert instances of an issue. */
function alertsText(alerts: string[]): string {
  const counts = new Map<string, number>();
  for (const a of alerts) counts.set(a, (counts.get(a) ?? 0) + 1);
  return [...counts].map(([a, n]) => (n > 1 ? `${a} x${n}` : a)).join(', ');
}

/** The start-up text naming each known issue and the alerts it raises. */
export function knownIssueLines(issues: KnownIssueLike[]): string[] {
  if (issues.length === 0) return [];
  const alerts = issues.reduce((n, i) => n + i.alerts.length, 0);
  const width = Math.max(...issues.map((i) => i.text.length)) + 2;
  return [
    `The simulated org is healthy but for ${issues.length} known issues (${alerts} alerts: pending first, firing once pending for their \`for\`):`,
    ...issues.map((i) => `  ${i.text.padEnd(width)}-> ${alertsText(i.alerts)}`),
  ];
}

/** A curl command that takes a circuit of the simulator down (none of `avoid`'s); null if none is up. */
export async function tryItCommand(
  simUrl: string,
  avoid: ReadonlySet<string> = new Set(),
): Promise<string | null> {
  const res = await fetch(`${simUrl}/__sim/org`, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) return null;
  const c = pickCircuit((await res.json()) as TruthLike, avoid);
  if (!c) return null;
  const body = JSON.stringify({ mac: c.mac, port_id: c.port_id, up: false });
  return `curl -s -X POST ${simUrl}/__sim/ports/state -H 'content-type: application/json' -d '${body}'   # ${c.name} ${c.port_id}`;
}
