/**
 * PARALLEL_WORKERS slots shared by a run's phases, in two queues: single calls (configs, site
 * variables, insights) start before whole search walks that are waiting. A walk holds its slot for
 * several round trips, so in a plain first-come queue the few calls the ports enrichment waits for
 * (site variables) would wait behind every walk of the run. p-limit has one queue only.
 */
export class Slots {
  private running = 0;
  private readonly calls: Array<() => void> = [];
  private readonly walks: Array<() => void> = [];

  constructor(private readonly size: number) {}

  run<T>(fn: () => Promise<T>, opts: { walk?: boolean } = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.running++;
        Promise.resolve()
          .then(fn)
          .then(resolve, reject)
          .finally(() => {
            this.running--;
            this.next();
          });
      };
      (opts.walk ? this.walks : this.calls).push(start);
      this.next();
    });
  }

  private next(): void {
    while (this.running < this.size) {
      const start = this.calls.shift() ?? this.walks.shift();
      if (!start) return;
      start();
    }
  }
}
