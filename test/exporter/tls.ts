/** A self-signed certificate for 127.0.0.1 made with openssl, for TLS tests (removed with the dir). */
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '../helpers/net.js';

export interface TestCert {
  dir: string;
  certFile: string;
  keyFile: string;
  cert: string;
  remove: () => Promise<void>;
}

export async function selfSignedCert(cn = '127.0.0.1'): Promise<TestCert> {
  const dir = await tempDir('tls');
  const certFile = join(dir.path, 'server.crt');
  const keyFile = join(dir.path, 'server.key');
  // biome-ignore format: one openssl option per line
  const r = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', `/CN=${cn}`,
    '-addext', `subjectAltName=IP:${cn}`,
  ], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) {
    await dir.remove();
    throw new Error(`openssl could not make a certificate: ${r.error?.message ?? r.stderr}`);
  }
  return { dir: dir.path, certFile, keyFile, cert: await readFile(certFile, 'utf8'), remove: dir.remove };
}
