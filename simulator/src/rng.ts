/**
 * Deterministic randomness: the org, the traffic and the fault decisions all derive from the seed,
 * so the same seed and size always give the same org (tests compare runs).
 */

/** 32-bit FNV-1a hash of a string, mixed (murmur3 finaliser) so nearby inputs spread well. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A float in [0, 1) from the hash of the parts: stable per (seed, thing) without keeping state. */
export function unit(...parts: Array<string | number>): number {
  return hash32(parts.join('|')) / 4294967296;
}

/** Small, fast seeded PRNG (mulberry32). */
export class Rng {
  private state: number;
  constructor(seed: number | string) {
    this.state = typeof seed === 'number' ? seed >>> 0 : hash32(seed);
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  float(min: number, max: number): number {
    return min + this.next() * (max - min);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}

/** A UUID-shaped id that is a pure function of its parts (sites, templates, profiles, orgs). */
export function uuidFrom(...parts: Array<string | number>): string {
  const key = parts.join('|');
  const hex = [0, 1, 2, 3].map((i) => hash32(`${key}#${i}`).toString(16).padStart(8, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Mist device ids embed the MAC: `00000000-0000-0000-1000-<mac12>` (as in the spec's examples). */
export function deviceIdFromMac(mac: string): string {
  return `00000000-0000-0000-1000-${mac}`;
}

export function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0').slice(-width);
}
