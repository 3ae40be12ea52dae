import { LoginInputSchema, TokenPairSchema } from '@gapal/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../lib/api-client.ts';
import { clearSession, getSession, setSession } from '../../lib/session.ts';
import { validated } from '../../lib/validate.ts';

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: { username: string; password: string }) => {
      const body = validated(LoginInputSchema, input);
      return apiRequest('/api/auth/login/', {
        method: 'POST',
        body,
        schema: TokenPairSchema,
        anonymous: true,
      });
    },
    onSuccess: (pair) => {
      queryClient.clear();
      setSession({ accessToken: pair.access_token, refreshToken: pair.refresh_token, user: pair.user });
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      const session = getSession();
      if (!session) return;
      // Revokes this browser's refresh family; signing out locally must not wait on the network.
      await apiRequest('/api/auth/logout/', {
        method: 'POST',
        body: { refresh_token: session.refreshToken },
      }).catch(() => undefined);
    },
    onSettled: () => {
      clearSession('logout');
      queryClient.clear();
    },
  });
}
