import {
  type CreateSiteInput,
  CreateSiteInputSchema,
  SiteSchema,
  type UpdateSiteInput,
  UpdateSiteInputSchema,
} from '@gapal/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../lib/api-client.ts';
import { validated } from '../../lib/validate.ts';
import { siteKeys } from './queries.ts';

export function useCreateSite() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateSiteInput) =>
      apiRequest('/api/sites/', {
        method: 'POST',
        body: validated(CreateSiteInputSchema, input),
        schema: SiteSchema,
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: siteKeys.all }),
  });
}

export function useUpdateSite() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id: string; input: UpdateSiteInput }) =>
      apiRequest(`/api/sites/${id}/`, {
        method: 'PUT',
        body: validated(UpdateSiteInputSchema, input),
        schema: SiteSchema,
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: siteKeys.all }),
  });
}
