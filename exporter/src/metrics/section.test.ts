import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FAMILIES as F } from '#common/metrics/index.js';
import { labelSet, type Sample } from './exposition.js';
import { renderSection } from './section.js';

/** Port-like samples: repetitive text, as the real families are. */
function ports(n: number): Sample[] {
  const out: Sample[] = [];
  for (let i = 0; i < n; i++) {
    const labels = labelSet(
      ['site', 'gateway_id', 'gateway', 'port'],
      [`Store ${i % 97}`, `00000000-0000-0000-1000-${String(i).padStart(12, '0')}`, `gw-${i}`, 'ge-0/0/1'],
    );
    out.push([labels, (i * 7919) % 1000]);
  }
  return out;
}

const write = (n: number) =>
  renderSection((w) => w.family(F.wanPortUp, ports(n)).family(F.wanPortRxBytes, ports(n)));

describe('Section', () => {
  it('holds one gzip body whose members are the families, each a gzip stream of its own', async () => {
    const s = await write(50);
    const text = gunzipSync(s.gzip).toString('utf8');
    expect(Buffer.byteLength(text)).toBe(s.bytes);
    expect(s.members).toHaveLength(2);
    expect(s.members.map((m) => gunzipSync(m).toString('utf8')).join('')).toBe(text);
    expect(s.families).toEqual([F.wanPortUp.name, F.wanPortRxBytes.name]);
  });

  it('repack serves the same text in fewer bytes, member by member', async () => {
    const s = await write(20_000);
    const before = s.gzip;
    const text = gunzipSync(before).toString('utf8');
    await s.repack();
    expect(s.gzip.length).toBeLessThan(before.length);
    expect(gunzipSync(s.gzip).toString('utf8')).toBe(text);
    expect(s.members).toHaveLength(2);
    expect(s.members.map((m) => gunzipSync(m).toString('utf8')).join('')).toBe(text);
    // The buffers a scrape took before stay valid.
    expect(gunzipSync(before).toString('utf8')).toBe(text);
    expect(s.repack()).toBe(s.repack());
  });
});
