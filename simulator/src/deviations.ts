/**
 * Every place where the simulator deliberately answers something the schemas in simulator/schemas/
 * do not describe, with why that is harmless. Listed once, here; the schema tests check that each
 * entry is real (without it, or without the field, some answer would differ from the schemas) and
 * validate strictly otherwise. docs/mist-api.md has the spec facts behind each one.
 */

/** The schema files by name (`stats.json`...), as parsed JSON. */
export type SchemaDocs = Record<string, Record<string, unknown>>;

export interface Deviation {
  id: string;
  operations: string[];
  what: string;
  harmless: string;
  /** Answers the schemas reject: widen (a copy of) the schemas to accept exactly this. */
  widen?: (docs: SchemaDocs) => void;
  /** Fields the simulator sends that the schemas do not declare (open objects accept them unseen). */
  extraFields?: string[];
}

/** A `$defs` entry of a schema file; throws when the file or the entry is missing. */
function def(docs: SchemaDocs, file: string, name: string): Record<string, unknown> {
  const defs = docs[file]?.$defs as Record<string, Record<string, unknown>> | undefined;
  const d = defs?.[name];
  if (!d) throw new Error(`deviation: ${file} has no $defs/${name}`);
  return d;
}

export const DEVIATIONS: Deviation[] = [
  {
    id: 'insights-null-points',
    operations: ['getSiteInsightMetricsForGateway'],
    what: '`results` (and the per-metric arrays) hold `null` for buckets without data: the current incomplete one, while the gateway was offline, ~1% missing samples',
    harmless:
      'the response schema allows only integers and strings, yet the spec’s own insight-metric catalogue example shows null points (`[18, null, 15]`); a client must treat null as a gap, which is what this exercises',
    widen: (docs) => {
      const props = def(docs, 'insights.json', 'getSiteInsightMetricsForGateway').properties as Record<
        string,
        Record<string, unknown>
      >;
      props.results = { type: 'array', items: { type: ['integer', 'string', 'null'] } };
    },
  },
  {
    id: 'insights-per-metric-arrays',
    operations: ['getSiteInsightMetricsForGateway'],
    what: 'when several metrics are asked, one top-level array per metric (`rx_bps`, `tx_bps`, ...) beside `results` (a copy of the first metric)',
    harmless:
      'the spec’s single `results` array cannot carry two metrics and no version says how a multi-metric answer looks; the application this project re-implements reads per-metric arrays from the live API. The spec’s `rt` and `results` are sent too, so a client reading those works',
    extraFields: ['rx_bps', 'tx_bps'],
  },
  {
    id: 'device-gatewaytemplate-id',
    operations: ['getSiteDevice', 'listSiteDevices'],
    what: '`gatewaytemplate_id` on the device config of HA clusters and ~5% of spokes',
    harmless:
      'the device config schema does not list it (2511 or 2606); the application this project re-implements reads it before the site’s `gatewaytemplate_id`. A client that ignores it falls back to the site’s template',
    extraFields: ['gatewaytemplate_id'],
  },
];
