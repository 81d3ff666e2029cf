/**
 * The demo's flip watcher: for every WAN port flipped in the simulator, it prints, in seconds after the
 * flip, when the exporter serves the new state, when Prometheus has it, and what WanCircuitDown does
 * (pending, firing; resolved after the port comes back).
 *
 * It learns of flips from the simulator's change log (GET /__sim/changes), not by watching for ports
 * that go down: the log says which port changed and exactly when, for the printed command and for any
 * flip a user makes by hand, with one small request a second whatever the org's size. Watching the
 * exporter would only tell when a port was seen down, not when it went down.
 *
 * Each check is small: the exporter's gateways of one site (/api/gateways?site_id=, not the whole org,
 * which is megabytes for an L org) and two Prometheus instant queries on one port's series.
 */
import { LABELS, METRICS } from '#common/metrics/index.js';
import type { PortChange } from '#simulator/control-changes.js';
import { CIRCUIT_ALERT, humanSeconds, type Timeline } from './demo-timeline.js';

const TICK_MS = 1000;
const REQUEST_TIMEOUT_MS = 5000;

export interface WatchTargets {
  simulatorUrl: string;
  exporterUrl: string;
  /** null when Prometheus does not run: only the exporter step is watched. */
  prometheusUrl: string | null;
  /** Its `alert` is null exactly when prometheusUrl is. */
  timeline: Timeline;
  /** The alert's `for`, as written in its rule. */
  alertFor: string;
}

interface Step {
  what: string;
  /** Expected within this many seconds of the flip; null: no expectation. */
  by: number | null;
  done: () => Promise<boolean>;
  saidLate?: boolean;
}

interface Flip {
  /** This process' clock at the flip. */
  atMs: number;
  steps: Step[];
  next: number;
}

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  if (!res.ok) {
    await res.arrayBuffer();
    throw new Error(`${url}: HTTP ${res.status}`);
  }
  return res.json();
}

type Series = { metric: Record<string, string>; value: [number, string] };

/** The `{gateway_id="…",port="…"}` matchers of one port (a JSON string is a valid PromQL string). */
export function portMatchers(c: Pick<PortChange, 'gateway_id' | 'port_id'>): string {
  return `${LABELS.gatewayId}=${JSON.stringify(c.gateway_id)},${LABELS.port}=${JSON.stringify(c.port_id)}`;
}

/**
 * When a flip happened, on this process' clock: only its age by the simulator's clock counts, since
 * that clock may have been moved forward (POST /__sim/time).
 */
function flipTimeMs(change: PortChange, simNow: number): number {
  return Date.now() - Math.max(0, simNow - change.time) * 1000;
}

export class FlipWatcher {
  private seq: number | null = null;
  private readonly flips = new Map<string, Flip>();
  /** Ports whose WanCircuitDown was seen pending or firing: their "up" waits for it to go. */
  private readonly alerted = new Set<string>();

  constructor(
    private readonly t: WatchTargets,
    private readonly say: (line: string) => void,
  ) {}

  /** Watch until `stopping()` says yes. Errors (a part busy or restarting) only delay a check. */
  async run(stopping: () => boolean): Promise<void> {
    while (!stopping()) {
      try {
        await this.tick();
      } catch {
        // try again next tick
      }
      await new Promise((r) => setTimeout(r, TICK_MS));
    }
  }

  private async tick(): Promise<void> {
    const log = (await getJson(`${this.t.simulatorUrl}/__sim/changes?after=${this.seq ?? 0}`)) as {
      now: number;
      last_seq: number;
      changes: PortChange[];
    };
    // The first read only finds where the log ends: flips before the demo watched are not news.
    if (this.seq !== null) for (const c of log.changes) this.start(c, flipTimeMs(c, log.now));
    this.seq = log.last_seq;
    for (const [key, flip] of this.flips) {
      await this.advance(flip);
      if (flip.next === flip.steps.length) this.flips.delete(key);
    }
  }

  private start(c: PortChange, atMs: number): void {
    const key = `${c.gateway_id}|${c.port_id}`;
    const flip: Flip = { atMs, steps: c.up ? this.upSteps(c, key) : this.downSteps(c, key), next: 0 };
    this.flips.set(key, flip); // a newer flip of the same port replaces the older one's watch
    const at = new Date(atMs).toLocaleTimeString('en-GB');
    this.say(
      `[watch] ${c.gateway} ${c.port_id} went ${c.up ? 'up' : 'down'} at ${at}; ${this.expected(c.up, key)}`,
    );
  }

  private expected(up: boolean, key: string): string {
    const { seenBy, alert } = this.t.timeline;
    const parts = [`seen within ${humanSeconds(seenBy)}`];
    if (alert && !up) {
      parts.push(
        `${CIRCUIT_ALERT} pending within ${humanSeconds(alert.pendingBy)} and firing ${humanSeconds(alert.firingFrom)} to ${humanSeconds(alert.firingBy)} after the flip`,
      );
    } else if (alert && this.alerted.has(key)) {
      parts.push(`${CIRCUIT_ALERT} gone within ${humanSeconds(alert.pendingBy)}`);
    }
    return `expected: ${parts.join(', ')}`;
  }

  private async advance(flip: Flip): Promise<void> {
    while (flip.next < flip.steps.length) {
      const step = flip.steps[flip.next];
      const done = await step.done().catch(() => false);
      const elapsed = (Date.now() - flip.atMs) / 1000;
      const stamp = `[watch] +${Math.round(elapsed)} s`.padEnd(15);
      if (done) {
        this.say(`${stamp}${step.what}`);
        flip.next++;
        continue;
      }
      if (step.by !== null && !step.saidLate && elapsed > step.by + Math.max(30, step.by / 2)) {
        step.saidLate = true;
        this.say(`${stamp}not yet: ${step.what} (expected within ${humanSeconds(step.by)})`);
      }
      return;
    }
  }

  private downSteps(c: PortChange, key: string): Step[] {
    const name = `${c.gateway} ${c.port_id}`;
    const steps: Step[] = [
      {
        what: `seen: the exporter serves ${name} down`,
        by: this.t.timeline.seenBy,
        done: async () => (await this.exporterPortUp(c)) === false,
      },
    ];
    const { alert } = this.t.timeline;
    if (this.t.prometheusUrl === null || alert === null) return steps;
    const { pendingBy, firingBy } = alert;
    steps.push(
      {
        what: `Prometheus: ${METRICS.wanPortUp} == 0 for ${name}`,
        by: pendingBy,
        done: async () => (await this.promPortUp(c)) === 0,
      },
      {
        what: `pending: ${CIRCUIT_ALERT} for ${name} (it fires once pending for ${this.t.alertFor})`,
        by: pendingBy,
        done: async () => {
          if ((await this.alertState(c)) === null) return false;
          this.alerted.add(key);
          return true;
        },
      },
      {
        what: `firing: ${CIRCUIT_ALERT} for ${name}`,
        by: firingBy,
        done: async () => (await this.alertState(c)) === 'firing',
      },
    );
    return steps;
  }

  private upSteps(c: PortChange, key: string): Step[] {
    const name = `${c.gateway} ${c.port_id}`;
    const { seenBy, alert } = this.t.timeline;
    const steps: Step[] = [
      {
        what: `seen: the exporter serves ${name} up`,
        by: seenBy,
        done: async () => (await this.exporterPortUp(c)) === true,
      },
    ];
    if (this.t.prometheusUrl === null || alert === null) return steps;
    const { pendingBy } = alert;
    steps.push({
      what: `Prometheus: ${METRICS.wanPortUp} == 1 for ${name}`,
      by: pendingBy,
      done: async () => (await this.promPortUp(c)) === 1,
    });
    if (this.alerted.has(key)) {
      steps.push({
        what: `resolved: ${CIRCUIT_ALERT} for ${name} is no longer pending or firing`,
        by: pendingBy,
        done: async () => {
          if ((await this.alertState(c)) !== null) return false;
          this.alerted.delete(key);
          return true;
        },
      });
    }
    return steps;
  }

  /** The port's `up` as the exporter serves it; null while it does not serve the port. */
  private async exporterPortUp(c: PortChange): Promise<boolean | null> {
    const site = encodeURIComponent(c.site_id);
    const body = (await getJson(`${this.t.exporterUrl}/api/gateways?site_id=${site}`)) as {
      data?: Array<{ id?: unknown; ports?: Array<{ port_id?: unknown; name?: unknown; up?: unknown }> }>;
    };
    const gw = body.data?.find((g) => g.id === c.gateway_id);
    const port = gw?.ports?.find((p) => p.port_id === c.port_id || p.name === c.port_id);
    return typeof port?.up === 'boolean' ? port.up : null;
  }

  private async query(expr: string): Promise<Series[]> {
    const q = encodeURIComponent(expr);
    const body = (await getJson(`${this.t.prometheusUrl}/api/v1/query?query=${q}`)) as {
      data?: { result?: Series[] };
    };
    return body.data?.result ?? [];
  }

  private async promPortUp(c: PortChange): Promise<number | null> {
    const [s] = await this.query(`${METRICS.wanPortUp}{${portMatchers(c)}}`);
    return s ? Number(s.value[1]) : null;
  }

  /** WanCircuitDown's state for the port (Prometheus' ALERTS series); null when neither. */
  private async alertState(c: PortChange): Promise<'pending' | 'firing' | null> {
    const [s] = await this.query(`ALERTS{alertname="${CIRCUIT_ALERT}",${portMatchers(c)}}`);
    const state = s?.metric.alertstate;
    return state === 'pending' || state === 'firing' ? state : null;
  }
}
