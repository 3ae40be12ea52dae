import {
  type StockAdjustmentInput,
  StockAdjustmentInputSchema,
  type StockEntryInput,
  StockEntryInputSchema,
  type StockExitInput,
  StockExitInputSchema,
  type StockLossInput,
  StockLossInputSchema,
  StockOperationResultSchema,
} from '@gapal/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { apiRequest } from '../../lib/api-client.ts';
import { validated } from '../../lib/validate.ts';
import { productKeys } from '../products/queries.ts';
import { stockKeys } from './queries.ts';

function useStockOperation<I>(path: string, schema: z.ZodType) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: I) =>
      apiRequest(path, {
        method: 'POST',
        body: validated(schema, input),
        schema: StockOperationResultSchema,
      }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: stockKeys.all });
      void queryClient.invalidateQueries({ queryKey: productKeys.all });
    },
  });
}

export const useStockEntry = () =>
  useStockOperation<StockEntryInput>('/api/stock/entry/', StockEntryInputSchema);
export const useStockExit = () => useStockOperation<StockExitInput>('/api/stock/exit/', StockExitInputSchema);
export const useStockAdjustment = () =>
  useStockOperation<StockAdjustmentInput>('/api/stock/adjustment/', StockAdjustmentInputSchema);
export const useStockLoss = () => useStockOperation<StockLossInput>('/api/stock/loss/', StockLossInputSchema);
