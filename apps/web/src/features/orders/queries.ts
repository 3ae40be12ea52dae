import {
  AuditEntrySchema,
  CreditTargetsSchema,
  OrderCountSchema,
  type OrderListFilter,
  OrderSchema,
  OrderSummarySchema,
  OrderVendorSchema,
  pageOf,
} from '@gapal/shared';
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../lib/api-client.ts';

export type OrderListParams = OrderListFilter & {
  sort: 'created_at' | 'delivery_date' | 'priority' | 'total_amount' | 'delivery_status';
  direction: 'asc' | 'desc';
  cursor?: string;
  limit: number;
};

const OrderPageSchema = pageOf(OrderSummarySchema);
const AuditPageSchema = pageOf(AuditEntrySchema);

export const orderKeys = {
  all: ['orders'] as const,
  lists: () => [...orderKeys.all, 'list'] as const,
  list: (params: OrderListParams) => [...orderKeys.lists(), params] as const,
  count: (filter: OrderListFilter) => [...orderKeys.all, 'count', filter] as const,
  details: () => [...orderKeys.all, 'detail'] as const,
  detail: (id: string) => [...orderKeys.details(), id] as const,
  history: (id: string) => [...orderKeys.all, 'history', id] as const,
  creditTargets: (id: string) => [...orderKeys.all, 'credit-targets', id] as const,
};

export const ordersQuery = (params: OrderListParams) =>
  queryOptions({
    queryKey: orderKeys.list(params),
    queryFn: ({ signal }) => apiRequest('/api/orders/', { query: params, schema: OrderPageSchema, signal }),
    placeholderData: keepPreviousData,
    // Until a socket event arrives (or if it can't connect), the table still catches up.
    refetchInterval: 30_000,
  });

export const orderCountQuery = (filter: OrderListFilter) =>
  queryOptions({
    queryKey: orderKeys.count(filter),
    queryFn: ({ signal }) =>
      apiRequest('/api/orders/count/', { query: filter, schema: OrderCountSchema, signal }),
    placeholderData: keepPreviousData,
  });

/** The vendors a manager may filter the list by (their site's; every site's for the admin). */
/** The vendors who may have orders at a site (an admin names it, or gets every site's). */
export const orderVendorsQuery = (siteId?: string) =>
  queryOptions({
    queryKey: [...orderKeys.all, 'vendors', siteId ?? null] as const,
    queryFn: ({ signal }) =>
      apiRequest('/api/orders/vendors/', {
        query: { site_id: siteId },
        schema: z.array(OrderVendorSchema),
        signal,
      }),
    staleTime: 5 * 60_000,
  });

export const orderQuery = (id: string) =>
  queryOptions({
    queryKey: orderKeys.detail(id),
    queryFn: ({ signal }) => apiRequest(`/api/orders/${id}/`, { schema: OrderSchema, signal }),
  });

/** The order's audit trail (admins only: the audit log is theirs). */
export const orderHistoryQuery = (id: string) =>
  queryOptions({
    queryKey: orderKeys.history(id),
    queryFn: ({ signal }) =>
      apiRequest('/api/audit/', {
        query: { entity: 'order', entity_id: id, limit: 100 },
        schema: AuditPageSchema,
        signal,
      }),
  });

/** The client's other open orders that still owe: where this order's credit may go. */
export const creditTargetsQuery = (id: string) =>
  queryOptions({
    queryKey: orderKeys.creditTargets(id),
    queryFn: ({ signal }) =>
      apiRequest(`/api/orders/${id}/credit-targets/`, { schema: CreditTargetsSchema, signal }),
  });
