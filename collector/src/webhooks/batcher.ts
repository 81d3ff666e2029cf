/**
 * Requests' events go to Redis in batches: while one batch is being written, the events of the
 * requests that arrive queue up and go together in the next transaction. A lone event is written at
 * once; a burst (a hub going down takes hundreds of paths with it) costs a few writes of the gateway
 * list, not one per event. Each request is answered once its events are written.
 */
import type { EventOutcome, MappedEvent } from './events.js';

/** Events per transaction at most (a larger queue is written in several). */
const MAX_BATCH_EVENTS = 5_000;

interface Pending {
  events: MappedEvent[];
  resolve: (o: EventOutcome[]) => void;
  reject: (e: unknown) => void;
}

export class Batcher {
  private queue: Pending[] = [];
  private running: Promise<void> | null = null;

  constructor(private readonly write: (events: MappedEvent[]) => Promise<EventOutcome[]>) {}

  /** Resolves with the outcome of each event once they are written (rejects if the write failed). */
  submit(events: MappedEvent[]): Promise<EventOutcome[]> {
    if (events.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      this.running ??= this.drain();
    });
  }

  /** Resolves when everything submitted so far is written (or failed). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    try {
      await this.drainQueue();
    } finally {
      // In the same tick as the last look at the queue: a request submitted later starts a new drain.
      this.running = null;
    }
  }

  private async drainQueue(): Promise<void> {
    while (this.queue.length > 0) {
      const batch: Pending[] = [];
      let n = 0;
      while (
        this.queue.length > 0 &&
        (batch.length === 0 || n + this.queue[0].events.length <= MAX_BATCH_EVENTS)
      ) {
        const p = this.queue.shift()!;
        batch.push(p);
        n += p.events.length;
      }
      try {
        const outcomes = await this.write(batch.flatMap((p) => p.events));
        let at = 0;
        for (const p of batch) {
          p.resolve(outcomes.slice(at, at + p.events.length));
          at += p.events.length;
        }
      } catch (e) {
        for (const p of batch) p.reject(e);
      }
    }
  }
}
