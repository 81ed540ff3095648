import type { CaPolicy, Strength } from './policy.ts';

/** Microsoft's built-in authentication strengths: Multifactor, Passwordless MFA, Phishing-resistant MFA. */
const BUILT_IN_MFA_STRENGTHS = new Set([
  '00000000-0000-0000-0000-000000000002',
  '00000000-0000-0000-0000-000000000003',
  '00000000-0000-0000-0000-000000000004',
]);
export const PHISHING_RESISTANT_STRENGTH = '00000000-0000-0000-0000-000000000004';

/** Authentication method modes that are multi-factor on their own (`authenticationMethodModes`). */
const MULTI_FACTOR_MODES = new Set([
  'fido2',
  'windowsHelloForBusiness',
  'x509CertificateMultiFactor',
  'deviceBasedPush',
  'federatedMultiFactor',
  'temporaryAccessPassOneTime',
  'temporaryAccessPassMultiUse',
]);
const FIRST_FACTORS = new Set(['password', 'federatedSingleFactor', 'x509CertificateSingleFactor']);
const SECOND_FACTORS = new Set(['voice', 'hardwareOath', 'softwareOath', 'sms', 'microsoftAuthenticatorPush']);
const PHISHING_RESISTANT_MODES = new Set(['windowsHelloForBusiness', 'fido2', 'x509CertificateMultiFactor']);

/** Whether one allowed combination (`password,sms`, `fido2`) demands two factors; unknown modes count for nothing. */
export function isMultiFactorCombination(combination: string): boolean {
  const modes = combination.split(',').map((m) => m.trim());
  if (modes.some((m) => MULTI_FACTOR_MODES.has(m))) return true;
  return modes.some((m) => FIRST_FACTORS.has(m)) && modes.some((m) => SECOND_FACTORS.has(m));
}

/**
 * Why an authentication strength is not MFA, or `undefined` when it is: it must claim `requirementsSatisfied: mfa`
 * and every combination it allows must be multi-factor. Built-in strengths are MFA by their documented definition.
 */
export function strengthShortfall(s: Strength): string | undefined {
  if (BUILT_IN_MFA_STRENGTHS.has(s.id)) return undefined;
  const label = `authentication strength '${s.displayName || s.id}'`;
  if (s.allowedCombinations.length === 0) return `${label} lists no allowed combinations`;
  const single = s.allowedCombinations.filter((c) => !isMultiFactorCombination(c));
  if (single.length > 0) return `${label} allows a single factor (${single.join('; ')})`;
  if (s.requirementsSatisfied !== 'mfa') {
    return `${label} satisfies '${s.requirementsSatisfied ?? 'unknown'}', not MFA`;
  }
  return undefined;
}

export function isPhishingResistantStrength(s: Strength): boolean {
  if (s.id === PHISHING_RESISTANT_STRENGTH) return true;
  return (
    strengthShortfall(s) === undefined &&
    s.allowedCombinations.length > 0 &&
    s.allowedCombinations.every((c) => PHISHING_RESISTANT_MODES.has(c))
  );
}

/** Every grant-control property Graph defines, and what each contributes; the CSDL test holds the list complete. */
export const GRANT_PROPERTIES = [
  'builtInControls',
  'customAuthenticationFactors',
  'operator',
  'termsOfUse',
  'authenticationStrength',
] as const;

export interface Grant {
  /** Some control the grant requires (AND) or every control it offers (OR) is MFA. */
  mfa: boolean;
  phishingResistant: boolean;
  /** Options of an OR-grant that let a user in without MFA, in words. */
  alternatives: string[];
  /** Why a control the grant names does not count as MFA (a single-factor strength, an undeclared custom control). */
  shortfalls: string[];
}

interface Option {
  label: string;
  mfa: boolean;
  phishingResistant: boolean;
}

/**
 * What a policy's grant demands. A custom control (e.g. Duo) counts as MFA only when the connection declares it so;
 * a grant property the resolver does not know makes MFA one option among unknown others.
 */
export function grantOf(policy: CaPolicy, mfaCustomControls: ReadonlySet<string> = new Set()): Grant {
  const g = policy.grantControls;
  if (!g) return { mfa: false, phishingResistant: false, alternatives: [], shortfalls: [] };
  const options: Option[] = [];
  const shortfalls: string[] = [];
  for (const c of g.builtInControls) {
    if (c === 'block') continue;
    options.push({ label: c, mfa: c === 'mfa', phishingResistant: false });
  }
  for (const c of g.customAuthenticationFactors) {
    const mfa = mfaCustomControls.has(c);
    if (!mfa) shortfalls.push(`custom control '${c}' is not declared as MFA in the connection`);
    options.push({ label: `custom control '${c}'`, mfa, phishingResistant: false });
  }
  for (const t of g.termsOfUse) options.push({ label: `terms of use '${t}'`, mfa: false, phishingResistant: false });
  const s = g.authenticationStrength;
  if (s) {
    const shortfall = strengthShortfall(s);
    if (shortfall) shortfalls.push(shortfall);
    options.push({
      label: `authentication strength '${s.displayName || s.id}'`,
      mfa: shortfall === undefined,
      phishingResistant: isPhishingResistantStrength(s),
    });
  }
  const known = new Set<string>(GRANT_PROPERTIES);
  for (const [key, value] of Object.entries(g)) {
    if (known.has(key) || key.startsWith('@') || key.includes('@odata') || isEmpty(value)) continue;
    options.push({ label: `an unrecognised grant control '${key}'`, mfa: false, phishingResistant: false });
  }
  if (g.operator?.toUpperCase() === 'AND') {
    return {
      mfa: options.some((o) => o.mfa),
      phishingResistant: options.some((o) => o.phishingResistant),
      alternatives: [],
      shortfalls,
    };
  }
  // Anything but AND (OR, or an operator Graph may add) lets any one option through.
  const mfa = options.filter((o) => o.mfa);
  return {
    mfa: mfa.length > 0,
    phishingResistant: mfa.length > 0 && options.every((o) => o.phishingResistant),
    alternatives: mfa.length > 0 ? options.filter((o) => !o.mfa).map((o) => o.label) : [],
    shortfalls,
  };
}

export function isEmpty(value: unknown): boolean {
  return value == null || value === '' || (Array.isArray(value) && value.length === 0);
}
