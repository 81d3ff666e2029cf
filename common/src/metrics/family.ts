/**
 * What a metric family is: name, type, help, label names and unit, in one place. The exporter writes
 * families from these definitions, the README table is generated from them, and the dashboards and
 * alert rules query their names (a rename breaks the build of all of them, not a dashboard).
 * Conventions: `mist_` prefix, base units, `_total` only on counters, `_info` for metadata series.
 */

export type MetricType = 'gauge' | 'counter' | 'histogram';

/** The base unit a name ends with (before `_total`); '' for counts, states, scores and `_info`. */
export type Unit = '' | 'seconds' | 'bytes' | 'bytes_per_second' | 'ratio';

export interface Family<N extends string = string> {
  readonly name: N;
  readonly type: MetricType;
  readonly help: string;
  readonly labels: readonly string[];
  readonly unit: Unit;
}

/** A process or runtime family: written by prom-client, whose help text it carries. */
export type RuntimeFamily<N extends string = string> = Omit<Family<N>, 'help'>;

const NONE: readonly string[] = [];

export function gauge<const N extends string>(
  name: N,
  unit: Unit,
  help: string,
  labels: readonly string[] = NONE,
): Family<N> {
  return { name, type: 'gauge', help, labels, unit };
}

export function counter<const N extends string>(
  name: N,
  unit: Unit,
  help: string,
  labels: readonly string[] = NONE,
): Family<N> {
  return { name, type: 'counter', help, labels, unit };
}

export function runtime<const N extends string>(
  name: N,
  type: MetricType,
  unit: Unit,
  labels: readonly string[] = NONE,
): RuntimeFamily<N> {
  return { name, type, labels, unit };
}
