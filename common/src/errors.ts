/** Turn an unknown thrown value into one short line (no stack) for status keys and logs. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message.split('\n')[0].slice(0, 500);
  return String(e).split('\n')[0].slice(0, 500);
}
