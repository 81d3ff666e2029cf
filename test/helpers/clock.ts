/**
 * Rate-limit windows are clock hours (Mist's and the simulator's). A test that spends or exhausts
 * an hour's budget and then checks it is still spent would fail when the hour turns in between:
 * such tests start clear of the hour's end.
 */
import { sleep } from './net.js';

/** Milliseconds until the next clock hour starts. */
function msToHourEnd(nowMs = Date.now()): number {
  return 3_600_000 - (nowMs % 3_600_000);
}

/** If fewer than `seconds` are left in this clock hour, wait until just after it turns. */
export async function clearOfHourEnd(seconds: number): Promise<void> {
  const left = msToHourEnd();
  if (left < seconds * 1000) await sleep(left + 1000);
}
