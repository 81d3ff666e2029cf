import { runEndToEnd } from './e2e.js';
const r = await runEndToEnd((process.argv[2] ?? 'S') as 'S', { runs: 5 });
const { routes, ...rest } = r;
console.log(JSON.stringify(rest));
for (const t of routes) console.log(t.route, t.note, t.status, t.bytes, t.firstMs, t.medianMs, t.p95Ms);
