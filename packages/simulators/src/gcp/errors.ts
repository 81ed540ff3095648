import { Metadata, status } from '@grpc/grpc-js';
import { type ErrorInfo, statusDetails } from './protos.ts';

/** A gRPC error as the server sends it: code, message and, where Google sends one, an `ErrorInfo` detail. */
export interface GrpcFailure {
  code: status;
  details: string;
  metadata: Metadata;
}

export function grpcFailure(code: status, message: string, info?: ErrorInfo): GrpcFailure {
  const metadata = new Metadata();
  if (info) metadata.set('grpc-status-details-bin', statusDetails(code, message, info));
  return { code, details: message, metadata };
}

export function isFailure(value: unknown): value is GrpcFailure {
  return typeof value === 'object' && value !== null && 'code' in value && 'details' in value && 'metadata' in value;
}

/** As IAM words it: the permission, the resource, and "(or it may not exist)", since Google never confirms existence. */
export function permissionDenied(permission: string, resource: string): GrpcFailure {
  return grpcFailure(
    status.PERMISSION_DENIED,
    `Permission '${permission}' denied on resource '${resource}' (or it may not exist).`,
    {
      reason: 'IAM_PERMISSION_DENIED',
      domain: 'iam.googleapis.com',
      metadata: { permission, resource },
    },
  );
}

export interface QuotaRule {
  service: string;
  metric: string;
  limitName: string;
  display: string;
  perMinute: number;
}

export function quotaExceeded(rule: QuotaRule, consumer: string): GrpcFailure {
  return grpcFailure(
    status.RESOURCE_EXHAUSTED,
    `Quota exceeded for quota metric '${rule.display}' and limit '${rule.display} per minute' of service '${rule.service}' for consumer '${consumer}'.`,
    {
      reason: 'RATE_LIMIT_EXCEEDED',
      domain: 'googleapis.com',
      metadata: {
        quota_metric: rule.metric,
        quota_limit: rule.limitName,
        quota_limit_value: String(rule.perMinute),
        service: rule.service,
        consumer,
      },
    },
  );
}

export function unauthenticated(service: string, method: string): GrpcFailure {
  return grpcFailure(
    status.UNAUTHENTICATED,
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
    { reason: 'ACCESS_TOKEN_EXPIRED', domain: 'googleapis.com', metadata: { service, method } },
  );
}

export const unavailable = (message = 'The service is currently unavailable.') =>
  grpcFailure(status.UNAVAILABLE, message);
export const internal = () => grpcFailure(status.INTERNAL, 'Internal error encountered.');
export const invalidArgument = (message: string) => grpcFailure(status.INVALID_ARGUMENT, message);
export const notFound = (name: string) => grpcFailure(status.NOT_FOUND, `Resource '${name}' was not found.`);
