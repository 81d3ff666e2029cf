/**
 * Installs the stand-in Grafana (demo-grafana-standin.mjs) the way a Grafana tarball is laid out:
 * <dir>/bin/<name> (an executable that runs the stand-in) and <dir>/conf/defaults.ini, the file the
 * demo looks for to find Grafana's home. Put `bin` first on PATH; the stand-in writes its record to
 * the file STANDIN_RECORD names.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const STANDIN = join(import.meta.dirname, 'demo-grafana-standin.mjs');

export interface Standin {
  dir: string;
  /** The folder to put first on PATH. */
  bin: string;
  /** Where the stand-in records how it was started (pass as STANDIN_RECORD). */
  record: string;
}

export async function installStandin(dir: string, name = 'grafana'): Promise<Standin> {
  const bin = join(dir, 'bin');
  await mkdir(bin, { recursive: true });
  await mkdir(join(dir, 'conf'), { recursive: true });
  await writeFile(join(dir, 'conf', 'defaults.ini'), '; the stand-in reads no configuration\n');
  const exe = join(bin, name);
  await writeFile(exe, `#!/bin/sh\nexec "${process.execPath}" "${STANDIN}" "$@"\n`);
  await chmod(exe, 0o755);
  return { dir, bin, record: join(dir, 'record.json') };
}

/** What the stand-in recorded (see demo-grafana-standin.mjs). */
export interface StandinRecord {
  pid: number;
  argv: string[];
  env: Record<string, string>;
  /** Files of GF_PATHS_PROVISIONING: relative path -> content. */
  provisioning: Record<string, string>;
  /** uid -> title of the dashboards its providers' folders hold. */
  dashboards: Record<string, string>;
  signals: string[];
}
