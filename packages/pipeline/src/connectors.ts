import { awsConnector } from '@evident/connector-aws';
import { entraConnector } from '@evident/connector-entra';
import { gcpLoggingConnector } from '@evident/connector-gcp-logging';
import { githubConnector } from '@evident/connector-github';
import { googleWorkspaceConnector } from '@evident/connector-google-workspace';
import type { AnyConnector } from '@evident/connector-kit';
import type { Provider } from '@evident/core';

export type ConnectorRegistry = Record<Provider, AnyConnector>;

export const DEFAULT_CONNECTORS: ConnectorRegistry = {
  entra: entraConnector,
  github: githubConnector,
  'gcp-logging': gcpLoggingConnector,
  'google-workspace': googleWorkspaceConnector,
  aws: awsConnector,
};

export function connectorFor(kind: Provider): AnyConnector {
  return DEFAULT_CONNECTORS[kind];
}
