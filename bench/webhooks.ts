/**
 * Flip latency with webhooks (bench/lib/webhook-flips.ts) for the given sizes: from a /__sim flip to
 * the exporter serving it and to Prometheus returning it, with the collector at its defaults (one
 * token) and the webhook receiver as its own process. Prints a Markdown table and the raw figures.
 *
 *   npx tsx bench/webhooks.ts                 # L and XL, 3 rounds, Prometheus at prometheus.yml's scrape interval
 *   npx tsx bench/webhooks.ts S 1 15s         # sizes (comma list), rounds, scrape interval
 */
import { runMain } from '#common/cli.js';
import type { SizeName } from '#simulator/index.js';
import { shippedScrape } from './lib/flip-stack.js';
import { runWebhookFlipLatency, type WebhookFlipResult } from './lib/webhook-flips.js';

await runMain('bench webhooks', async () => {
  const [sizesArg = 'L,XL', roundsArg = '3', scrapeArg] = process.argv.slice(2);
  const scrape = scrapeArg ?? shippedScrape();
  const sizes = sizesArg.split(',').map((x) => x.trim().toUpperCase()) as SizeName[];
  const results: WebhookFlipResult[] = [];
  for (const size of sizes) {
    results.push(await runWebhookFlipLatency(size, { rounds: Number(roundsArg), scrapeInterval: scrape }));
  }
  const rows = results.flatMap((r) =>
    Object.entries(r.summary).map(
      ([kind, s]) =>
        `| ${r.size} (${r.gateways} gateways) | ${kind} | ${s.exporterMedian} / ${s.exporterMax} | ${s.promMedian} / ${s.promMax} | ${s.eventsMedian} | ${s.batchMedian} |`,
    ),
  );
  process.stdout.write(
    [
      `Prometheus scrape and evaluation interval: ${scrape}; ${roundsArg} flips of each kind.`,
      '',
      '| Org | Flip | To the exporter, s (median / max) | To Prometheus, s (median / max) | Webhook events | Receiver batch, s (median) |',
      '|---|---|---|---|---|---|',
      ...rows,
      '',
      JSON.stringify(results, null, 1),
      '',
    ].join('\n'),
  );
});
