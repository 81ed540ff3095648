import { describe, expect, it } from 'vitest';
import { isMfaMethod, isPhishingResistantMethod } from './roles.ts';

describe('methodsRegistered values', () => {
  it.each([
    'fido2',
    'fido2SecurityKey',
    'passKeyDeviceBound',
    'passKeyDeviceBoundAuthenticator',
    'passKeyDeviceBoundWindowsHello',
    'passKeySynced',
    'windowsHelloForBusiness',
    'macOsSecureEnclaveKey',
    'x509CertificateMultiFactor',
  ])('%s is phishing-resistant and MFA', (m) => {
    expect(isPhishingResistantMethod(m)).toBe(true);
    expect(isMfaMethod(m)).toBe(true);
  });

  it.each([
    'microsoftAuthenticatorPush',
    'microsoftAuthenticatorPasswordless',
    'softwareOneTimePasscode',
    'hardwareOneTimePasscode',
    'mobilePhone',
    'alternateMobilePhone',
    'officePhone',
    'temporaryAccessPass',
  ])('%s is MFA but not phishing-resistant', (m) => {
    expect(isMfaMethod(m)).toBe(true);
    expect(isPhishingResistantMethod(m)).toBe(false);
  });

  it.each(['email', 'securityQuestion', 'appPassword', 'somethingNew'])('%s is no MFA method', (m) => {
    expect(isMfaMethod(m)).toBe(false);
  });
});
