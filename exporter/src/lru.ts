/** A byte-bounded LRU of response bodies (Map insertion order is the recency order). */
export interface Sized {
  /** Bytes the value holds. */
  readonly bytes: number;
}

type Value = Buffer | Sized;
const sizeOf = (v: Value) => (Buffer.isBuffer(v) ? v.length : v.bytes);

export class ByteLru<V extends Value = Value> {
  private readonly map = new Map<string, { value: V; size: number }>();
  private bytes = 0;

  constructor(readonly maxBytes: number) {}

  get(key: string): V | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  set(key: string, value: V): void {
    const old = this.map.get(key);
    if (old) {
      this.bytes -= old.size;
      this.map.delete(key);
    }
    const size = sizeOf(value);
    if (size > this.maxBytes) return;
    this.map.set(key, { value, size });
    this.bytes += size;
    for (const [k, e] of this.map) {
      if (this.bytes <= this.maxBytes) break;
      this.map.delete(k);
      this.bytes -= e.size;
    }
  }

  get size(): number {
    return this.map.size;
  }

  get totalBytes(): number {
    return this.bytes;
  }
}
