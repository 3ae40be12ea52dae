import { SiteSchema } from '@gapal/shared';
import { queryOptions } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../lib/api-client.ts';

export const siteKeys = {
  all: ['sites'] as const,
  list: () => [...siteKeys.all, 'list'] as const,
};

export const sitesQuery = () =>
  queryOptions({
    queryKey: siteKeys.list(),
    queryFn: ({ signal }) => apiRequest('/api/sites/', { schema: z.array(SiteSchema), signal }),
    staleTime: 60_000,
  });
