/**
 * Environment documentation from the config schemas (common/src/config/*.ts), the single source of
 * every variable's name, default and meaning:
 *
 *   npx tsx scripts/env-docs.ts            Markdown tables (for the README), one per component
 *   npx tsx scripts/env-docs.ts --write    regenerate .env.example and the README's configuration tables
 *   npx tsx scripts/env-docs.ts --check    exit 1 if either is out of date
 *
 * .env.example also says, per variable, how docker-compose.yml uses it (read from the compose file):
 * passed from .env, set by the compose file itself, or only read by `npm run ...`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { runMain } from '#common/cli.js';
import { collectorSchema } from '#common/config/collector.js';
import { schemaTable, type VarSpec } from '#common/config/core.js';
import { exporterSchema } from '#common/config/exporter.js';
import { simulatorSchema } from '#common/config/simulator.js';
import { webhooksSchema } from '#common/config/webhooks.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ENV_EXAMPLE = join(REPO, '.env.example');
export const README = join(REPO, 'README.md');
const README_START = '<!-- generated:env-docs (npx tsx scripts/env-docs.ts --write) -->';
const README_END = '<!-- end:env-docs -->';

type Schema = Record<string, VarSpec<unknown>>;

export interface Component {
  title: string;
  /** docker-compose services that run it. */
  services: string[];
  schema: Schema;
  note: string;
}

export const COMPONENTS: Component[] = [
  {
    title: 'Collector',
    services: ['collector', 'collector-demo'],
    schema: collectorSchema({}),
    note: 'The only process holding Mist API tokens (npm run collector; compose services collector, collector-demo).',
  },
  {
    title: 'Exporter',
    services: ['exporter'],
    schema: exporterSchema,
    note: 'JSON API, /metrics and /health (npm run exporter; compose service exporter).',
  },
  {
    title: 'Webhook receiver',
    services: ['webhooks'],
    schema: webhooksSchema,
    note: 'Receives Mist webhooks and applies them to Redis at once; holds the webhook secret, never a token (npm run webhooks; compose service webhooks, webhooks profile).',
  },
  {
    title: 'Simulator',
    services: ['simulator'],
    schema: simulatorSchema,
    note: 'Mist API simulator for the demo and the tests (npm run simulator; compose service simulator, demo profile).',
  },
];

export interface ComposeVar {
  name: string;
  description: string;
  /** Value written in .env.example (uncommented); otherwise the line shows the default, commented. */
  value?: string;
  default?: string;
  required?: boolean;
}

/** Variables only docker-compose.yml reads (interpolation), not any process. */
export const COMPOSE_VARS: ComposeVar[] = [
  {
    name: 'COMPOSE_PROFILES',
    description:
      'Profiles `docker compose up` starts: `mist` = the collector against the real Mist API (set MIST_API_TOKEN). ' +
      '`docker compose --profile demo up` runs the simulator instead and ignores this line.',
    value: 'mist',
  },
  {
    name: 'REDIS_COLLECTOR_PASSWORD',
    description:
      'Password of the Redis user `collector` (read-write on mist:* keys). 16+ characters of A-Z a-z 0-9 . _ ~ -, e.g. `openssl rand -hex 24`.',
    required: true,
  },
  {
    name: 'REDIS_EXPORTER_PASSWORD',
    description: 'Password of the Redis user `exporter` (read-only). Same rules, a different value.',
    required: true,
  },
  { name: 'GRAFANA_ADMIN_PASSWORD', description: 'Password of the Grafana admin user.', required: true },
  { name: 'GRAFANA_ADMIN_USER', description: 'Grafana admin user name.', default: 'admin' },
  {
    name: 'BIND_ADDRESS',
    description:
      'Host address the exporter, Grafana, Prometheus and Alertmanager ports are published on (0.0.0.0 = all).',
    default: '127.0.0.1',
  },
  { name: 'EXPORTER_PORT', description: 'Host port of the exporter (JSON API, /metrics).', default: '5000' },
  { name: 'GRAFANA_PORT', description: 'Host port of Grafana.', default: '3000' },
  { name: 'PROMETHEUS_PORT', description: 'Host port of Prometheus.', default: '9090' },
  { name: 'ALERTMANAGER_PORT', description: 'Host port of Alertmanager.', default: '9093' },
  { name: 'PROMETHEUS_RETENTION', description: 'How long Prometheus keeps history.', default: '30d' },
  {
    name: 'WEBHOOK_BIND_ADDRESS',
    description:
      'Host address the webhook receiver is published on (webhooks profile); keep 127.0.0.1 behind a TLS reverse proxy.',
    default: '127.0.0.1',
  },
  { name: 'WEBHOOK_HOST_PORT', description: 'Host port of the webhook receiver.', default: '5001' },
  {
    name: 'MIST_IMAGE',
    description: 'Image name of the collector/exporter/simulator build.',
    default: 'mist-circuit-stats:local',
  },
];

type Services = Record<string, { environment?: Record<string, unknown> }>;

/** docker-compose.yml services with YAML merge keys resolved. */
export function composeServices(file = join(REPO, 'docker-compose.yml')): Services {
  const doc = parse(readFileSync(file, 'utf8'), { merge: true }) as { services: Services };
  return doc.services;
}

/** How compose gives `name` to the component's services ('' = passed through from .env). */
export function composeUse(name: string, services: string[], all: Services): string {
  const given = services
    .map((s) => ({ service: s, value: all[s]?.environment?.[name] }))
    .filter((x) => x.value !== undefined);
  if (given.length === 0) return 'Not passed by docker-compose.yml (npm run only).';
  const literal = given.filter((x) => !String(x.value).includes(`\${${name}`));
  if (literal.length === 0) return '';
  const shown = String(literal[0].value).replace(/\/\/[^:@/]+:[^@]+@/, '//user:***@');
  const where = literal.length === given.length ? '' : ` for ${literal.map((x) => x.service).join(', ')}`;
  return `docker-compose.yml sets it${where} (${shown}).`;
}

const comment = (text: string) => `# ${text}`;

function defaultText(spec: VarSpec<unknown>): string {
  const d = spec.default;
  return d === undefined ? '' : Array.isArray(d) ? d.join(',') : String(d);
}

/** The .env.example text. */
export function renderEnvExample(services: Services = composeServices()): string {
  const out: string[] = [
    '# mist-circuit-stats environment: copy to .env (or run deploy/init-env.sh) and fill in.',
    '# Generated by `npx tsx scripts/env-docs.ts --write` from the config schemas in common/src/config/',
    '# and docker-compose.yml: change those, not this file.',
    '# docker compose reads .env; `npm run collector|exporter|simulator` read the process environment.',
    '# A commented `# NAME=value` line shows the default: uncomment it to change the value.',
    '',
    '## Docker Compose',
  ];
  for (const v of COMPOSE_VARS) {
    out.push(comment(v.description + (v.required ? ' Required.' : '')));
    if (v.value !== undefined) out.push(`${v.name}=${v.value}`);
    else if (v.required) out.push(`${v.name}=`);
    else out.push(comment(`${v.name}=${v.default ?? ''}`));
  }
  const seen = new Map<string, string>();
  for (const c of COMPONENTS) {
    out.push('', `## ${c.title}`, comment(c.note));
    for (const spec of Object.values(c.schema)) {
      if (seen.has(spec.name)) {
        out.push(comment(`${spec.name}: see ${seen.get(spec.name)} above (${spec.description}).`));
        continue;
      }
      seen.set(spec.name, c.title);
      const users = COMPONENTS.filter((o) => Object.values(o.schema).some((s) => s.name === spec.name));
      const parts = [`${spec.description}.`];
      if (users.length > 1) parts.push(`Used by: ${users.map((u) => u.title.toLowerCase()).join(', ')}.`);
      if (spec.aliases?.length) parts.push(`Also read as ${spec.aliases.join(', ')}.`);
      if (spec.required) parts.push('Required.');
      const use = composeUse(spec.name, c.services, services);
      if (use) parts.push(use);
      out.push(comment(parts.join(' ')));
      out.push(spec.required ? `${spec.name}=` : comment(`${spec.name}=${defaultText(spec)}`));
    }
  }
  return `${out.join('\n')}\n`;
}

/** Markdown: one table per component, then the compose-only variables. */
export function renderMarkdown(): string {
  const sections = COMPONENTS.map((c) => `### ${c.title}\n\n${c.note}\n\n${schemaTable(c.schema)}`);
  const compose = [
    '| Variable | Default | Meaning |',
    '|---|---|---|',
    ...COMPOSE_VARS.map(
      (v) =>
        `| \`${v.name}\` | ${v.required ? 'required' : `\`${v.value ?? v.default}\``} | ${v.description} |`,
    ),
  ].join('\n');
  return `${[...sections, `### Docker Compose\n\nRead by docker-compose.yml only.\n\n${compose}`].join('\n\n')}\n`;
}

/** README.md with the text between the env-docs markers replaced by renderMarkdown(). */
export function renderReadme(readme: string = readFileSync(README, 'utf8')): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start)
    throw new Error(`README.md lacks the markers ${README_START} ... ${README_END}`);
  return `${readme.slice(0, start + README_START.length)}\n${renderMarkdown()}${readme.slice(end)}`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await runMain('env-docs', async () => {
    const arg = process.argv[2];
    if (arg === '--write') {
      writeFileSync(ENV_EXAMPLE, renderEnvExample());
      writeFileSync(README, renderReadme());
      process.stdout.write(`wrote ${ENV_EXAMPLE} and the configuration tables of ${README}\n`);
    } else if (arg === '--check') {
      if (readFileSync(ENV_EXAMPLE, 'utf8') !== renderEnvExample()) {
        throw new Error('.env.example is out of date: run npx tsx scripts/env-docs.ts --write');
      }
      if (readFileSync(README, 'utf8') !== renderReadme()) {
        throw new Error(
          'README.md configuration tables are out of date: run npx tsx scripts/env-docs.ts --write',
        );
      }
    } else if (arg === undefined) {
      process.stdout.write(renderMarkdown());
    } else {
      throw new Error(`unknown argument ${JSON.stringify(arg)}; use --write, --check or nothing`);
    }
  });
}
