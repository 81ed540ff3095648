import { describe, expect, it } from 'vitest';
import { dataAccess } from './audit.ts';
import { type AuditConfig, auditConfigSchema } from './model.ts';
import { allServices } from './snapshot.fixture.ts';

const config = (service: string, ...logTypes: (string | number)[]): AuditConfig =>
  auditConfigSchema.parse({ service, auditLogConfigs: logTypes.map((logType) => ({ logType })) });

describe('dataAccess', () => {
  it('is off without audit configs (Google’s default)', () => {
    expect(dataAccess([])).toEqual({ state: 'none', exemptions: [] });
  });

  it('is on for everything only when all services log data reads and writes', () => {
    expect(dataAccess([allServices()]).state).toBe('all');
    expect(dataAccess([config('allServices', 'DATA_READ')]).state).toBe('partial');
    expect(dataAccess([config('allServices', 'ADMIN_READ')]).state).toBe('partial');
    expect(dataAccess([config('storage.googleapis.com', 'DATA_READ', 'DATA_WRITE')]).state).toBe('partial');
  });

  it('unions what the hierarchy sets: reads at the organization and writes in the project make all', () => {
    expect(dataAccess([config('allServices', 'DATA_READ'), config('allServices', 'DATA_WRITE')]).state).toBe('all');
  });

  it('reads log types sent as enum numbers too', () => {
    expect(dataAccess([config('allServices', 3, 2)]).state).toBe('all');
    expect(dataAccess([config('allServices', 0)]).state).toBe('none');
  });

  it('lists every exempted principal once, sorted', () => {
    const configs = [allServices(['user:b@x.example', 'user:a@x.example']), allServices(['user:a@x.example'])];
    expect(dataAccess(configs).exemptions).toEqual(['user:a@x.example', 'user:b@x.example']);
  });
});
