import {
  CategorySchema,
  type CreateCategoryInput,
  CreateCategoryInputSchema,
  CreateProductInputSchema,
  ProductSchema,
  type UpdateProductInput,
  UpdateProductInputSchema,
} from '@gapal/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { apiRequest } from '../../lib/api-client.ts';
import { validated } from '../../lib/validate.ts';
import { productKeys } from './queries.ts';

function useInvalidate() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: productKeys.all });
    void queryClient.invalidateQueries({ queryKey: productKeys.categories() });
  };
}

export function useCreateProduct() {
  const onSuccess = useInvalidate();
  return useMutation({
    mutationFn: (input: z.input<typeof CreateProductInputSchema>) =>
      apiRequest('/api/products/', {
        method: 'POST',
        body: validated(CreateProductInputSchema, input),
        schema: ProductSchema,
      }),
    onSuccess,
  });
}

export function useUpdateProduct() {
  const onSuccess = useInvalidate();
  return useMutation({
    mutationFn: ({ id, input }: { id: string; input: UpdateProductInput }) =>
      apiRequest(`/api/products/${id}/`, {
        method: 'PUT',
        body: validated(UpdateProductInputSchema, input),
        schema: ProductSchema,
      }),
    onSuccess,
  });
}

export function useDeactivateProduct() {
  const onSuccess = useInvalidate();
  return useMutation({
    mutationFn: (id: string) => apiRequest(`/api/products/${id}/`, { method: 'DELETE' }),
    onSuccess,
  });
}

export function useCreateCategory() {
  const onSuccess = useInvalidate();
  return useMutation({
    mutationFn: (input: CreateCategoryInput) =>
      apiRequest('/api/categories/', {
        method: 'POST',
        body: validated(CreateCategoryInputSchema, input),
        schema: CategorySchema,
      }),
    onSuccess,
  });
}
