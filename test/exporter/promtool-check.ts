/**
 * `promtool check metrics` on exporter output. No finding is accepted: any lint line, any parse error
 * or a non-zero exit fails (the WAN rate and speed families are in bytes per second for this reason).
 */
import { promtool } from '../helpers/prometheus.js';

export interface PromtoolVerdict {
  /** promtool exit code: 0 clean, 3 lint problems, 1 parse error. */
  code: number;
  /** Every line promtool printed (lint findings or parse errors); empty when clean. */
  problems: string[];
}

export function promtoolCheck(text: string): PromtoolVerdict {
  const r = promtool(['check', 'metrics'], text);
  const problems = `${r.stdout}\n${r.stderr}`
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return { code: r.code, problems };
}
