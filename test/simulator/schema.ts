/**
 * Validation of Mist answers against the project's own schemas (simulator/schemas/, JSON Schema
 * 2020-12, ajv in strict mode with formats), with the documented deviations
 * (simulator/src/deviations.ts) applied and nothing else relaxed.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { DEVIATIONS, type SchemaDocs } from '#simulator/deviations.js';

const DIR = new URL('../../simulator/schemas/', import.meta.url);

export interface OperationEntry {
  path: string;
  paging: 'none' | 'list' | 'search';
  schema: string;
  spec?: string;
}

export interface OperationsIndex {
  spec: string;
  base: string;
  files: string[];
  operations: Record<string, OperationEntry>;
}

type Json = Record<string, unknown>;

function readJson<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, DIR), 'utf8')) as T;
}

export const OPERATIONS: OperationsIndex = readJson('operations.json');

/** The schema files, freshly parsed (callers may change their copy). */
export function schemaDocs(): SchemaDocs {
  return Object.fromEntries(OPERATIONS.files.map((f) => [f, readJson<Json>(f)]));
}

export interface SchemaValidator {
  /** Validator of the 200 answer of an operationId; throws if the operation has no schema. */
  forOperation(operationId: string): ValidateFunction;
}

/** `deviations: false` validates against the schemas as written; `omit` leaves out one deviation. */
export function schemaValidator(opts: { deviations?: boolean; omit?: string } = {}): SchemaValidator {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
  // ajv-formats is CommonJS: its default export arrives as the module object under NodeNext.
  const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
    a: Ajv2020,
  ) => void;
  addFormats(ajv);
  const docs = schemaDocs();
  if (opts.deviations !== false) {
    for (const d of DEVIATIONS) if (d.id !== opts.omit) d.widen?.(docs);
  }
  for (const doc of Object.values(docs)) ajv.addSchema(doc);
  const cache = new Map<string, ValidateFunction>();
  return {
    forOperation(operationId) {
      const cached = cache.get(operationId);
      if (cached) return cached;
      const op = OPERATIONS.operations[operationId];
      if (!op) throw new Error(`no schema for ${operationId} in simulator/schemas/operations.json`);
      const v = ajv.compile({ $ref: `${OPERATIONS.base}${op.schema}` });
      cache.set(operationId, v);
      return v;
    },
  };
}

/**
 * Every property name the schema of `operationId` declares, at any depth (following `$ref`s across
 * the files): what an open object accepts knowingly rather than unseen.
 */
export function declaredFields(operationId: string): Set<string> {
  const docs = schemaDocs();
  const out = new Set<string>();
  const seen = new Set<unknown>();
  const resolve = (ref: string, file: string): [unknown, string] => {
    const [target, pointer = ''] = ref.split('#');
    const f = target ? target.replace(OPERATIONS.base, '') : file;
    let node: unknown = docs[f];
    for (const part of pointer.split('/').filter(Boolean)) node = (node as Json)[part];
    return [node, f];
  };
  const walk = (node: unknown, file: string) => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const n of node) walk(n, file);
      return;
    }
    const o = node as Json;
    if (typeof o.$ref === 'string') walk(...resolve(o.$ref, file));
    if (o.properties && typeof o.properties === 'object') {
      for (const k of Object.keys(o.properties)) out.add(k);
    }
    for (const [k, v] of Object.entries(o)) if (k !== '$ref') walk(v, file);
  };
  const op = OPERATIONS.operations[operationId];
  if (!op) throw new Error(`no schema for ${operationId} in simulator/schemas/operations.json`);
  walk(...resolve(op.schema, ''));
  return out;
}

/** Short readable list of ajv errors. */
export function errorsText(v: ValidateFunction, max = 8): string {
  return (v.errors ?? [])
    .slice(0, max)
    .map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`)
    .join('\n');
}
