/**
 * `npm run dashboards [-- --out DIR] [--peer-path-metrics=paths|peers|off]`: writes the Grafana
 * dashboards and the Prometheus rules (recording and alerting, and their promtool tests) into
 * provisioning/ (or DIR), for the exporter's PEER_PATH_METRICS mode (default: the exporter's default,
 * which is what provisioning/ holds). Generated files that are no longer produced (a removed
 * dashboard) are deleted, so the directory always equals the code.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMain } from '#common/cli.js';
import { DEFAULT_PEER_PATH_MODE, PEER_PATH_MODES, type PeerPathMode } from '#common/metrics/index.js';
import { DASHBOARD_DIR, renderAll } from './render.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_OUT = join(REPO, 'provisioning');

export async function writeAll(
  outDir: string,
  mode: PeerPathMode = DEFAULT_PEER_PATH_MODE,
): Promise<string[]> {
  const files = renderAll(mode);
  for (const [rel, content] of files) {
    const path = join(outDir, rel);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  }
  const dashboards = join(outDir, DASHBOARD_DIR);
  for (const name of await readdir(dashboards)) {
    if (name.endsWith('.json') && !files.has(`${DASHBOARD_DIR}/${name}`)) await rm(join(dashboards, name));
  }
  return [...files.keys()];
}

const USAGE = `usage: npm run dashboards [-- --out DIR] [--peer-path-metrics=${PEER_PATH_MODES.join('|')}]`;

export function parseArgs(argv: string[]): { out: string; mode: PeerPathMode } {
  let out = DEFAULT_OUT;
  let mode: PeerPathMode = DEFAULT_PEER_PATH_MODE;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    if (flag === '--out' && (inline ?? argv[i + 1])) out = resolve(value());
    else if (flag === '--peer-path-metrics') {
      const m = value();
      if (!PEER_PATH_MODES.includes(m as PeerPathMode)) {
        throw new Error(
          `--peer-path-metrics must be one of ${PEER_PATH_MODES.join(', ')}, got ${JSON.stringify(m)}; ${USAGE}`,
        );
      }
      mode = m as PeerPathMode;
    } else throw new Error(`unknown argument ${JSON.stringify(argv[i])}; ${USAGE}`);
  }
  return { out, mode };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await runMain('dashboards', async () => {
    const { out, mode } = parseArgs(process.argv.slice(2));
    const written = await writeAll(out, mode);
    process.stdout.write(`wrote ${written.length} files for PEER_PATH_METRICS=${mode} under ${out}\n`);
  });
}
