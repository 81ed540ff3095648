import { describe, expect, it } from 'vitest';
import { parseReport } from './report.ts';

const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';

describe('parseReport', () => {
  it('reads root and users, with quoted names and AWS’s N/A and no_information', () => {
    const csv = [
      HEADER,
      '<root_account>,arn:aws:iam::1:root,2025-01-01T00:00:00+00:00,not_supported,no_information,not_supported,not_supported,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
      '"a,b",arn:aws:iam::1:user/a,2025-01-01T00:00:00+00:00,true,2026-12-01T10:00:00+00:00,N/A,N/A,true,true,N/A,N/A,N/A,N/A,true,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
    ].join('\n');
    const [root, user] = parseReport(csv);
    expect(root).toMatchObject({
      user: '<root_account>',
      passwordEnabled: 'unknown',
      mfaActive: false,
      passwordLastUsed: 'unknown',
    });
    expect(user).toEqual({
      user: 'a,b',
      arn: 'arn:aws:iam::1:user/a',
      passwordEnabled: true,
      passwordLastUsed: '2026-12-01T10:00:00.000Z',
      mfaActive: true,
      activeKeys: 2,
    });
  });

  it('refuses a report without the columns it reads', () => {
    expect(() => parseReport('user,arn\nx,y')).toThrow(/mfa_active/);
  });
});
