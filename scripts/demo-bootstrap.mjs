// `npm run demo` entry: installs dependencies on a fresh clone (npm ci), then runs scripts/demo.ts.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(root, 'node_modules', 'tsx'))) {
  process.stdout.write('node_modules missing: running npm ci first...\n');
  const r = spawnSync('npm', ['ci', '--loglevel=warn', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    process.stderr.write('demo: npm ci failed; fix the error above and run npm run demo again\n');
    process.exit(1);
  }
}
const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'demo.ts')], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
