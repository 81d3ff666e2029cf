/**
 * `npm run dashboards [-- --out DIR]`: writes the Grafana dashboards and the Prometheus rules (and
 * their promtool tests) into provisioning/ (or DIR). Generated files that are no longer produced
 * (a removed dashboard) are deleted, so the directory always equals the code.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMain } from '#common/cli.js';
import { DASHBOARD_DIR, renderAll } from './render.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_OUT = join(REPO, 'provisioning');

export async function writeAll(outDir: string): Promise<string[]> {
  const files = renderAll();
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

function parseArgs(argv: string[]): { out: string } {
  let out = DEFAULT_OUT;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1]) out = resolve(argv[++i]);
    else
      throw new Error(
        `unknown argument ${JSON.stringify(argv[i])}; usage: npm run dashboards [-- --out DIR]`,
      );
  }
  return { out };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await runMain('dashboards', async () => {
    const { out } = parseArgs(process.argv.slice(2));
    const written = await writeAll(out);
    process.stdout.write(`wrote ${written.length} files under ${out}\n`);
  });
}
