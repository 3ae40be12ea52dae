import { type Role, UserSchema } from '@gapal/shared';
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../lib/api-client.ts';

export type UserFilter = {
  role?: Role | '';
  site_id?: string;
  is_active?: 'true' | 'false' | '';
  search?: string;
};

export const userKeys = {
  all: ['users'] as const,
  lists: () => [...userKeys.all, 'list'] as const,
  list: (filter: UserFilter) => [...userKeys.lists(), filter] as const,
};

export const usersQuery = (filter: UserFilter = {}) =>
  queryOptions({
    queryKey: userKeys.list(filter),
    queryFn: ({ signal }) =>
      apiRequest('/api/users/', { query: filter, schema: z.array(UserSchema), signal }),
    placeholderData: keepPreviousData,
  });
