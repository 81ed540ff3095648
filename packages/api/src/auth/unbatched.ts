/**
 * Procedures that check a secret or count sign-in attempts. Each must come in a request of its own: the host refuses
 * a batch that holds one, and its rate limit counts them apart. New sign-in procedures belong under `auth.`.
 */
export const isAuthProcedure = (path: string) => path === 'auth' || path.startsWith('auth.');
