import { LotSchema, MovementSchema, type MovementType, pageOf } from '@gapal/shared';
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../lib/api-client.ts';

export type MovementFilter = {
  product_id?: string;
  type?: MovementType;
  reference?: string;
  from?: string;
  to?: string;
};

const MovementPageSchema = pageOf(MovementSchema);

export const stockKeys = {
  all: ['stock'] as const,
  movements: (filter: MovementFilter, cursor?: string) =>
    [...stockKeys.all, 'movements', filter, cursor] as const,
  expiring: (days: number) => [...stockKeys.all, 'expiring', days] as const,
};

export const movementsQuery = (filter: MovementFilter, cursor?: string) =>
  queryOptions({
    queryKey: stockKeys.movements(filter, cursor),
    queryFn: ({ signal }) =>
      apiRequest('/api/stock/movements/', {
        query: { ...filter, cursor, limit: 50 },
        schema: MovementPageSchema,
        signal,
      }),
    placeholderData: keepPreviousData,
  });

/** Expired lots still in stock and lots expiring within `days`. */
export const expiringLotsQuery = (days = 3) =>
  queryOptions({
    queryKey: stockKeys.expiring(days),
    queryFn: ({ signal }) =>
      apiRequest('/api/lots/expiring/', { query: { days }, schema: z.array(LotSchema), signal }),
  });
