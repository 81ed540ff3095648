import { describe, expect, it } from 'vitest';
import { deniesWithoutMfa, grantsAdmin, statements } from './policy.ts';

const doc = (...Statement: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const force = (condition: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  Effect: 'Deny',
  NotAction: ['iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'iam:ListMFADevices', 'sts:GetSessionToken'],
  Resource: '*',
  Condition: condition,
  ...extra,
});

describe('policy statements', () => {
  it('reads URL-encoded documents and refuses what does not parse', () => {
    const encoded = encodeURIComponent(doc({ Effect: 'Allow', Action: '*', Resource: '*' }));
    expect(grantsAdmin(statements(encoded)!)).toBe(true);
    expect(statements('%7Bnot json')).toBeNull();
  });

  it('counts only an unconditional allow of everything as administrator', () => {
    expect(grantsAdmin(statements(doc({ Effect: 'Allow', Action: ['*:*'], Resource: ['*'] }))!)).toBe(true);
    expect(grantsAdmin(statements(doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }))!)).toBe(false);
    const conditioned = {
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
    };
    expect(grantsAdmin(statements(doc(conditioned))!)).toBe(false);
  });

  it("enforces MFA only with AWS's deny-all-without-MFA statement under BoolIfExists", () => {
    expect(deniesWithoutMfa(statements(doc(force({ BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } })))!)).toBe(
      true,
    );
    // Bool lets long-term access keys through.
    expect(deniesWithoutMfa(statements(doc(force({ Bool: { 'aws:MultiFactorAuthPresent': 'false' } })))!)).toBe(false);
    // Exempting more than MFA self-service leaves those actions open without MFA.
    const wide = force({ BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } }, { NotAction: ['s3:*'] });
    expect(deniesWithoutMfa(statements(doc(wide))!)).toBe(false);
    const narrow = {
      Effect: 'Deny',
      Action: 'ec2:*',
      Resource: '*',
      Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
    };
    expect(deniesWithoutMfa(statements(doc(narrow))!)).toBe(false);
    const everything = { ...narrow, Action: '*' };
    expect(deniesWithoutMfa(statements(doc(everything))!)).toBe(true);
  });
});
