/**
 * Which page of a running Prometheus to link. Its web UI differs by build: the React UI of 2.x and
 * the new UI of 3.x serve /alerts; Debian's package ships without them and serves only the classic
 * UI under /classic (its /alerts is a 404). Asking the server beats guessing from a version number.
 */

/** The alerts page of each UI generation, newest first. */
export const ALERT_PAGES = ['/alerts', '/classic/alerts'];

async function answers(url: string): Promise<Response | null> {
  try {
    const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer();
    return res;
  } catch {
    return null;
  }
}

/**
 * A URL of `prometheusUrl`'s UI that answers 200: its alerts page, else the page its root redirects to,
 * else the root itself.
 */
export async function prometheusPage(prometheusUrl: string): Promise<string> {
  for (const path of ALERT_PAGES) {
    if ((await answers(`${prometheusUrl}${path}`))?.status === 200) return `${prometheusUrl}${path}`;
  }
  try {
    const res = await fetch(`${prometheusUrl}/`, { signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer();
    if (res.ok) return res.url;
  } catch {
    // not answering: the root is still the best link to print
  }
  return `${prometheusUrl}/`;
}
