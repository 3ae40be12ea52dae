import { MeSchema } from '@gapal/shared';
import { queryOptions } from '@tanstack/react-query';
import { apiRequest } from '../../lib/api-client.ts';

export const authKeys = {
  all: ['auth'] as const,
  me: () => [...authKeys.all, 'me'] as const,
};

/**
 * Polled so a deactivated account or revoked device is signed out within a minute even on a
 * quiet screen (the realtime socket makes it immediate once it lands).
 */
export const meQuery = () =>
  queryOptions({
    queryKey: authKeys.me(),
    queryFn: ({ signal }) => apiRequest('/api/auth/me/', { schema: MeSchema, signal }),
    refetchInterval: 60_000,
  });
