export { currentTotpCode, hashPassword, newTotpSecret } from './auth/secrets.ts';
export type {
  ApiDeps,
  ApiLogger,
  Assessments,
  ConnectionProgress,
  Context,
  RequestInfo,
  ResponseControl,
  RunProgress,
} from './context.ts';
export { DEFAULT_SESSIONS } from './context.ts';
export { type AppRouter, appRouter } from './router.ts';
export { createCallerFactory } from './trpc.ts';
