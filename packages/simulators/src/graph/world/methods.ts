import { unitsOf, weighted } from '../../rng.ts';
import type { ENTRA_METHODS, EntraWorld } from '../../scenario/schema.ts';

export type EntraMethod = (typeof ENTRA_METHODS)[number];

const PHISHING_RESISTANT: readonly EntraMethod[] = ['fido2', 'windowsHelloForBusiness', 'passKeyDeviceBound'];
/** Methods that satisfy MFA registration; email is for password reset only. */
const MFA_METHODS: readonly EntraMethod[] = [
  'microsoftAuthenticatorPush',
  'softwareOneTimePasscode',
  'mobilePhone',
  ...PHISHING_RESISTANT,
];

export interface Registration {
  methodsRegistered: EntraMethod[];
  isMfaRegistered: boolean;
  /** Registered with a method the tenant's authentication methods policy allows. */
  isMfaCapable: boolean;
  isPasswordlessCapable: boolean;
  isSsprRegistered: boolean;
  systemPreferredAuthenticationMethods: string[];
  userPreferredMethodForSecondaryAuthentication: 'push' | 'oath' | 'sms' | 'none';
  /** The main method is FIDO2, a passkey or Windows Hello. */
  phishingResistant: boolean;
}

export type RegistrationKind = 'user' | 'admin' | 'breakGlass';

/** Which methods one user registered, and what the registration report derives from them. */
export function registration(
  world: EntraWorld,
  seed: number,
  userKey: (string | number)[],
  kind: RegistrationKind,
): Registration {
  const r = unitsOf(seed, ...userKey);
  const methods: EntraMethod[] = [];
  if (kind === 'breakGlass') methods.push('fido2');
  else {
    const share = kind === 'admin' ? world.adminMfaRegisteredShare : world.mfaRegisteredShare;
    if (r('registered') < share) {
      const main =
        kind === 'admin' && r('phishing-resistant') < world.adminPhishingResistantShare
          ? phishingResistantMethod(world, seed, userKey)
          : mainMethod(world, seed, userKey);
      methods.push(main);
      if (main !== 'mobilePhone' && r('phone') < 0.25) methods.push('mobilePhone');
    }
    if (r('email') < 0.15) methods.push('email');
  }
  return derive(world, methods);
}

interface MethodWeights {
  main: Record<EntraMethod, number> | undefined;
  strong: Record<EntraMethod, number> | undefined;
}

const weightCache = new WeakMap<EntraWorld, MethodWeights>();

function methodWeights(world: EntraWorld): MethodWeights {
  let w = weightCache.get(world);
  if (!w) {
    const pick = (allowed: (m: EntraMethod) => boolean) => {
      const entries = Object.entries(world.methods).filter(([m, v]) => allowed(m as EntraMethod) && (v ?? 0) > 0);
      return entries.length > 0 ? (Object.fromEntries(entries) as Record<EntraMethod, number>) : undefined;
    };
    w = { main: pick((m) => m !== 'email'), strong: pick((m) => PHISHING_RESISTANT.includes(m)) };
    weightCache.set(world, w);
  }
  return w;
}

function mainMethod(world: EntraWorld, seed: number, userKey: (string | number)[]): EntraMethod {
  const { main } = methodWeights(world);
  return main ? weighted(main, seed, ...userKey, 'method') : 'microsoftAuthenticatorPush';
}

function phishingResistantMethod(world: EntraWorld, seed: number, userKey: (string | number)[]): EntraMethod {
  const { strong } = methodWeights(world);
  return strong ? weighted(strong, seed, ...userKey, 'strong-method') : 'fido2';
}

function derive(world: EntraWorld, methods: EntraMethod[]): Registration {
  const has = (m: EntraMethod) => methods.includes(m);
  const phoneAllowed = world.weakMethodsEnabled.sms || world.weakMethodsEnabled.voice;
  const mfa = methods.filter((m) => MFA_METHODS.includes(m));
  const capable = mfa.filter((m) => m !== 'mobilePhone' || phoneAllowed);
  const systemPreferred = has('fido2') || has('passKeyDeviceBound') ? 'Fido2' : firstDefault(capable);
  return {
    methodsRegistered: methods,
    isMfaRegistered: mfa.length > 0,
    isMfaCapable: capable.length > 0,
    isPasswordlessCapable: methods.some((m) => PHISHING_RESISTANT.includes(m)),
    isSsprRegistered: methods.some((m) => m === 'mobilePhone' || m === 'email' || m === 'microsoftAuthenticatorPush'),
    systemPreferredAuthenticationMethods: systemPreferred === 'none' ? [] : [systemPreferred],
    userPreferredMethodForSecondaryAuthentication: firstDefault(capable),
    phishingResistant: methods[0] !== undefined && PHISHING_RESISTANT.includes(methods[0]),
  };
}

function firstDefault(methods: EntraMethod[]): 'push' | 'oath' | 'sms' | 'none' {
  if (methods.includes('microsoftAuthenticatorPush')) return 'push';
  if (methods.includes('softwareOneTimePasscode')) return 'oath';
  if (methods.includes('mobilePhone')) return 'sms';
  return 'none';
}
