/**
 * The container healthcheck (`node exporter/src/healthcheck.js`): GET /health on the exporter's own
 * port over loopback; exit 0 when it answers 200 (healthy or degraded), else 1. With WEB_CONFIG_FILE
 * it speaks https without checking the certificate (it talks to itself; the certificate names the
 * public host) and, with basic auth on, takes a 401 as alive: only the scraper holds a password.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { loadExporterConfig } from '#common/config/exporter.js';
import { loadWebConfig } from './web-config.js';

const TIMEOUT_MS = 4000;

function check(): Promise<boolean> {
  const config = loadExporterConfig();
  const web = config.webConfigFile ? loadWebConfig(config.webConfigFile) : null;
  const request = web?.tls ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: config.port,
        path: '/health',
        timeout: TIMEOUT_MS,
        rejectUnauthorized: false,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200 || (res.statusCode === 401 && web?.users != null));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

check().then(
  (ok) => process.exit(ok ? 0 : 1),
  () => process.exit(1),
);
