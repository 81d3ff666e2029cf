/** The Mist route table (order matters where a literal segment could be read as an id). */
import type { MistRoute } from './context.js';
import { insightRoutes } from './insights.js';
import { orgRoutes } from './orgs.js';
import { selfRoutes } from './self.js';
import { siteRoutes } from './sites.js';
import { statsRoutes } from './stats.js';

export interface CompiledRoute extends MistRoute {
  regex: RegExp;
  keys: string[];
}

function compile(r: MistRoute): CompiledRoute {
  const keys: string[] = [];
  const pattern = r.path.replace(/\{(\w+)\}/g, (_, k: string) => {
    keys.push(k);
    return '([^/]+)';
  });
  return { ...r, regex: new RegExp(`^${pattern}/?$`), keys };
}

export const ROUTES: CompiledRoute[] = [
  ...selfRoutes,
  ...orgRoutes,
  ...statsRoutes,
  ...siteRoutes,
  ...insightRoutes,
].map(compile);

export const OPERATION_IDS: string[] = ROUTES.map((r) => r.operationId);

export function matchRoute(path: string): { route: CompiledRoute; params: Record<string, string> } | null {
  for (const route of ROUTES) {
    const m = route.regex.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    route.keys.forEach((k, i) => {
      params[k] = decodeURIComponent(m[i + 1]);
    });
    return { route, params };
  }
  return null;
}
