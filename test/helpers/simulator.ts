/**
 * The Mist API simulator for tests: `startSimulator()` (same options as simulator/src/index.ts)
 * plus a typed client of the /__sim control API and ready-made collector env.
 *
 *   const sim = await startSimulator({ size: 'S' });
 *   afterAll(() => sim.stop());
 *   const env = { ...sim.env, REDIS_URL: redis.url };
 *   await sim.control.setPortState({ mac }, 'ge-0/0/0', false);
 */
import {
  type CallStatsSnapshot,
  type Faults,
  type KnownIssue,
  type OrgTruth,
  type Profile,
  type Simulator,
  type SimulatorOptions,
  startSimulator as startSim,
} from '#simulator/index.js';

export type { Faults, KnownIssue, OrgTruth, Profile, Simulator, SimulatorOptions };

export type GatewayRef = { gateway_id: string } | { mac: string };

export class SimControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Typed client of the control API (works against any simulator URL, e.g. `npm run simulator`). */
export class SimControl {
  constructor(readonly url: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}/__sim${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const data = text ? JSON.parse(text) : {};
    if (!res.ok)
      throw new SimControlError(res.status, `${method} /__sim${path}: ${res.status} ${data.detail ?? text}`);
    return data as T;
  }

  stats(): Promise<CallStatsSnapshot> {
    return this.call('GET', '/stats');
  }
  reset(opts: { rateLimits?: boolean } = {}): Promise<{ ok: true }> {
    return this.call('POST', opts.rateLimits ? '/reset?rate_limits=1' : '/reset');
  }
  org(): Promise<OrgTruth> {
    return this.call('GET', '/org');
  }
  knownIssues(): Promise<{ profile: Profile; issues: KnownIssue[] }> {
    return this.call('GET', '/known-issues');
  }
  /** Mist's `status` is free text: `upgrading` and `restarting` are played too. */
  setGatewayStatus(ref: GatewayRef, status: 'connected' | 'disconnected' | 'upgrading' | 'restarting') {
    return this.call<{ ok: true; id: string; mac: string; status: string }>('POST', '/gateways/status', {
      ...ref,
      status,
    });
  }
  setPortState(ref: GatewayRef, port_id: string, up: boolean) {
    return this.call<{ ok: true; mac: string; port_id: string; up: boolean }>('POST', '/ports/state', {
      ...ref,
      port_id,
      up,
    });
  }
  /** All paths of the local gateway `mac`, narrowed by its `port_id` and/or the `peer_mac`. */
  setPeerPaths(sel: { mac: string; port_id?: string; peer_mac?: string }, up: boolean) {
    return this.call<{ ok: true; paths: number }>('POST', '/peer-paths/state', { ...sel, up });
  }
  /** Patch a port_config (`{port: {fields}}` merges, `{port: null}` removes) and bump modified_time. */
  config(
    kind: 'template' | 'profile' | 'device',
    id: string,
    port_config: Record<string, Record<string, unknown> | null>,
  ) {
    return this.call<{ ok: true; modified_time: number; gateways: number }>('POST', '/config', {
      kind,
      id,
      port_config,
    });
  }
  /** Set (a string) or remove (null) site variables; the site setting's modified_time moves. */
  siteVars(site_id: string, vars: Record<string, string | null>) {
    return this.call<{ ok: true; setting_modified_time: number; gateways: number }>('POST', '/site-vars', {
      site_id,
      vars,
    });
  }
  addGateway(req: { site_id?: string; hub?: boolean } = {}) {
    return this.call<{ id: string; mac: string; name: string; site_id: string }>('POST', '/gateways', req);
  }
  removeGateway(id: string) {
    return this.call<{ ok: true; id: string; mac: string }>('DELETE', `/gateways/${encodeURIComponent(id)}`);
  }
  faults(): Promise<Faults> {
    return this.call('GET', '/faults');
  }
  setFaults(f: Partial<Faults>): Promise<Faults> {
    return this.call('POST', '/faults', f);
  }
  clearFaults(): Promise<Faults> {
    return this.call('DELETE', '/faults');
  }
  advanceTime(seconds: number): Promise<{ now: number }> {
    return this.call('POST', '/time', { advance_seconds: seconds });
  }
  now(): Promise<{ now: number }> {
    return this.call('GET', '/time');
  }
}

/** A fetch Response whose json() is loosely typed: tests assert on Mist bodies of many shapes. */
export interface SimResponse extends Omit<Response, 'json'> {
  // biome-ignore lint/suspicious/noExplicitAny: test assertions walk JSON bodies of many shapes
  json(): Promise<any>;
}

export interface TestSimulator extends Simulator {
  control: SimControl;
  /** The first token. */
  token: string;
  /** Collector env pointing at this simulator (MIST_HOST, MIST_API_TOKEN, MIST_ORG_ID). */
  env: Record<string, string>;
  /** GET a Mist path (`/api/v1/...`) with a token (default: the first). */
  get(path: string, token?: string | null): Promise<SimResponse>;
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<TestSimulator> {
  const sim = await startSim(opts);
  const token = sim.tokens[0];
  return Object.assign(sim, {
    control: new SimControl(sim.url),
    token,
    env: { MIST_HOST: sim.url, MIST_API_TOKEN: sim.tokens.join(','), MIST_ORG_ID: sim.org.id },
    get: (path: string, t: string | null = token): Promise<SimResponse> =>
      fetch(`${sim.url}${path}`, { headers: t === null ? {} : { Authorization: `Token ${t}` } }),
  });
}
