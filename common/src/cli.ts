/**
 * Entry-point guard: config errors and other start-up failures print one clear line on stderr and
 * exit non-zero, never a stack trace.
 */
import { ConfigError } from './config/core.js';
import { errorMessage } from './errors.js';

export async function runMain(component: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (e) {
    const prefix = e instanceof ConfigError ? `${component}: configuration error:` : `${component}: fatal:`;
    process.stderr.write(`${prefix} ${errorMessage(e)}\n`);
    process.exitCode = e instanceof ConfigError ? 2 : 1;
  }
}
