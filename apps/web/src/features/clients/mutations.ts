import {
  ClientSchema,
  CreateClientInputSchema,
  DeactivateClientInputSchema,
  type MergeClientsInput,
  MergeClientsInputSchema,
  UpdateClientInputSchema,
} from '@gapal/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { apiRequest } from '../../lib/api-client.ts';
import { validated } from '../../lib/validate.ts';
import { clientKeys } from './queries.ts';

/** What a form sends: the phone as typed, normalised by the shared schema before it leaves. */
export type ClientFormInput = z.input<typeof CreateClientInputSchema>;
export type ClientUpdateFormInput = z.input<typeof UpdateClientInputSchema>;

/** A client change makes the directory stale; a merge moves orders, so theirs too. */
function useClientChanged(withOrders = false) {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: clientKeys.all });
    if (withOrders) void queryClient.invalidateQueries({ queryKey: ['orders'] });
  };
}

export function useCreateClient() {
  const onSuccess = useClientChanged();
  return useMutation({
    mutationFn: (input: ClientFormInput) =>
      apiRequest('/api/clients/', {
        method: 'POST',
        body: validated(CreateClientInputSchema, input),
        schema: ClientSchema,
      }),
    onSuccess,
  });
}

export function useUpdateClient() {
  const onSuccess = useClientChanged();
  return useMutation({
    mutationFn: ({ id, input }: { id: string; input: ClientUpdateFormInput }) =>
      apiRequest(`/api/clients/${id}/`, {
        method: 'PUT',
        body: validated(UpdateClientInputSchema, input),
        schema: ClientSchema,
      }),
    onSuccess,
  });
}

export function useDeactivateClient() {
  const onSuccess = useClientChanged();
  return useMutation({
    mutationFn: ({ id, version }: { id: string; version: number }) =>
      apiRequest(`/api/clients/${id}/deactivate/`, {
        method: 'POST',
        body: validated(DeactivateClientInputSchema, { version }),
        schema: ClientSchema,
      }),
    onSuccess,
  });
}

export function useMergeClients() {
  const onSuccess = useClientChanged(true);
  return useMutation({
    mutationFn: (input: MergeClientsInput) =>
      apiRequest('/api/clients/merge/', {
        method: 'POST',
        body: validated(MergeClientsInputSchema, input),
        schema: ClientSchema,
      }),
    onSuccess,
  });
}
