/**
 * Flip latency without webhooks (bench/lib/flip.ts): a WAN port, a peer path and a gateway going
 * down in the simulator, timed to the exporter and to a real Prometheus, with every component at
 * its defaults. Target: every flip in Prometheus within 75 s (L, one token).
 *
 *   npx tsx bench/flip.ts            # L, 5 rounds
 *   npx tsx bench/flip.ts XL 3       # XL, 3 rounds
 */
import type { SizeName } from '#simulator/index.js';
import { runFlipLatency } from './lib/flip.js';

const size = (process.argv.find((a) => /^(S|L|XL)$/.test(a)) ?? 'L') as SizeName;
const rounds = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 5);
runFlipLatency(size, { rounds, log: (l) => process.stdout.write(`${l}\n`) }).then(
  (r) => {
    process.stdout.write(
      `  ${r.ok ? 'PASS' : 'FAIL'} (every flip in Prometheus within ${r.targetSeconds} s)\n`,
    );
    process.exitCode = r.ok ? 0 : 1;
  },
  (e) => {
    process.stderr.write(`flip benchmark failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
