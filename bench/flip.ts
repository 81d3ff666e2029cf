/**
 * Flip latency without webhooks (bench/lib/flip.ts): a WAN port, a peer path and a gateway going
 * down in the simulator, timed to the exporter and to a real Prometheus, with every component at
 * its defaults, from the collector's first cycle on. Target: every flip in Prometheus within the
 * detection model's worst case at the state interval the collector publishes, plus 9 s (75 s at L's
 * 60 s polls). The part takes about two state intervals after the first cycle, whatever the rounds.
 *
 *   npx tsx bench/flip.ts                  # L, 5 rounds (2 with BENCH_QUICK=1, as npm run bench)
 *   npx tsx bench/flip.ts XL 3             # XL, 3 rounds
 */
import { runMain } from '#common/cli.js';
import type { SizeName } from '#simulator/index.js';
import { runFlipLatency } from './lib/flip.js';
import { flipTargetRow } from './lib/flip-report.js';
import { yes } from './lib/format.js';

await runMain('bench flip', async () => {
  const size = (process.argv.find((a) => /^(S|L|XL)$/.test(a)) ?? 'L') as SizeName;
  const quick = ['1', 'true', 'yes'].includes((process.env.BENCH_QUICK ?? '').toLowerCase());
  const rounds = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? (quick ? 2 : 5));
  const r = await runFlipLatency(size, { rounds, log: (l) => process.stdout.write(`${l}\n`) });
  const row = flipTargetRow(size, r);
  process.stdout.write(
    `| ${row.size} | ${row.figure} | ${row.measured} | ${row.target} | ${row.baseline} | ${yes(r.ok)} |\n` +
      `  ${r.ok ? 'PASS' : 'FAIL'} in ${r.durationSeconds} s\n`,
  );
  if (!r.ok) process.exitCode = 1;
});
