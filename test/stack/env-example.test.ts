/**
 * .env.example documents every variable of every component (from the config schemas) and every
 * variable docker-compose interpolates, and is what scripts/env-docs.ts generates.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  COMPONENTS,
  COMPOSE_VARS,
  ENV_EXAMPLE,
  README,
  renderEnvExample,
  renderMarkdown,
  renderReadme,
} from '../../scripts/env-docs.js';

const REPO = join(import.meta.dirname, '../..');
const text = readFileSync(ENV_EXAMPLE, 'utf8');
/** Names on `NAME=` lines, commented out or not. */
const listed = new Set([...text.matchAll(/^(?:# )?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));

describe('README.md configuration tables', () => {
  it('are the ones the schemas give (npx tsx scripts/env-docs.ts --write)', () => {
    const readme = readFileSync(README, 'utf8');
    expect(readme).toBe(renderReadme(readme));
    expect(readme).toContain(renderMarkdown());
  });
});

describe('.env.example', () => {
  it('is up to date with the schemas and docker-compose.yml (npx tsx scripts/env-docs.ts --write)', () => {
    expect(text).toBe(renderEnvExample());
  });

  it('lists every variable of every component schema', () => {
    const names = COMPONENTS.flatMap((c) => Object.values(c.schema).map((s) => s.name));
    expect(names.length).toBeGreaterThan(30);
    for (const n of names) expect(listed.has(n), n).toBe(true);
  });

  it('lists every variable the compose files interpolate', () => {
    for (const f of ['docker-compose.yml', 'docker-compose.dev.yml']) {
      const compose = readFileSync(join(REPO, f), 'utf8');
      for (const m of compose.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g))
        expect(listed.has(m[1]), `${f}: ${m[1]}`).toBe(true);
    }
    for (const v of COMPOSE_VARS) expect(listed.has(v.name), v.name).toBe(true);
  });

  it('leaves every secret empty and gives the required compose passwords no value', () => {
    for (const line of text.split('\n')) {
      const m = /^([A-Z][A-Z0-9_]*(PASSWORD|TOKEN))=(.*)$/.exec(line);
      if (m) expect(m[3], m[1]).toBe('');
    }
  });
});

describe('env docs markdown', () => {
  it('has a table per component with every variable', () => {
    const md = renderMarkdown();
    for (const c of COMPONENTS) {
      expect(md).toContain(`### ${c.title}`);
      for (const s of Object.values(c.schema)) expect(md).toContain(`| \`${s.name}\` |`);
    }
  });
});
