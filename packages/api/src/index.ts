export type { PasswordWorkLimit } from './auth/password-work.ts';
export {
  currentTotpCode,
  hashPassword,
  limitPasswordWork,
  newTotpSecret,
  totpCodeForStep,
  totpStepAt,
} from './auth/secrets.ts';
export { isAuthProcedure } from './auth/unbatched.ts';
export type {
  AlertQueue,
  ApiDeps,
  ApiLogger,
  Assessments,
  ConnectionProgress,
  Context,
  EvidencePacks,
  Imports,
  RequestInfo,
  ResponseControl,
  RunProgress,
  StoredPack,
} from './context.ts';
export { DEFAULT_SESSIONS } from './context.ts';
export { UnavailableError } from './errors.ts';
export { type AppRouter, appRouter } from './router.ts';
export {
  CONSENT_CALLBACK_PATH,
  type ConsentOutcome,
  finishConsent,
} from './services/integrations-consent.ts';
export { authorisePackDownload, type PackDownload } from './services/packs.ts';
export { resolveShare } from './services/shares.ts';
export { createCallerFactory } from './trpc.ts';
