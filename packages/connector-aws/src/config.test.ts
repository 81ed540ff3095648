import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { awsConfig, awsSecret } from './config.ts';
import { deniedAction, toConnectorError } from './errors.ts';

const base = { accounts: ['111122223333'], roleName: 'EvidentReadOnly', externalId: 'evident-contoso' };

interface FormSchema {
  title?: string;
  'x-provider'?: { needs: string[]; commands: string[] };
  properties: Record<string, { title?: string; 'x-field'?: string }>;
}

/** The JSON Schema the web form is generated from; zod types it loosely, the form reads these keys. */
const formSchema = (schema: z.ZodType) =>
  schema.toJSONSchema({ io: 'input', unrepresentable: 'any' }) as unknown as FormSchema;

describe('AWS config and secret', () => {
  it('defaults the region and the endpoints, and refuses what AWS would', () => {
    expect(awsConfig.parse(base)).toMatchObject({ region: 'us-east-1', breakGlassUsers: [], endpoints: {} });
    expect(awsConfig.safeParse({ ...base, accounts: ['1234'] }).success).toBe(false);
    expect(awsConfig.safeParse({ ...base, accounts: [] }).success).toBe(false);
    expect(awsConfig.safeParse({ ...base, region: 'Ireland' }).success).toBe(false);
    expect(awsSecret.safeParse({ accessKeyId: 'not-a-key', secretAccessKey: 'x' }).success).toBe(false);
  });

  it('carries the form metadata: titles, the provider guide, endpoints shown only as overrides', () => {
    const schema = formSchema(awsConfig);
    expect(schema.title).toBe('Amazon Web Services');
    expect(schema['x-provider']?.commands.length).toBeGreaterThan(0);
    expect(schema.properties.accounts).toMatchObject({ title: 'Account IDs', 'x-field': 'lines' });
    expect(schema.properties.endpoints?.['x-field']).toBe('endpoints');
    expect(formSchema(awsSecret).properties.secretAccessKey?.['x-field']).toBe('secret');
  });
});

describe('AWS errors as gaps', () => {
  const sdk = (name: string, message: string, status = 400) =>
    Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

  it('names the action AWS denied, from its message or from the call', () => {
    const msg =
      'User: arn:aws:sts::1:assumed-role/R/evident is not authorized to perform: iam:GenerateCredentialReport on resource: *';
    expect(deniedAction(msg)).toBe('iam:GenerateCredentialReport');
    expect(toConnectorError(sdk('AccessDenied', msg, 403))).toMatchObject({
      code: 'permission_missing',
      details: { permission: 'iam:GenerateCredentialReport' },
    });
    expect(
      toConnectorError(sdk('AccessDenied', 'Access Denied', 403), 's3:GetLifecycleConfiguration').details.permission,
    ).toBe('s3:GetLifecycleConfiguration');
  });

  it('sorts credentials, throttling and failures into their gap codes', () => {
    expect(toConnectorError(sdk('AccessDenied', 'no', 403), 'sts:AssumeRole').code).toBe('auth_failed');
    expect(toConnectorError(sdk('InvalidClientTokenId', 'bad', 403)).code).toBe('auth_failed');
    expect(toConnectorError(sdk('Throttling', 'Rate exceeded')).code).toBe('throttled');
    expect(toConnectorError(sdk('SlowDown', 'slow', 503)).code).toBe('throttled');
    expect(toConnectorError(sdk('InternalFailure', 'oops', 500)).code).toBe('provider_error');
  });
});
