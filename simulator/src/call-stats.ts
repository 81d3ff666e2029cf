/** Call counts for /__sim/stats: per operation, per token label, per status. */

export interface CallStatsSnapshot {
  total: number;
  by_operation: Record<string, number>;
  by_token: Record<string, number>;
  by_status: Record<string, number>;
}

export class CallStats {
  private s: CallStatsSnapshot = CallStats.empty();

  private static empty(): CallStatsSnapshot {
    return { total: 0, by_operation: {}, by_token: {}, by_status: {} };
  }

  /** A call as it arrives (rejected calls included). */
  count(operation: string, token: string): void {
    this.s.total++;
    this.s.by_operation[operation] = (this.s.by_operation[operation] ?? 0) + 1;
    this.s.by_token[token] = (this.s.by_token[token] ?? 0) + 1;
  }

  /** The status the call was answered with (`timeout` for calls never answered). */
  status(status: number | 'timeout'): void {
    const k = String(status);
    this.s.by_status[k] = (this.s.by_status[k] ?? 0) + 1;
  }

  snapshot(): CallStatsSnapshot {
    return structuredClone(this.s);
  }

  reset(): void {
    this.s = CallStats.empty();
  }
}
