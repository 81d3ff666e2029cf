/**
 * The simulator as bench/collector.ts uses it: in its own process (default; a remote Mist does not
 * share the collector's CPU) through the control API, or in the same process.
 */
import { type CallStatsSnapshot, type OrgTruth, type SizeName, startSimulator } from '#simulator/index.js';
import { spawnSimulator } from '../../scripts/lib/proc.js';
import { SimControl } from '../../test/helpers/simulator.js';

/** What the benchmark needs of the simulator, wherever it runs. */
export interface SimLink {
  url: string;
  token: string;
  truth(): Promise<OrgTruth>;
  stats(): Promise<CallStatsSnapshot>;
  resetStats(): Promise<void>;
  advance(seconds: number): Promise<void>;
  stop(): Promise<void>;
}

export async function simulatorLink(
  size: SizeName,
  latencyMs: number,
  where: 'process' | 'in-process',
): Promise<SimLink> {
  if (where === 'in-process') {
    const sim = await startSimulator({ size, latencyMs, seed: 1 });
    return {
      url: sim.url,
      token: sim.tokens[0] as string,
      truth: async () => sim.truth(),
      stats: async () => sim.stats(),
      resetStats: async () => sim.resetStats(),
      advance: async (s) => {
        sim.advance(s);
      },
      stop: () => sim.stop(),
    };
  }
  const { handle, url } = await spawnSimulator({
    SIM_SIZE: size,
    SIM_SEED: '1',
    SIM_LATENCY_MS: String(latencyMs),
    SIM_TOKENS: 'bench-token-1',
    SIM_LOG_LEVEL: 'warn',
  });
  const ctl = new SimControl(url);
  return {
    url,
    token: 'bench-token-1',
    truth: () => ctl.org(),
    stats: () => ctl.stats(),
    resetStats: async () => {
      await ctl.reset();
    },
    advance: async (s) => {
      await ctl.advanceTime(s);
    },
    stop: async () => {
      await handle.stop(5000);
    },
  };
}
