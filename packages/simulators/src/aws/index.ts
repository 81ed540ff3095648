export { type AwsSimulator, startAwsSimulator } from './server.ts';
export type { Service as AwsService } from './wire.ts';
export {
  ADMIN_POLICY,
  type AwsAccount,
  type AwsBucket,
  type AwsLifecycleRule,
  type AwsTrail,
  type AwsUser,
  type AwsWorld,
  awsWorld,
  FORCE_MFA_POLICY,
  usersOf,
} from './world.ts';
