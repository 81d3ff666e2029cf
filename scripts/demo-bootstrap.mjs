// `npm run demo` entry: installs dependencies on a fresh clone (npm ci), then runs scripts/demo.ts and
// waits for it. Ctrl-C reaches demo.ts directly (same process group); a signal sent to this process
// alone (kill <pid>) is passed on. Either way this process stays until demo.ts has stopped everything,
// so the shell prompt comes back only when nothing is left running.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
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
const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'demo.ts')], {
  cwd: root,
  stdio: 'inherit',
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
  });
}
child.on('error', (e) => {
  process.stderr.write(`demo: cannot start node: ${e.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1));
});
