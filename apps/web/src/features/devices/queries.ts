import { DeviceSchema } from '@gapal/shared';
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../lib/api-client.ts';

export type DeviceFilter = { site_id?: string; is_revoked?: 'true' | 'false' | '' };

export const deviceKeys = {
  all: ['devices'] as const,
  list: (filter: DeviceFilter) => [...deviceKeys.all, 'list', filter] as const,
};

export const devicesQuery = (filter: DeviceFilter = {}) =>
  queryOptions({
    queryKey: deviceKeys.list(filter),
    queryFn: ({ signal }) =>
      apiRequest('/api/devices/', { query: filter, schema: z.array(DeviceSchema), signal }),
    placeholderData: keepPreviousData,
  });
