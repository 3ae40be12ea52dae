import { CategorySchema, LotSchema, ProductSchema, type ProductSort, pageOf } from '@gapal/shared';
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../lib/api-client.ts';

export type ProductFilter = {
  search?: string;
  /** Admin only: whose stock the products carry. */
  site_id?: string;
  category_id?: string;
  is_active?: 'true' | 'false';
  sort?: ProductSort;
  limit?: number;
  cursor?: string;
};

const ProductPageSchema = pageOf(ProductSchema);

export const productKeys = {
  all: ['products'] as const,
  lists: () => [...productKeys.all, 'list'] as const,
  list: (filter: ProductFilter) => [...productKeys.lists(), filter] as const,
  lowStock: () => [...productKeys.all, 'low-stock'] as const,
  lots: (productId: string) => [...productKeys.all, 'lots', productId] as const,
  categories: () => ['categories'] as const,
};

export const productsQuery = (filter: ProductFilter) =>
  queryOptions({
    queryKey: productKeys.list(filter),
    queryFn: ({ signal }) =>
      apiRequest('/api/products/', { query: filter, schema: ProductPageSchema, signal }),
    placeholderData: keepPreviousData,
  });

/** One product with its stock at a site (an admin names the site; others always get their own). */
export const productQuery = (id: string, siteId?: string) =>
  queryOptions({
    queryKey: [...productKeys.all, 'detail', id, siteId ?? null] as const,
    queryFn: ({ signal }) =>
      apiRequest(`/api/products/${id}/`, { query: { site_id: siteId }, schema: ProductSchema, signal }),
  });

export const lowStockQuery = () =>
  queryOptions({
    queryKey: productKeys.lowStock(),
    queryFn: ({ signal }) =>
      apiRequest('/api/products/low-stock/', { schema: z.array(ProductSchema), signal }),
  });

export const productLotsQuery = (productId: string) =>
  queryOptions({
    queryKey: productKeys.lots(productId),
    queryFn: ({ signal }) =>
      apiRequest(`/api/products/${productId}/lots/`, { schema: z.array(LotSchema), signal }),
  });

export const categoriesQuery = () =>
  queryOptions({
    queryKey: productKeys.categories(),
    queryFn: ({ signal }) => apiRequest('/api/categories/', { schema: z.array(CategorySchema), signal }),
    staleTime: 60_000,
  });
