export { type AutotaskOptions, startAutotaskSimulator } from './autotask.ts';
export { type ConnectWiseOptions, startConnectWiseSimulator } from './connectwise.ts';
export { type HaloPsaOptions, startHaloPsaSimulator } from './halopsa.ts';
export type { LoggedRequest, PsaSimulator, RateLimit, SimCompany, SimTicket } from './server.ts';
