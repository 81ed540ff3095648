import { Metadata } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { classifyGcpError, GRPC } from './errors.ts';

const at = { call: 'ConfigServiceV2.ListBuckets', resource: 'projects/p1', permission: 'logging.buckets.list' };
const grpcError = (code: number, details: string, extra: object = {}) =>
  Object.assign(new Error(`${code} ${details}`), { code, details, metadata: new Metadata(), ...extra });

describe('classifyGcpError', () => {
  it('names the permission from ErrorInfo, else from the message, else the one the call needs', () => {
    const info = grpcError(GRPC.PERMISSION_DENIED, 'The caller does not have permission', {
      errorInfoMetadata: { permission: 'resourcemanager.projects.getIamPolicy' },
    });
    expect(classifyGcpError(info, at).details.permission).toBe('resourcemanager.projects.getIamPolicy');
    const said = grpcError(
      GRPC.PERMISSION_DENIED,
      "Permission 'logging.sinks.list' denied on resource (or it may not exist).",
    );
    expect(classifyGcpError(said, at)).toMatchObject({
      code: 'permission_missing',
      details: { permission: 'logging.sinks.list' },
    });
    const bare = classifyGcpError(grpcError(GRPC.PERMISSION_DENIED, 'The caller does not have permission'), at);
    expect(bare.details.permission).toBe('logging.buckets.list');
    expect(bare.details.remedy).toContain('logging.buckets.list on projects/p1');
    expect(bare.retryable).toBe(false);
  });

  it('maps UNAUTHENTICATED, and a token the credential could not obtain, to auth_failed', () => {
    expect(classifyGcpError(grpcError(GRPC.UNAUTHENTICATED, 'expired'), at).code).toBe('auth_failed');
    const plugin = grpcError(GRPC.UNAVAILABLE, 'Getting metadata from plugin failed with error: invalid_grant');
    expect(classifyGcpError(plugin, at).code).toBe('auth_failed');
  });

  it('maps RESOURCE_EXHAUSTED to throttled, with the delay RetryInfo asks for', () => {
    const plain = classifyGcpError(grpcError(GRPC.RESOURCE_EXHAUSTED, 'Quota exceeded'), at);
    expect(plain).toMatchObject({ code: 'throttled', retryable: true, details: {} });
    const info = grpcError(GRPC.RESOURCE_EXHAUSTED, 'Quota exceeded', {
      statusDetails: [
        { reason: 'RATE_LIMIT_EXCEEDED' },
        { retryDelay: { seconds: { toString: () => '2' }, nanos: 5e8 } },
      ],
    });
    expect(classifyGcpError(info, at).details.retryAfterMs).toBe(2500);
  });

  it.each([GRPC.UNAVAILABLE, GRPC.DEADLINE_EXCEEDED, GRPC.INTERNAL])(
    'maps status %i to a retryable provider error',
    (code) => {
      const error = classifyGcpError(grpcError(code, 'boom'), at);
      expect(error).toMatchObject({ code: 'provider_error', retryable: true });
      expect(error.message).toContain('ConfigServiceV2.ListBuckets projects/p1');
    },
  );

  it('maps NOT_FOUND to a provider error naming the resource, not retried', () => {
    const error = classifyGcpError(grpcError(GRPC.NOT_FOUND, "Resource 'projects/p1' was not found."), at);
    expect(error).toMatchObject({ code: 'provider_error', retryable: false });
    expect(error.message).toMatch(/^projects\/p1 was not found/);
  });

  it('keeps anything else a provider error, with the original as cause', () => {
    const odd = new TypeError('socket hang up');
    const error = classifyGcpError(odd, at);
    expect(error).toMatchObject({ code: 'provider_error', cause: odd });
    expect(classifyGcpError(grpcError(3, 'Invalid parent'), at)).toMatchObject({
      code: 'provider_error',
      retryable: false,
    });
  });
});
