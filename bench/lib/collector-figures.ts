/** The figures the collector benchmark (bench/collector.ts) returns, and its options. */
export interface CycleFigures {
  calls: number;
  coreCalls: number;
  insightsCalls: number;
  seconds: number;
  coreSeconds: number;
  byOperation: Record<string, number>;
  /** Wall time of each phase that ran (absent in results of older runs). */
  phaseSeconds?: Record<string, number>;
  /**
   * CPU seconds of the benchmark's process during the run (the collector, and the simulator when it
   * runs in the same process): what the wall time cannot go below on a machine without other load.
   */
  cpuSeconds?: number;
}

/** One state poll: what it cost, and what it wrote. */
export interface PollFigures {
  calls: number;
  seconds: number;
  /** Series keys written (a resolution's key is written when it gains a bucket), and their bytes. */
  seriesKeys: number;
  seriesBytes: number;
  /** Bytes received and sent by Redis during the poll (INFO total_net_input/output_bytes). */
  redisInBytes: number;
  redisOutBytes: number;
}

/** Per simulated hour of the state-poll cadence. */
export interface HourFigures {
  calls: number;
  insightsCalls: number;
  polls: number;
  fullCycles: number;
  /** Ports whose history still has a gap an insights call can fill, at the hour's end. */
  backfillPending: number;
  /** The largest stalest-1h-series age the collector reported after a run in this hour. */
  stalestHourSeriesSeconds: number | null;
}

export interface CollectorBenchResult {
  size: string;
  org: { sites: number; gateways: number; wanPorts: number; peerPaths: number };
  latencyMs: number;
  /** Where the simulator ran (see CollectorBenchOptions.simulator). */
  simulator: 'process' | 'in-process';
  workerIntervalSeconds: number;
  firstCycle: CycleFigures;
  /**
   * Of the full cycles that began after the cold start's config fill, the one of median core time
   * (the last full cycle when the fill never completed; the first cycle with `quick`).
   */
  steadyCycle: CycleFigures;
  /** The full cycles the steady one was picked from, and their core times (absent in older results). */
  steadyCycles?: { count: number; coreSecondsMin: number; coreSecondsMax: number };
  /** Calls per simulated hour (all operations), in order; empty with `quick`. */
  hourlyCalls: number[];
  hourlyLimit: number;
  budgetShare: number;
  insights: { refreshPeriodSeconds: number; portsFresh: number; portsTotal: number };
  /** 2 + ceil(S/1000) + ceil(G/1000) + S*(1+enrichment) + G + G*P*4, enrichment = 4 (see below). */
  referenceFullCycleCalls: number;
  /** The state-poll cadence (absent in results of older runs). */
  statePolls?: {
    intervalSeconds: number;
    configuredSeconds: number;
    /** A steady state poll: the median of the last hour's polls (calls, time), their mean (volumes). */
    steadyPoll: PollFigures;
    hours: HourFigures[];
    /** Measured from Redis at the end: seconds since the newest bucket of the stalest series ended. */
    stalestSeries: { '1h': number | null; '6h': number | null };
  };
  /** coreCallsMax/coreSecondsMax are checked for the L org only (the targets were set for it). */
  targets: { coreCallsMax: number; coreSecondsMax: number; hourlyMax: number };
  ok: boolean;
}

export interface CollectorBenchOptions {
  latencyMs?: number;
  /** Simulated hours of cycles after the first (0: just a few cycles). Default 2. */
  hours?: number;
  log?: (line: string) => void;
  /**
   * Where the simulator runs: 'process' (default: its own process, as a remote Mist would be, so its
   * page rendering does not take the collector's CPU) or 'in-process' (the same event loop).
   */
  simulator?: 'process' | 'in-process';
}
