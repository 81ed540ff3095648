import { createRequire } from 'node:module';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { fromJSON, type Options } from '@grpc/proto-loader';
import protobuf from 'protobufjs';

const require = createRequire(import.meta.url);
const loggingRequire = createRequire(require.resolve('@google-cloud/logging'));

/** The protos `@google-cloud/logging`'s `v2` clients are generated from, as the package ships them. */
export const BUNDLED_LOGGING_PROTOS_JSON: protobuf.INamespace = loggingRequire(
  '@google-cloud/logging-api/build/protos/protos.json',
);
export const RESOURCE_MANAGER_PROTOS_JSON: protobuf.INamespace = require('@google-cloud/resource-manager/build/protos/protos.json');

/** Fields Google's service sends that the bundled protos predate (numbers as in Google's logging_config.proto). */
const LOG_SINK_FIELDS_MISSING = { interceptChildren: { type: 'bool', id: 10 } };

function withServiceFields(json: protobuf.INamespace): protobuf.INamespace {
  const copy = structuredClone(json);
  const root = protobuf.Root.fromJSON(copy);
  const sink = root.lookupType('google.logging.v2.LogSink');
  for (const [name, field] of Object.entries(LOG_SINK_FIELDS_MISSING))
    if (!sink.fields[name]) sink.add(new protobuf.Field(name, field.id, field.type));
  return root.toJSON();
}

/** The Logging protos as the simulated service speaks them: the bundled ones and the LogSink fields they lack. */
export const LOGGING_PROTOS_JSON: protobuf.INamespace = withServiceFields(BUNDLED_LOGGING_PROTOS_JSON);

const LOADER_OPTIONS: Options = { longs: Number, enums: String, defaults: true, oneofs: true };

function services(json: protobuf.INamespace, names: string[]): Record<string, ServiceDefinition> {
  const definition = fromJSON(json, LOADER_OPTIONS);
  const out: Record<string, ServiceDefinition> = {};
  for (const name of names) {
    const service = definition[name];
    if (service === undefined || 'format' in service) throw new Error(`${name} is not a service in the bundled protos`);
    out[name] = service;
  }
  return out;
}

export const CONFIG_SERVICE = 'google.logging.v2.ConfigServiceV2';
export const LOGGING_SERVICE = 'google.logging.v2.LoggingServiceV2';
export const PROJECTS = 'google.cloud.resourcemanager.v3.Projects';
export const FOLDERS = 'google.cloud.resourcemanager.v3.Folders';
export const ORGANIZATIONS = 'google.cloud.resourcemanager.v3.Organizations';

export function loadServices(): Record<string, ServiceDefinition> {
  return {
    ...services(LOGGING_PROTOS_JSON, [CONFIG_SERVICE, LOGGING_SERVICE]),
    ...services(RESOURCE_MANAGER_PROTOS_JSON, [PROJECTS, FOLDERS, ORGANIZATIONS]),
  };
}

/** `google.rpc.Status` and `google.rpc.ErrorInfo` (field numbers as in google/rpc/*.proto), for rich error details. */
const RPC_PROTOS = {
  nested: {
    google: {
      nested: {
        rpc: {
          nested: {
            Status: {
              fields: {
                code: { type: 'int32', id: 1 },
                message: { type: 'string', id: 2 },
                details: { rule: 'repeated', type: 'google.protobuf.Any', id: 3 },
              },
            },
            ErrorInfo: {
              fields: {
                reason: { type: 'string', id: 1 },
                domain: { type: 'string', id: 2 },
                metadata: { keyType: 'string', type: 'string', id: 3 },
              },
            },
          },
        },
        protobuf: {
          nested: { Any: { fields: { type_url: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } } },
        },
      },
    },
  },
};
const rpc = protobuf.Root.fromJSON(RPC_PROTOS);
const STATUS = rpc.lookupType('google.rpc.Status');
const ERROR_INFO = rpc.lookupType('google.rpc.ErrorInfo');

export interface ErrorInfo {
  reason: string;
  domain: string;
  metadata: Record<string, string>;
}

/** The `grpc-status-details-bin` trailer: a `google.rpc.Status` carrying one `ErrorInfo`. */
export function statusDetails(code: number, message: string, info: ErrorInfo): Buffer {
  const any = {
    type_url: 'type.googleapis.com/google.rpc.ErrorInfo',
    value: ERROR_INFO.encode(ERROR_INFO.create(info)).finish(),
  };
  return Buffer.from(STATUS.encode(STATUS.fromObject({ code, message, details: [any] })).finish());
}

function strip(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.length === 0 ? undefined : value;
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map(strip);
  if (value !== null && typeof value === 'object') return withoutDefaults(value);
  return value === '' || value === false || value === 0 ? undefined : value;
}

/**
 * Drops proto3 default values (empty strings and lists, false, 0) before encoding: protobufjs writes any field that is
 * set, while Google's servers leave defaults off the wire.
 */
export function withoutDefaults(message: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(message)) {
    const kept = strip(v);
    if (kept !== undefined) out[k] = kept;
  }
  return out;
}
