export { buildServer, CSRF_HEADER, type ServerOptions, SHARE_HEADER } from './app.ts';
export { type HttpSettings, type RunningServer, type StartOptions, startServer } from './start.ts';
