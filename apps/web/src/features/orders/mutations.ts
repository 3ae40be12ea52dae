import {
  type ApplyCreditInput,
  ApplyCreditInputSchema,
  type ChangeStatusInput,
  ChangeStatusInputSchema,
  type CreateOrderInput,
  CreateOrderInputSchema,
  OrderSchema,
  type PaymentInput,
  PaymentInputSchema,
  type RefundInput,
  RefundInputSchema,
  type ReturnInput,
  ReturnInputSchema,
  type UpdateOrderInput,
  UpdateOrderInputSchema,
} from '@gapal/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../lib/api-client.ts';
import { validated } from '../../lib/validate.ts';
import { orderKeys } from './queries.ts';

/** Every order change makes lists, counts and the detail stale; stock may have moved too. */
function useOrderChanged() {
  const queryClient = useQueryClient();
  return (order: { id: string }) => {
    void queryClient.invalidateQueries({ queryKey: orderKeys.all });
    void queryClient.invalidateQueries({ queryKey: ['products'] });
    void queryClient.invalidateQueries({ queryKey: ['stock'] });
    return order;
  };
}

export function useCreateOrder() {
  const onSuccess = useOrderChanged();
  return useMutation({
    mutationFn: (input: CreateOrderInput) =>
      apiRequest('/api/orders/', {
        method: 'POST',
        body: validated(CreateOrderInputSchema, input),
        schema: OrderSchema,
      }),
    onSuccess,
  });
}

export function useUpdateOrder() {
  const onSuccess = useOrderChanged();
  return useMutation({
    mutationFn: ({ id, input }: { id: string; input: UpdateOrderInput }) =>
      apiRequest(`/api/orders/${id}/`, {
        method: 'PUT',
        body: validated(UpdateOrderInputSchema, input),
        schema: OrderSchema,
      }),
    onSuccess,
  });
}

export function useChangeStatus() {
  const onSuccess = useOrderChanged();
  return useMutation({
    mutationFn: ({ id, input }: { id: string; number: string; input: ChangeStatusInput }) =>
      apiRequest(`/api/orders/${id}/status/`, {
        method: 'PATCH',
        body: validated(ChangeStatusInputSchema, input),
        schema: OrderSchema,
      }),
    onSuccess,
  });
}

export function useRecordPayment() {
  const onSuccess = useOrderChanged();
  return useMutation({
    mutationFn: ({ id, input }: { id: string; input: PaymentInput }) =>
      apiRequest(`/api/orders/${id}/payment/`, {
        method: 'PATCH',
        body: validated(PaymentInputSchema, input),
        schema: OrderSchema,
      }),
    onSuccess,
  });
}

export function useReturnItems() {
  const onSuccess = useOrderChanged();
  return useMutation({
    mutationFn: ({ id, input }: { id: string; input: ReturnInput }) =>
      apiRequest(`/api/orders/${id}/return/`, {
        method: 'POST',
        body: validated(ReturnInputSchema, input),
        schema: OrderSchema,
      }),
    onSuccess,
  });
}

/** Money given back from the order's credit (order managers). */
export function useRefund() {
  const onSuccess = useOrderChanged();
  return useMutation({
    mutationFn: ({ id, input }: { id: string; input: RefundInput }) =>
      apiRequest(`/api/orders/${id}/refund/`, {
        method: 'POST',
        body: validated(RefundInputSchema, input),
        schema: OrderSchema,
      }),
    onSuccess,
  });
}

/** The order's credit moved to another open order of the same client. */
export function useApplyCredit() {
  const onSuccess = useOrderChanged();
  return useMutation({
    mutationFn: ({ id, input }: { id: string; input: ApplyCreditInput }) =>
      apiRequest(`/api/orders/${id}/credit/`, {
        method: 'POST',
        body: validated(ApplyCreditInputSchema, input),
        schema: OrderSchema,
      }),
    onSuccess,
  });
}
