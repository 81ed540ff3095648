import type { AppRouter } from '@evident/api';
import { QueryClient } from '@tanstack/react-query';
import {
  createTRPCClient,
  httpBatchLink,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
} from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/** Every call carries the CSRF header the server requires on mutations, and a share token when on a shared view. */
export const CSRF_HEADER = 'x-evident-csrf';
export const SHARE_HEADER = 'x-evident-share';

let shareToken: string | null = null;
export const useShareToken = (token: string | null) => {
  shareToken = token;
};

const headers = () => ({ [CSRF_HEADER]: '1', ...(shareToken ? { [SHARE_HEADER]: shareToken } : {}) });

export const trpcClient = createTRPCClient<AppRouter>({
  links: [
    splitLink({
      condition: (op) => op.type === 'subscription',
      true: httpSubscriptionLink({ url: '/trpc' }),
      // The server refuses a batch holding a sign-in procedure: those go one request each.
      false: splitLink({
        condition: (op) => op.path.startsWith('auth.'),
        true: httpLink({ url: '/trpc', headers }),
        false: httpBatchLink({ url: '/trpc', headers }),
      }),
    }),
  ],
});

/** The tRPC error code of a failure, e.g. UNAUTHORIZED, or null for anything else. */
export const errorCode = (error: unknown): string | null =>
  error instanceof TRPCClientError ? ((error.data as { code?: string } | undefined)?.code ?? null) : null;

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      retry: (count, error) => {
        const code = errorCode(error);
        if (code && ['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_REQUEST'].includes(code)) return false;
        return count < 2;
      },
    },
  },
});
