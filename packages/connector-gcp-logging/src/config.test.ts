import { createContext } from '@evident/connector-kit';
import type { Fact } from '@evident/core';
import { describe, expect, it } from 'vitest';
import { gcpLoggingConfig, gcpLoggingSecret } from './config.ts';
import { gcpLoggingConnector } from './connector.ts';

const key = {
  type: 'service_account',
  project_id: 'evident-msp',
  private_key_id: 'abc123',
  private_key: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n',
  client_email: 'evident-reader@evident-msp.iam.gserviceaccount.com',
  client_id: '1234',
};

describe('config', () => {
  it('takes projects, folders and organizations, with endpoint overrides', () => {
    const config = gcpLoggingConfig.parse({
      resources: ['projects/acme-prod', 'folders/123', 'organizations/456'],
      endpoints: { logging: '127.0.0.1:8085', resourceManager: 'localhost', insecure: true },
    });
    expect(config.resources).toHaveLength(3);
    expect(gcpLoggingConfig.parse({ resources: ['projects/acme-prod'] }).endpoints).toBeUndefined();
  });

  it.each([[[]], [['acme-prod']], [['billingAccounts/1']], [['projects/']], [['projects/a/b']]])(
    'refuses resources %j',
    (resources) => {
      expect(gcpLoggingConfig.safeParse({ resources }).success).toBe(false);
    },
  );

  it.each([
    [{ insecure: true }],
    [{ logging: '127.0.0.1:8085', insecure: true }],
    [{ logging: '127.0.0.1:8085', resourceManager: 'cloudresourcemanager.googleapis.com:443', insecure: true }],
    [{ logging: 'logging.googleapis.com', resourceManager: '127.0.0.1:8085', insecure: true }],
    [{ logging: 'europe-west1-logging.googleapis.com.', resourceManager: 'localhost', insecure: true }],
  ])('refuses plain text to any of Google’s own hosts: %j', (endpoints) => {
    const parsed = gcpLoggingConfig.safeParse({ resources: ['projects/acme-prod'], endpoints });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ['endpoints', 'insecure'],
      message: expect.stringMatching(/only for a local simulator.*googleapis\.com/),
    });
  });

  it('takes Google’s hosts over TLS, and plain text to a simulator', () => {
    const tls = { logging: 'logging.googleapis.com:443', resourceManager: 'cloudresourcemanager.googleapis.com' };
    expect(gcpLoggingConfig.safeParse({ resources: ['projects/a'], endpoints: tls }).success).toBe(true);
    const sim = { logging: '127.0.0.1:8085', resourceManager: 'sim.internal:9000', insecure: true };
    expect(gcpLoggingConfig.safeParse({ resources: ['projects/a'], endpoints: sim }).success).toBe(true);
  });

  it('refuses an endpoint that is not host:port', () => {
    const endpoints = { logging: 'http://127.0.0.1:8085' };
    expect(gcpLoggingConfig.safeParse({ resources: ['projects/acme-prod'], endpoints }).success).toBe(false);
  });
});

describe('secret', () => {
  it('takes the JSON key as an object or as the text of the key file', () => {
    expect(gcpLoggingSecret.parse({ serviceAccountKey: key }).serviceAccountKey).toMatchObject(key);
    expect(gcpLoggingSecret.parse({ serviceAccountKey: JSON.stringify(key) }).serviceAccountKey).toMatchObject(key);
    expect(gcpLoggingSecret.parse({}).serviceAccountKey).toBeUndefined();
  });

  it('refuses a key without its private key or e-mail, and text that is not JSON', () => {
    const { private_key: _, ...noKey } = key;
    expect(gcpLoggingSecret.safeParse({ serviceAccountKey: noKey }).success).toBe(false);
    expect(gcpLoggingSecret.safeParse({ serviceAccountKey: { ...key, client_email: 'nobody' } }).success).toBe(false);
    expect(gcpLoggingSecret.safeParse({ serviceAccountKey: 'not json' }).success).toBe(false);
  });
});

describe('collect without credentials', () => {
  it('yields one auth_failed gap covering everything it would have read', async () => {
    const ctx = createContext({ connection: 'c1', config: { resources: ['projects/acme-prod'] }, secret: {} });
    const out: Fact[] = [];
    for await (const f of gcpLoggingConnector.collect(ctx)) out.push(f);
    expect(out).toEqual([
      expect.objectContaining({
        type: 'gap',
        code: 'auth_failed',
        covers: ['logSource', 'setting.gcp.data_access_audit'],
        remedy: expect.stringContaining('roles/logging.viewer'),
      }),
    ]);
  });
});
