/**
 * Response validation against openapi-subset.json / openapi-alternatives.json the way
 * VALIDATING.md describes (Ajv 2020, strict off, formats on), with the documented deviations
 * (simulator/src/deviations.ts) applied to the component schemas and nothing else relaxed.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { DEVIATIONS } from '#simulator/deviations.js';

/** The spec lives in shared/ beside the repository (as in CI); MIST_OPENAPI_DIR overrides it. */
const SHARED = process.env.MIST_OPENAPI_DIR
  ? new URL(`file://${process.env.MIST_OPENAPI_DIR.replace(/\/?$/, '/')}`)
  : new URL('../../../shared/mist-api/', import.meta.url);

type Json = Record<string, unknown>;

function load(name: string): Json {
  const file = new URL(name, SHARED);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(
      `${file.pathname} not found: the Mist OpenAPI files are read from shared/mist-api/ beside the repository (or set MIST_OPENAPI_DIR)`,
    );
  }
  return JSON.parse(text) as Json;
}

function rewriteRefs(node: unknown, docId: string): unknown {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, docId));
  if (node && typeof node === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(node)) {
      out[k] =
        k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${docId}${v}` : rewriteRefs(v, docId);
    }
    return out;
  }
  return node;
}

export interface SpecValidator {
  /** Validator of the 200 response of an operationId; throws if the operation is unknown. */
  forOperation(operationId: string): ValidateFunction;
  operationIds(): string[];
}

/** `deviations: false` validates against the spec as published; `omit` leaves out one deviation. */
export function specValidator(opts: { deviations?: boolean; omit?: string } = {}): SpecValidator {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  // ajv-formats is CommonJS: its default export arrives as the module object under NodeNext.
  const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
    a: Ajv2020,
  ) => void;
  addFormats(ajv);
  const docs: Array<{ id: string; spec: Json }> = [
    { id: 'subset', spec: load('openapi-subset.json') },
    { id: 'alt', spec: load('openapi-alternatives.json') },
  ];
  const ops = new Map<string, { doc: string; schema: unknown }>();
  for (const { id, spec } of docs) {
    const components = structuredClone(spec.components) as Json;
    if (opts.deviations !== false) {
      for (const d of DEVIATIONS) if (d.id !== opts.omit) d.patch(components.schemas as Record<string, Json>);
    }
    ajv.addSchema({ $id: id, components: rewriteRefs(components, id) });
    const responses = components.responses as Json;
    for (const item of Object.values(spec.paths as Json)) {
      for (const op of Object.values(item as Json)) {
        const o = op as Json;
        if (typeof o?.operationId !== 'string' || ops.has(o.operationId)) continue;
        let r = (o.responses as Json)['200'] as Json;
        if (typeof r.$ref === 'string') r = responses[r.$ref.split('/').pop() as string] as Json;
        const schema = ((r.content as Json)['application/json'] as Json).schema;
        ops.set(o.operationId, { doc: id, schema: rewriteRefs(schema, id) });
      }
    }
  }
  const cache = new Map<string, ValidateFunction>();
  return {
    operationIds: () => [...ops.keys()],
    forOperation(operationId) {
      const cached = cache.get(operationId);
      if (cached) return cached;
      const op = ops.get(operationId);
      if (!op) throw new Error(`no operation ${operationId} in the OpenAPI files`);
      const v = ajv.compile(op.schema as Json);
      cache.set(operationId, v);
      return v;
    },
  };
}

/** Short readable list of ajv errors. */
export function errorsText(v: ValidateFunction, max = 8): string {
  return (v.errors ?? [])
    .slice(0, max)
    .map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`)
    .join('\n');
}
