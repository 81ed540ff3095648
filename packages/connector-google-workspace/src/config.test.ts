import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { googleWorkspaceConfig, googleWorkspaceSecret } from './config.ts';

describe('config and secret', () => {
  it('describe their form: the provider, its needs and commands, each field’s title and kind', () => {
    const schema = z.toJSONSchema(googleWorkspaceConfig, { io: 'input' }) as Record<string, unknown>;
    expect(schema.title).toBe('Google Workspace');
    const needs = (schema['x-provider'] as { needs: string[] }).needs.join(' ');
    for (const scope of [
      'admin.directory.user.readonly',
      'admin.directory.rolemanagement.readonly',
      'admin.reports.audit.readonly',
    ])
      expect(needs).toContain(scope);
    const properties = schema.properties as Record<string, Record<string, unknown>>;
    expect(properties.adminEmail?.title).toBe('Admin to act as');
    expect(properties.endpoints?.['x-field']).toBe('endpoints');
    expect(properties.breakGlass?.['x-field']).toBe('lines');
    const secret = z.toJSONSchema(googleWorkspaceSecret, { io: 'input' }) as Record<string, unknown>;
    const key = (secret.properties as Record<string, Record<string, unknown>>).serviceAccountKey;
    expect(key?.['x-field']).toBe('json');
  });

  it('defaults the customer to the admin’s own and lower-cases declared accounts', () => {
    const config = googleWorkspaceConfig.parse({ adminEmail: 'r@contoso.com', breakGlass: ['BG@Contoso.com'] });
    expect(config).toMatchObject({ customerId: 'my_customer', breakGlass: ['bg@contoso.com'] });
  });

  it('refuses a customer ID of another shape and a key that is not a service-account key', () => {
    expect(googleWorkspaceConfig.safeParse({ adminEmail: 'r@contoso.com', customerId: 'contoso' }).success).toBe(false);
    expect(googleWorkspaceSecret.safeParse({ serviceAccountKey: '{"client_email": "x@y.z"}' }).success).toBe(false);
    const pasted = JSON.stringify({
      client_email: 'sa@p.iam.gserviceaccount.com',
      private_key: '-----BEGIN PRIVATE KEY-----',
    });
    expect(googleWorkspaceSecret.parse({ serviceAccountKey: pasted }).serviceAccountKey.client_email).toBe(
      'sa@p.iam.gserviceaccount.com',
    );
  });
});
