// `npm run demo` runs `exec node scripts/demo-bootstrap.mjs`: exec makes this process npm's direct
// child, so the SIGINT and SIGTERM that npm forwards reach it (a plain `sh -c` keeps them).
//
// It installs dependencies on a fresh clone (npm ci), then runs scripts/demo.ts in a process group of
// its own and passes on every SIGINT, SIGTERM and SIGHUP it gets. The own group keeps a terminal's
// Ctrl-C away from the demo's children: only demo.ts stops them, in order (the collector before its
// Redis). Whatever ends demo.ts, even SIGKILL, this process then kills what is left in its group, and
// exits with its status. If this process is killed, demo.ts notices its parent is gone and stops.
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
const demo = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'demo.ts')], {
  cwd: root,
  stdio: 'inherit',
  detached: true,
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (demo.exitCode === null && demo.signalCode === null) demo.kill(sig);
  });
}
demo.on('error', (e) => {
  process.stderr.write(`demo: cannot start node: ${e.message}\n`);
  process.exit(1);
});
demo.on('exit', (code, signal) => {
  try {
    process.kill(-demo.pid, 'SIGKILL');
  } catch {
    // nothing left: the usual case
  }
  process.exit(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1));
});
