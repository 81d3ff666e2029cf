import { describe, expect, it } from 'vitest';
import { Slots } from './slots.js';

/** A task that finishes when its `done` is called; `order` records when each one started. */
function tasks(order: string[]) {
  const done = new Map<string, () => void>();
  const task = (name: string) => () =>
    new Promise<string>((resolve) => {
      order.push(name);
      done.set(name, () => resolve(name));
    });
  return { task, finish: (name: string) => done.get(name)!() };
}

describe('Slots', () => {
  it('runs at most `size` walks and `size` calls at once, each in the order asked', async () => {
    const order: string[] = [];
    const { task, finish } = tasks(order);
    const slots = new Slots(2);
    const all = [
      slots.run(task('walk1'), { walk: true }),
      slots.run(task('walk2'), { walk: true }),
      slots.run(task('walk3'), { walk: true }),
      slots.run(task('call1')),
      slots.run(task('call2')),
      slots.run(task('call3')),
    ];
    await new Promise((r) => setImmediate(r));
    // Busy walks do not hold calls back, nor the other way round.
    expect(order).toEqual(['walk1', 'walk2', 'call1', 'call2']);
    finish('call1');
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['walk1', 'walk2', 'call1', 'call2', 'call3']);
    finish('walk2');
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['walk1', 'walk2', 'call1', 'call2', 'call3', 'walk3']);
    for (const n of ['walk1', 'walk3', 'call2', 'call3']) finish(n);
    expect(await Promise.all(all)).toEqual(['walk1', 'walk2', 'walk3', 'call1', 'call2', 'call3']);
  });

  it('a task that throws frees its slot and rejects its own promise only', async () => {
    const slots = new Slots(1);
    const failed = slots.run(() => {
      throw new Error('boom');
    });
    await expect(failed).rejects.toThrow('boom');
    expect(await slots.run(async () => 'next')).toBe('next');
  });
});
