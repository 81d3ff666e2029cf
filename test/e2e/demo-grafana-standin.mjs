// A stand-in for the `grafana` binary in the demo tests (no Grafana can be installed on our machines).
// It records how it was started (arguments, GF_* environment, the provisioning folder's files and the
// dashboards its providers point at) into the JSON file STANDIN_RECORD, then serves what the demo
// checks on GF_SERVER_HTTP_ADDR:GF_SERVER_HTTP_PORT: /api/health, and /d/<uid> for each provisioned
// dashboard (404 for any other uid). Each signal it gets is added to the record; with
// STANDIN_IGNORE_SIGNALS=1 it does not exit on SIGTERM or SIGINT (a part that will not stop).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { parse } from 'yaml';

const provisioning = process.env.GF_PATHS_PROVISIONING ?? '';

/** Every file under `dir`, relative path -> content. */
function files(dir, prefix = '') {
  const out = {};
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) Object.assign(out, files(p, `${prefix}${name}/`));
    else out[`${prefix}${name}`] = readFileSync(p, 'utf8');
  }
  return out;
}

const provisioned = files(provisioning);
const dashboards = {};
for (const [rel, text] of Object.entries(provisioned)) {
  if (!rel.startsWith('dashboards/')) continue;
  for (const provider of parse(text).providers ?? []) {
    for (const f of readdirSync(provider.options.path).filter((n) => n.endsWith('.json'))) {
      const d = JSON.parse(readFileSync(join(provider.options.path, f), 'utf8'));
      dashboards[d.uid] = d.title;
    }
  }
}

const record = {
  pid: process.pid,
  argv: process.argv.slice(2),
  env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('GF_'))),
  provisioning: provisioned,
  dashboards,
  signals: [],
};
const save = () => writeFileSync(process.env.STANDIN_RECORD ?? '/dev/null', JSON.stringify(record, null, 2));
save();

for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    record.signals.push(sig);
    save();
    if (process.env.STANDIN_IGNORE_SIGNALS !== '1') process.exit(0);
  });
}

createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const uid = /^\/d\/([^/]+)/.exec(path)?.[1];
  const ok = path === '/' || path === '/api/health' || (uid !== undefined && uid in dashboards);
  res.writeHead(ok ? 200 : 404, { 'content-type': 'text/plain' });
  res.end(ok ? 'stand-in grafana\n' : 'not found\n');
}).listen(Number(process.env.GF_SERVER_HTTP_PORT), process.env.GF_SERVER_HTTP_ADDR ?? '127.0.0.1');
