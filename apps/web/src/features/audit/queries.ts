import { AuditEntrySchema, pageOf } from '@gapal/shared';
import { infiniteQueryOptions } from '@tanstack/react-query';
import { apiRequest } from '../../lib/api-client.ts';

export type AuditFilter = {
  user_id?: string;
  entity?: string;
  entity_id?: string;
  action?: string;
  from?: string;
  to?: string;
};

const AuditPageSchema = pageOf(AuditEntrySchema);

export const auditKeys = {
  all: ['audit'] as const,
  list: (filter: AuditFilter) => [...auditKeys.all, 'list', filter] as const,
};

export const auditQuery = (filter: AuditFilter, limit = 50) =>
  infiniteQueryOptions({
    queryKey: [...auditKeys.list(filter), limit],
    queryFn: ({ pageParam, signal }) =>
      apiRequest('/api/audit/', {
        query: { ...filter, limit, cursor: pageParam },
        schema: AuditPageSchema,
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
