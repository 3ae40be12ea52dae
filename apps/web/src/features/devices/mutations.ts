import { DeviceSchema, type UpdateDeviceInput, UpdateDeviceInputSchema } from '@gapal/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../lib/api-client.ts';
import { validated } from '../../lib/validate.ts';
import { deviceKeys } from './queries.ts';

export function useUpdateDevice() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id: string; input: UpdateDeviceInput }) =>
      apiRequest(`/api/devices/${id}/`, {
        method: 'PUT',
        body: validated(UpdateDeviceInputSchema, input),
        schema: DeviceSchema,
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: deviceKeys.all }),
  });
}

export function useRevokeDevice() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      apiRequest(`/api/devices/${id}/revoke/`, { method: 'POST', schema: DeviceSchema }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: deviceKeys.all }),
  });
}
