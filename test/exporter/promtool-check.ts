/**
 * `promtool check metrics` on exporter output. One known disagreement is set aside, and only it:
 * promtool's unit lint wants bytes, while the WAN rate and speed names in common/src/metric-names.ts
 * say bits per second (what the issue asks for, and what the dashboards already chart with unit
 * `bps`). Renaming them is the lead's call (see exporter/README.md); until then these three exact
 * lines are the only promtool output accepted. Anything else, including any parse error, fails.
 */
import { METRICS } from '../../common/src/metric-names.js';
import { promtool } from '../helpers/prometheus.js';

export const KNOWN_UNIT_LINT = [METRICS.wanPortRxRate, METRICS.wanPortSpeed, METRICS.wanPortTxRate].map(
  (m) => `${m} use base unit "bytes" instead of "bits"`,
);

export interface PromtoolVerdict {
  /** promtool exit code: 0 clean, 3 lint problems, 1 parse error. */
  code: number;
  /** Problems other than the known unit lint. */
  problems: string[];
}

export function promtoolCheck(text: string): PromtoolVerdict {
  const r = promtool(['check', 'metrics'], text);
  const lines = `${r.stdout}\n${r.stderr}`
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const problems = lines.filter((l) => !KNOWN_UNIT_LINT.includes(l));
  const onlyKnown = problems.length === 0 && (r.code === 0 || r.code === 3);
  return { code: onlyKnown ? 0 : r.code, problems };
}
