import { describe, expect, it } from 'vitest';
import { api, useTestApp } from '../../test/harness.ts';

type Operation = {
  operationId?: string;
  summary?: string;
  security?: unknown[];
  parameters?: { in: string }[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
};
type Document = { paths: Record<string, Record<string, Operation>> };

/** `/api/orders/:id/` → `/api/orders/{id}/`; a prefix's root route is documented without its slash. */
function documentedPath(document: Document, url: string): string {
  const path = url.replace(/:([A-Za-z_]+)/g, '{$1}');
  return document.paths[path] ? path : path.replace(/\/$/, '');
}

describe('the OpenAPI document', () => {
  const t = useTestApp();

  async function operations(): Promise<{ label: string; access: string; operation: Operation }[]> {
    const document = (await api<Document>(t, 'GET', '/api/docs/json')).body;
    // The WebSocket upgrade is no HTTP operation: hidden from the document.
    return t.app.routeRules
      .filter((rule) => !rule.url.startsWith('/api/ws'))
      .map((rule) => {
        const operation = document.paths[documentedPath(document, rule.url)]?.[rule.method.toLowerCase()];
        expect(operation, `${rule.method} ${rule.url} is documented`).toBeDefined();
        return { label: `${rule.method} ${rule.url}`, access: rule.access, operation: operation! };
      });
  }

  it('names every operation once, in camelCase, with a summary', async () => {
    const all = await operations();
    const ids = all.map(({ operation }) => operation.operationId);
    for (const { label, operation } of all) {
      expect(operation.operationId, label).toMatch(/^[a-z]+[A-Za-z]*$/);
      expect(operation.summary, label).toBeTruthy();
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('documents the refusals each route can give, in the shared error shape', async () => {
    for (const { label, access, operation } of await operations()) {
      const statuses = Object.keys(operation.responses);
      const expected: string[] = [];
      if (access === 'public') expect(operation.security, label).toEqual([]);
      else expected.push('401');
      if (access !== 'public' && access !== 'authenticated') expected.push('403');
      if (operation.parameters?.some((parameter) => parameter.in === 'path')) expected.push('400', '404');
      if (operation.parameters?.some((parameter) => parameter.in === 'query')) expected.push('400');
      if (operation.requestBody) expected.push('400', '413', '415');
      expect(statuses, label).toEqual(expect.arrayContaining(expected));

      for (const status of statuses.filter((status) => Number(status) >= 400)) {
        expect(operation.responses[status]!.content, `${label} ${status}`).toEqual({
          'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } },
        });
      }
    }
  });

  it('answers a refusal in the shape it documents', async () => {
    const document = (await api(t, 'GET', '/api/docs/json')).body;
    const { properties, required } = document.components.schemas.ErrorBody.properties.error;
    const response = await api(t, 'GET', '/api/orders/00000000-0000-4000-8000-000000000000/');
    expect(response.status).toBe(401);
    expect(Object.keys(response.body)).toEqual(['error']);
    expect(required).toEqual(['code', 'message']);
    expect(Object.keys(properties)).toEqual(expect.arrayContaining(Object.keys(response.body.error)));
    expect(properties.code.enum).toContain(response.body.error.code);
  });
});
