import { useQuery } from '@tanstack/react-query';
import { api } from './api';
import type { Merchant } from './types';

/** The merchants the caller sees: for filters' pickers and names beside ids. */
export function useMerchants() {
  return useQuery({ queryKey: ['merchants'], queryFn: () => api.get<{ data: Merchant[] }>('/merchants'), staleTime: 60_000 });
}

/** A merchant's name by id (its id when unknown). */
export function useMerchantName(): (id: string) => string {
  const merchants = useMerchants();
  return (id) => merchants.data?.data.find((m) => m.id === id)?.name ?? id;
}
