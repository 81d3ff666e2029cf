/**
 * The collector's Redis, in three parts: `data`, the one write path of Mist data (every phase writes
 * through it); `status`, the collector's own metadata keys; `read`, what a start or a cycle reads back.
 */
import type { Redis } from 'ioredis';
import { DataWriter } from './data-writer.js';
import { StoreReader } from './reader.js';
import { StatusWriter } from './status-writer.js';

export class Store {
  readonly data: DataWriter;
  readonly status: StatusWriter;
  readonly read: StoreReader;

  constructor(
    readonly redis: Redis,
    dataTtlSeconds: number,
    now: () => number = Date.now,
  ) {
    this.data = new DataWriter(redis, dataTtlSeconds, now);
    this.status = new StatusWriter(redis, now);
    this.read = new StoreReader(redis);
  }

  /** Close the data writer's own connection (its watched transactions). */
  close(): Promise<void> {
    return this.data.close();
  }
}
