/**
 * The Mist calls a run has in flight, in two pools of PARALLEL_WORKERS each: single calls (configs,
 * site variables, insights) and whole search walks. A walk holds its slot for several round trips:
 * sharing one pool, the few calls the ports enrichment waits for (site variables) would wait behind
 * every walk of the run, and the peer-path walks behind the port walks and the config refreshes
 * (measured at XL: every slot busy for 4 s, the peer walks starting only after 3 s). With a pool of
 * their own, the org's search walks take the same time whatever else the run fetches. p-limit has
 * one queue only.
 */
export class Slots {
  private readonly pools = { calls: new Pool(), walks: new Pool() };

  constructor(private readonly size: number) {}

  run<T>(fn: () => Promise<T>, opts: { walk?: boolean } = {}): Promise<T> {
    const pool = opts.walk ? this.pools.walks : this.pools.calls;
    return new Promise<T>((resolve, reject) => {
      pool.waiting.push(() => {
        pool.running++;
        Promise.resolve()
          .then(fn)
          .then(resolve, reject)
          .finally(() => {
            pool.running--;
            this.next(pool);
          });
      });
      this.next(pool);
    });
  }

  private next(pool: Pool): void {
    while (pool.running < this.size) {
      const start = pool.waiting.shift();
      if (!start) return;
      start();
    }
  }
}

class Pool {
  running = 0;
  readonly waiting: Array<() => void> = [];
}
