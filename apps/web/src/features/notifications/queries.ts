import { NotificationPageSchema } from '@gapal/shared';
import { queryOptions } from '@tanstack/react-query';
import { apiRequest } from '../../lib/api-client.ts';

export const notificationKeys = {
  all: ['notifications'] as const,
  list: () => [...notificationKeys.all, 'list'] as const,
};

export const notificationsQuery = () =>
  queryOptions({
    queryKey: notificationKeys.list(),
    queryFn: ({ signal }) =>
      apiRequest('/api/notifications/', { query: { limit: 30 }, schema: NotificationPageSchema, signal }),
    // The socket invalidates on every event; the poll only covers a socket that can't connect.
    refetchInterval: 60_000,
  });
