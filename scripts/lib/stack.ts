/**
 * What one run (the demo, an end-to-end test, a benchmark) started, so that it can all be stopped,
 * in reverse order, exactly once: from a signal handler, from afterAll, or after a start-up error.
 * A part that finishes starting after stop() began is stopped at once, so nothing started during a
 * stop outlives it.
 */

/** Thrown by Stack.track when the stack is already stopping: the caller should just unwind. */
export class StackStopped extends Error {
  constructor(name: string) {
    super(`stopping: ${name} was stopped right after it started`);
  }
}

interface Part {
  name: string;
  stop: () => Promise<unknown>;
}

export class Stack {
  private readonly parts: Part[] = [];
  private stopped: Promise<string[]> | null = null;

  get stopping(): boolean {
    return this.stopped !== null;
  }

  /** Names of the parts running, in start order. */
  names(): string[] {
    return this.parts.map((p) => p.name);
  }

  /** Register a part that just started; returns it. Throws StackStopped (after stopping it) if stopping. */
  async track<T>(name: string, part: T, stop: (part: T) => Promise<unknown>): Promise<T> {
    if (this.stopped) {
      await stop(part).catch(() => {});
      throw new StackStopped(name);
    }
    this.parts.push({ name, stop: () => stop(part) });
    return part;
  }

  /**
   * Stop every part, last started first; idempotent (later calls get the same promise). Resolves with
   * the problems met ("name: message"), never rejects: one part failing to stop must not leave the
   * others running.
   */
  stop(): Promise<string[]> {
    this.stopped ??= (async () => {
      const problems: string[] = [];
      for (const p of this.parts.splice(0).reverse()) {
        try {
          await p.stop();
        } catch (e) {
          problems.push(`${p.name}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      return problems;
    })();
    return this.stopped;
  }
}
