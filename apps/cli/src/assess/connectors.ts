import { entraConnector } from '@evident/connector-entra';
import { gcpLoggingConnector } from '@evident/connector-gcp-logging';
import { githubConnector } from '@evident/connector-github';
import type { AnyConnector } from '@evident/connector-kit';
import type { Provider } from '@evident/core';

const CONNECTORS: Record<Provider, AnyConnector> = {
  entra: entraConnector,
  github: githubConnector,
  'gcp-logging': gcpLoggingConnector,
};

export function connectorFor(kind: Provider): AnyConnector {
  return CONNECTORS[kind];
}
