import { describe, expect, it } from 'vitest';
import { PRESS_CTRL_C, summaryLines } from '../../scripts/lib/demo-summary.js';
import {
  CollectorProgress,
  collectorProgress,
  knownIssueLines,
  orgSummary,
  pickCircuit,
  portCount,
  portsWritten,
  type TruthLike,
} from '../../scripts/lib/demo-text.js';
import { printedUrls } from './demo-run.js';

const line = (o: Record<string, unknown>) => JSON.stringify({ level: 30, time: 1, name: 'collector', ...o });

describe('collectorProgress', () => {
  it('shows the phase and its counts', () => {
    expect(
      collectorProgress(
        line({ msg: 'phase done', phase: 'ports', items: 44, calls: 1, ms: 74, gateways: 20 }),
      ),
    ).toBe('phase done: ports (items=44 calls=1 ms=74 gateways=20)');
  });

  it('leaves out the config dump, empty error maps and debug lines', () => {
    expect(collectorProgress(line({ msg: 'collector starting', config: { MIST_API_TOKEN: '***' } }))).toBe(
      'collector starting',
    );
    expect(collectorProgress(line({ msg: 'cycle finished', seconds: 0.9, core_calls: 20, errors: {} }))).toBe(
      'cycle finished (seconds=0.9 core_calls=20)',
    );
    expect(collectorProgress(line({ level: 20, msg: 'redis connection error' }))).toBeNull();
    expect(collectorProgress('   ')).toBeNull();
  });

  it('marks warnings and errors, with their error', () => {
    expect(
      collectorProgress(line({ level: 40, msg: 'phase failed; previous data kept', error: 'HTTP 503' })),
    ).toBe('WARN phase failed; previous data kept (error=HTTP 503)');
    expect(collectorProgress(line({ level: 50, msg: 'cycle failed', errors: { ports: 'x' } }))).toBe(
      'ERROR cycle failed (errors={"ports":"x"})',
    );
  });

  it('passes a line that is not JSON through', () => {
    expect(collectorProgress('collector: MIST_API_TOKEN is required')).toBe(
      'collector: MIST_API_TOKEN is required',
    );
  });
});

describe('CollectorProgress', () => {
  it('shows the whole first cycle, then one line a cycle, warnings and other messages included', () => {
    const p = new CollectorProgress();
    const cycle = (extra: Array<Record<string, unknown>> = []) =>
      [
        line({ msg: 'cycle started' }),
        line({ msg: 'phase done', phase: 'ports', items: 44 }),
        ...extra.map(line),
        line({ msg: 'cycle finished', seconds: 0.2 }),
      ].map((l) => p.show(l));
    expect(cycle()).toEqual([
      'cycle started',
      'phase done: ports (items=44)',
      'cycle finished (seconds=0.2)',
    ]);
    expect(cycle()).toEqual([null, null, 'cycle finished (seconds=0.2)']);
    expect(
      cycle([
        { level: 40, msg: 'phase failed; previous data kept', phase: 'ports', error: 'HTTP 503' },
        { msg: 'phase finished with errors', phase: 'insights', items: 3 },
      ]),
    ).toEqual([
      null,
      null,
      'WARN phase failed; previous data kept: ports (error=HTTP 503)',
      'phase finished with errors: insights (items=3)',
      'cycle finished (seconds=0.2)',
    ]);
    expect(p.show(line({ msg: 'collector stopped' }))).toBe('collector stopped');
    expect(p.show('not json')).toBe('not json');
  });
});

describe('portsWritten', () => {
  it('reads the WAN port count at the end of a ports phase, with errors or not', () => {
    expect(portsWritten(line({ msg: 'phase done', phase: 'ports', items: 44 }))).toBe(44);
    expect(portsWritten(line({ msg: 'phase finished with errors', phase: 'ports', items: 40 }))).toBe(40);
    expect(portsWritten(line({ msg: 'phase done', phase: 'ports', items: 0 }))).toBe(0);
  });

  it('is null for any other line', () => {
    expect(portsWritten(line({ msg: 'phase done', phase: 'gateways', items: 20 }))).toBeNull();
    expect(portsWritten(line({ msg: 'phase failed; previous data kept', phase: 'ports' }))).toBeNull();
    expect(portsWritten(line({ msg: 'loading', phase: 'ports', items: 3 }))).toBeNull();
    expect(portsWritten('not json')).toBeNull();
  });
});

describe('portCount', () => {
  it('counts WAN ports over gateways, none for a gateway without a list', () => {
    expect(portCount([{ ports: [{}, {}] }, { ports: [] }, {}])).toBe(2);
    expect(portCount({ error: 'x' })).toBe(0);
  });
});

describe('summaryLines', () => {
  const base = {
    exporterUrl: 'http://127.0.0.1:5000',
    webhooks: { url: 'http://127.0.0.1:5001/webhooks/mist', note: 'the simulator posts every flip here' },
    prometheusPage: 'http://127.0.0.1:9090/classic/alerts',
    alertmanagerUrl: 'http://127.0.0.1:9093',
    simulatorUrl: 'http://127.0.0.1:4000',
    knownIssues: [
      'The simulated org is healthy but for 1 known issues',
      '  circuit down: gw ge-0/0/1  -> WanCircuitDown',
    ],
    tryIt: "curl -s -X POST http://127.0.0.1:4000/__sim/ports/state -d '{}'",
    timeline: ['seen     within 61 s: the next poll', 'pending  within 81 s: ...'],
  };

  it('puts each URL behind its label, one line starting with Prometheus, POST before the receiver and the command', () => {
    const text = summaryLines({
      ...base,
      grafana: {
        url: 'http://127.0.0.1:3001',
        dashboards: [{ title: 'Mist WAN / Overview', url: 'http://127.0.0.1:3001/d/mist-overview' }],
      },
    }).join('\n');
    expect(text.match(/^Prometheus.*$/gm)).toEqual([
      'Prometheus        http://127.0.0.1:9090/classic/alerts  (try the query mist_wan_port_up == 0)',
    ]);
    expect(text).toMatch(/^exporter home {5}http:\/\/127\.0\.0\.1:5000\/$/m);
    expect(text).toMatch(/^Grafana {11}http:\/\/127\.0\.0\.1:3001\/ /m);
    expect(text).toMatch(/^ {2}Mist WAN \/ Overview {2}http:\/\/127\.0\.0\.1:3001\/d\/mist-overview$/m);
    expect(text).toMatch(new RegExp(`^${PRESS_CTRL_C}`, 'm'));
    // /api/gateways is a 404 until the first data: it has its own line later.
    expect(text).not.toContain('/api/gateways');
    expect(text).toMatch(
      /^webhook receiver {2}POST http:\/\/127\.0\.0\.1:5001\/webhooks\/mist {2}\(the simulator posts every flip here\)$/m,
    );
    expect(printedUrls(text).post).toEqual([
      'http://127.0.0.1:5001/webhooks/mist',
      'http://127.0.0.1:4000/__sim/ports/state',
    ]);
  });

  it('names the known issues, then the flip command and the expected timeline, indented under it', () => {
    const text = summaryLines({ ...base, grafana: { notStarted: 'not installed here' } }).join('\n');
    const at = (s: string) => text.indexOf(s);
    expect(at(base.knownIssues[1])).toBeGreaterThan(at(base.knownIssues[0]));
    expect(at(`  ${base.tryIt}`)).toBeGreaterThan(at(base.knownIssues[1]));
    expect(text).toContain(`\n  ${base.timeline[0]}\n  ${base.timeline[1]}\n`);
    expect(at(base.timeline[0])).toBeGreaterThan(at(base.tryIt));
  });

  it('says how to get Grafana when it was not started, and what is missing', () => {
    const text = summaryLines({
      ...base,
      prometheusPage: null,
      alertmanagerUrl: null,
      simulatorUrl: null,
      knownIssues: [],
      tryIt: null,
      timeline: [],
      grafana: { notStarted: 'not installed here' },
      webhooks: { notStarted: 'not started: set MIST_WEBHOOK_SECRET' },
    }).join('\n');
    expect(text).toMatch(/^webhook receiver {2}not started: set MIST_WEBHOOK_SECRET$/m);
    expect(printedUrls(text).post).toEqual([]);
    expect(text).toMatch(/^Grafana {11}not installed here; `docker compose --profile demo up` runs/m);
    expect(text).toMatch(/^Prometheus {8}not installed \(/m);
    expect(printedUrls(text).get.every((u) => u.startsWith('http://127.0.0.1:5000/'))).toBe(true);
  });
});

describe('orgSummary', () => {
  it('counts gateways, connected ones, WAN ports and enabled ports down', () => {
    const data = [
      {
        status: 'connected',
        ports: [{ up: true }, { up: false, enabled: true }, { up: false, enabled: false }],
      },
      { status: 'disconnected', ports: [{ up: false }] },
      { status: 'connected' },
    ];
    expect(orgSummary(data)).toBe('3 gateways (2 connected), 4 WAN ports (2 enabled and down)');
  });

  it('is null while there is nothing to show', () => {
    expect(orgSummary([])).toBeNull();
    expect(orgSummary({ error: 'No gateway data in cache' })).toBeNull();
    expect(orgSummary(undefined)).toBeNull();
  });
});

describe('pickCircuit', () => {
  const gw = (o: Partial<TruthLike['gateways'][number]>): TruthLike['gateways'][number] => ({
    mac: 'aa',
    name: 'gw',
    status: 'connected',
    hub: false,
    ports: [],
    ...o,
  });
  const port = (port_id: string, o: Partial<{ usage: string; up: boolean; disabled: boolean }> = {}) => ({
    port_id,
    usage: 'wan',
    up: true,
    disabled: false,
    ...o,
  });

  it('picks an up, enabled WAN port of a connected spoke that keeps another circuit up', () => {
    const truth: TruthLike = {
      gateways: [
        gw({ mac: 'h1', hub: true, ports: [port('ge-0/0/0'), port('ge-0/0/1')] }),
        gw({ mac: 'd1', status: 'disconnected', ports: [port('ge-0/0/0'), port('ge-0/0/1')] }),
        gw({ mac: 'o1', ports: [port('ge-0/0/0'), port('ge-0/0/1', { up: false })] }),
        gw({
          mac: 's1',
          name: 'spoke',
          ports: [
            port('ge-0/0/0', { up: false }),
            port('ge-0/0/1', { disabled: true }),
            port('ge-0/0/2', { usage: 'lan' }),
            port('ge-0/0/3'),
            port('ge-0/0/4'),
          ],
        }),
      ],
    };
    expect(pickCircuit(truth)).toEqual({ mac: 's1', name: 'spoke', port_id: 'ge-0/0/3' });
  });

  it("leaves the known issues' gateways alone", () => {
    const two = [port('ge-0/0/0'), port('ge-0/0/1')];
    const truth: TruthLike = { gateways: [gw({ mac: 'k1', ports: two }), gw({ mac: 's2', ports: two })] };
    expect(pickCircuit(truth, new Set(['k1']))?.mac).toBe('s2');
    expect(pickCircuit(truth, new Set(['k1', 's2']))).toBeNull();
  });

  it('is null when no circuit qualifies', () => {
    expect(pickCircuit({ gateways: [gw({ ports: [port('ge-0/0/0', { up: false })] })] })).toBeNull();
  });
});

describe('knownIssueLines', () => {
  it('names each issue with its alerts, counting repeated instances', () => {
    const lines = knownIssueLines([
      { text: 'circuit down: gw1 ge-0/0/1', mac: 'a', alerts: ['WanCircuitDown'] },
      { text: 'peer path degraded: gw2', mac: 'b', alerts: ['VpnPeerPathDegraded', 'VpnPeerPathDegraded'] },
    ]);
    expect(lines).toEqual([
      'The simulated org is healthy but for 2 known issues (3 alerts: pending first, firing once pending for their `for`):',
      '  circuit down: gw1 ge-0/0/1  -> WanCircuitDown',
      '  peer path degraded: gw2     -> VpnPeerPathDegraded x2',
    ]);
  });

  it('says nothing when there are none (a realistic org)', () => {
    expect(knownIssueLines([])).toEqual([]);
  });
});
