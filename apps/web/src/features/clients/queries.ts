import {
  ClientDetailSchema,
  type ClientListQuery,
  ClientPageSchema,
  ClientStatementSchema,
  foldClientName,
} from '@gapal/shared';
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { apiRequest } from '../../lib/api-client.ts';

/** The list's query as the page sends it (`limit` and `sort` always set). */
export type ClientListParams = Partial<ClientListQuery> & Pick<ClientListQuery, 'limit' | 'sort'>;

export const clientKeys = {
  all: ['clients'] as const,
  lists: () => [...clientKeys.all, 'list'] as const,
  list: (params: ClientListParams) => [...clientKeys.lists(), params] as const,
  details: () => [...clientKeys.all, 'detail'] as const,
  detail: (id: string) => [...clientKeys.details(), id] as const,
  statement: (id: string, from: string, to: string) =>
    [...clientKeys.all, 'statement', id, from, to] as const,
};

export const clientsQuery = (params: ClientListParams) =>
  queryOptions({
    queryKey: clientKeys.list(params),
    queryFn: ({ signal }) => apiRequest('/api/clients/', { query: params, schema: ClientPageSchema, signal }),
    placeholderData: keepPreviousData,
  });

export const clientQuery = (id: string) =>
  queryOptions({
    queryKey: clientKeys.detail(id),
    queryFn: ({ signal }) => apiRequest(`/api/clients/${id}/`, { schema: ClientDetailSchema, signal }),
  });

/** The statement's lines for a period, with the running balance (the page's balance over time). */
export const clientStatementQuery = (id: string, from: string, to: string) =>
  queryOptions({
    queryKey: clientKeys.statement(id, from, to),
    queryFn: ({ signal }) =>
      apiRequest(`/api/clients/${id}/statement/`, {
        query: { from, to, format: 'json' },
        schema: ClientStatementSchema,
        signal,
      }),
    placeholderData: keepPreviousData,
  });

/** `releve-maquis-chez-adele-2026-11-01-2026-11-30.pdf` */
export function statementFilename(
  clientName: string,
  from: string,
  to: string,
  format: 'pdf' | 'csv',
): string {
  const slug = foldClientName(clientName)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
  return `releve-${slug || 'client'}-${from}-${to}.${format}`;
}
