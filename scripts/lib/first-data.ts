/**
 * The demo's "data is in" moment: the collector has finished a ports phase (its log line says how many
 * WAN ports it wrote) and the exporter serves that many. Waiting for the log, not just for a non-empty
 * /api/gateways, matters: a first cycle on an empty Redis writes the gateway list before their ports.
 */
import { orgSummary, portCount, portsWritten } from './demo-text.js';

const POLL_MS = 1000;

export class FirstData {
  private written: number | null = null;

  /** Feed every collector output line. */
  onCollectorLine(line: string): void {
    const n = portsWritten(line);
    if (n !== null) this.written = n;
  }

  /**
   * Resolves with the summary of what the exporter serves once it serves the ports the collector
   * last wrote; null if `stopping()` says yes first.
   */
  async wait(exporterUrl: string, stopping: () => boolean): Promise<string | null> {
    while (!stopping()) {
      if (this.written !== null) {
        try {
          const res = await fetch(`${exporterUrl}/api/gateways`, { signal: AbortSignal.timeout(10_000) });
          if (!res.ok) {
            await res.arrayBuffer();
          } else {
            const { data } = (await res.json()) as { data?: unknown };
            const summary = orgSummary(data);
            if (summary && portCount(data) === this.written) return summary;
          }
        } catch {
          // exporter busy or restarting: try again
        }
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    return null;
  }
}
