import { describe, expect, it } from 'vitest';
import { Stack, StackStopped } from '../../scripts/lib/stack.js';

describe('Stack', () => {
  it('stops parts last started first, once', async () => {
    const order: string[] = [];
    const s = new Stack();
    for (const name of ['redis', 'simulator', 'collector']) {
      await s.track(name, name, async (n) => {
        order.push(n);
      });
    }
    expect(s.names()).toEqual(['redis', 'simulator', 'collector']);
    const [a, b] = await Promise.all([s.stop(), s.stop()]);
    expect(order).toEqual(['collector', 'simulator', 'redis']);
    expect(a).toEqual([]);
    expect(b).toBe(a);
    expect(s.names()).toEqual([]);
  });

  it('keeps stopping the others when one part fails to stop, and reports it', async () => {
    const stopped: string[] = [];
    const s = new Stack();
    await s.track('a', 'a', async (n) => stopped.push(n));
    await s.track('b', 'b', async () => {
      throw new Error('would not die');
    });
    await s.track('c', 'c', async (n) => stopped.push(n));
    expect(await s.stop()).toEqual(['b: would not die']);
    expect(stopped).toEqual(['c', 'a']);
  });

  it('stops a part that finished starting after stop() began, and tells the caller to unwind', async () => {
    const s = new Stack();
    await s.stop();
    let stoppedLate = false;
    await expect(
      s.track('prometheus', 1, async () => {
        stoppedLate = true;
      }),
    ).rejects.toBeInstanceOf(StackStopped);
    expect(stoppedLate).toBe(true);
    expect(s.stopping).toBe(true);
  });
});
