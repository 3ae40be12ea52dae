import { DELIVERY_STATUSES, OrderCountSchema, OrdersReportSchema } from '@gapal/shared';
import { queryOptions } from '@tanstack/react-query';
import { apiRequest } from '../../lib/api-client.ts';
import { addDays, todayIso } from '../../lib/format.ts';

export const homeKeys = {
  all: ['home'] as const,
  todayByStatus: (day: string) => [...homeKeys.all, 'today-by-status', day] as const,
  report: (from: string, to: string) => [...homeKeys.all, 'report', from, to] as const,
};

/** Today's orders per delivery status, from the list's own count endpoint (any role that reads orders). */
export const todayByStatusQuery = () => {
  const day = todayIso();
  return queryOptions({
    queryKey: homeKeys.todayByStatus(day),
    queryFn: async ({ signal }) => {
      const counts = await Promise.all(
        DELIVERY_STATUSES.map((status) =>
          apiRequest('/api/orders/count/', {
            query: { from: day, to: day, delivery_status: status },
            schema: OrderCountSchema,
            signal,
          }),
        ),
      );
      return DELIVERY_STATUSES.map((status, index) => ({
        status,
        count: counts[index]?.count ?? 0,
        capped: counts[index]?.capped ?? false,
      }));
    },
    refetchInterval: 60_000,
  });
};

/** The last 30 days, today included: per-day orders and revenue, and the open balance. */
export const last30DaysReportQuery = () => {
  const to = todayIso();
  const from = addDays(to, -29);
  return queryOptions({
    queryKey: homeKeys.report(from, to),
    queryFn: ({ signal }) =>
      apiRequest('/api/reports/orders/json/', { query: { from, to }, schema: OrdersReportSchema, signal }),
  });
};
