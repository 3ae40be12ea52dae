import {
  type CreateUserInput,
  CreateUserInputSchema,
  ResetPasswordInputSchema,
  type UpdateUserInput,
  UpdateUserInputSchema,
  UserSchema,
} from '@gapal/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../lib/api-client.ts';
import { validated } from '../../lib/validate.ts';
import { userKeys } from './queries.ts';

function useInvalidateUsers() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: userKeys.all });
}

export function useCreateUser() {
  const onSuccess = useInvalidateUsers();
  return useMutation({
    mutationFn: (input: CreateUserInput) =>
      apiRequest('/api/users/', {
        method: 'POST',
        body: validated(CreateUserInputSchema, input),
        schema: UserSchema,
      }),
    onSuccess,
  });
}

export function useUpdateUser() {
  const onSuccess = useInvalidateUsers();
  return useMutation({
    mutationFn: ({ id, input }: { id: string; input: UpdateUserInput }) =>
      apiRequest(`/api/users/${id}/`, {
        method: 'PUT',
        body: validated(UpdateUserInputSchema, input),
        schema: UserSchema,
      }),
    onSuccess,
  });
}

export function useDeactivateUser() {
  const onSuccess = useInvalidateUsers();
  return useMutation({
    mutationFn: (id: string) => apiRequest(`/api/users/${id}/`, { method: 'DELETE', schema: UserSchema }),
    onSuccess,
  });
}

export function useResetPassword() {
  return useMutation({
    mutationFn: ({ id, password }: { id: string; password: string }) =>
      apiRequest(`/api/users/${id}/reset-password/`, {
        method: 'POST',
        body: validated(ResetPasswordInputSchema, { password }),
      }),
  });
}
