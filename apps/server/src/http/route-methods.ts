/**
 * The methods each route path answers, so that a known path asked with another method gets a
 * 405 with `Allow` rather than a 404. Fastify's router keeps this to itself, hence a small copy
 * filled from `onRoute`. Paths are compared without their trailing slash (`ignoreTrailingSlash`).
 */
export type RouteMethods = {
  add(method: string | string[], url: string): void;
  /** The methods some route answers for this path (a URL path, without the query), or none. */
  allowedFor(path: string): string[];
};

export function createRouteMethods(): RouteMethods {
  const routes: { pattern: RegExp; methods: string[] }[] = [];
  return {
    add(method, url) {
      const methods = Array.isArray(method) ? method : [method];
      routes.push({ pattern: patternOf(url), methods });
    },
    allowedFor(path) {
      const trimmed = withoutTrailingSlash(path);
      const allowed = new Set<string>();
      for (const route of routes) {
        if (route.pattern.test(trimmed)) for (const method of route.methods) allowed.add(method);
      }
      if (allowed.has('GET')) allowed.add('HEAD');
      return [...allowed].sort();
    },
  };
}

/** `/api/users/:id/` → /^\/api\/users\/[^/]+$/; `*` matches the rest of the path. */
function patternOf(url: string): RegExp {
  const source = withoutTrailingSlash(url)
    .split(/(:[A-Za-z0-9_]+(?:\([^)]*\))?|\*)/)
    .map((part) => {
      if (part === '*') return '.*';
      if (part.startsWith(':')) return '[^/]+';
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`);
}

function withoutTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.replace(/\/+$/, '') || '/' : path;
}
