/** exporter/README.md's reference tables match the code (metric names, types, labels, help; env vars). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { METRICS } from '#common/metrics/index.js';
import { README, refreshedReadme } from './metrics-doc.js';

describe('exporter/README.md', () => {
  const doc = readFileSync(README, 'utf8');
  it('lists every defined metric family', () => {
    for (const m of Object.values(METRICS)) expect(doc).toContain(`\`${m}\``);
  });
  it('generated tables are up to date (npx tsx test/exporter/metrics-doc.ts --write)', () => {
    expect(doc).toBe(refreshedReadme(doc));
  });
});
