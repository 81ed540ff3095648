import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { Socket } from 'node:net';
import { serverCertificate } from '../graph/tls.ts';
import { authorizationDetails, credentialReport, mfaDevices, virtualMfaDevices } from './iam.ts';
import { cloudtrail, logs, s3 } from './services.ts';
import {
  AwsError,
  denied,
  el,
  node,
  PROTOCOL,
  type Protocol,
  type Service,
  sendError,
  sendJson,
  sendQuery,
  sendXml,
} from './wire.ts';
import type { AwsAccount, AwsWorld } from './world.ts';

export interface AwsSimulator {
  url: string;
  caCert: string;
  world: AwsWorld;
  /** Requests seen per operation (`iam:GetAccountAuthorizationDetails`), for tests. */
  calls: Map<string, number>;
  /** The next `times` requests to `service` answer `Throttling` (or the JSON `ThrottlingException`). */
  throttle(service: Service, times: number): void;
  /** The next `times` requests to `service` answer a 500 `InternalFailure`. */
  fail(service: Service, times: number): void;
  close(): Promise<void>;
}

/** A session AssumeRole handed out: its temporary key maps back to the account and role. */
interface Session {
  account: AwsAccount;
  principal: string;
}

const SCOPE = /Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request/;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const MISSING: Record<Protocol, AwsError> = {
  query: new AwsError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token'),
  json: new AwsError(400, 'MissingAuthenticationTokenException', 'Missing Authentication Token'),
  'rest-xml': new AwsError(403, 'AccessDenied', 'Access Denied'),
};

function wrongRegion(protocol: Protocol, region: string, expected: string): AwsError {
  if (protocol === 'rest-xml') {
    return new AwsError(
      400,
      'AuthorizationHeaderMalformed',
      `The authorization header is malformed; the region '${region}' is wrong; expecting '${expected}'`,
    );
  }
  const code = protocol === 'json' ? 'InvalidSignatureException' : 'SignatureDoesNotMatch';
  return new AwsError(protocol === 'json' ? 400 : 403, code, `Credential should be scoped to a valid region. `);
}

function unknownKey(protocol: Protocol): AwsError {
  if (protocol === 'json') {
    return new AwsError(400, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  if (protocol === 'rest-xml') {
    return new AwsError(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  }
  return new AwsError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
}

/** The service a request is for, from its SigV4 scope (one port serves them all), else from its shape. */
function serviceOf(req: IncomingMessage, scope: RegExpExecArray | null): Service {
  const named = scope?.[4];
  if (named === 'iam' || named === 'sts' || named === 'cloudtrail' || named === 'logs' || named === 's3') return named;
  const target = String(req.headers['x-amz-target'] ?? '');
  if (target.startsWith('Logs_')) return 'logs';
  if (target.includes('CloudTrail')) return 'cloudtrail';
  return req.method === 'POST' && req.url === '/' ? 'iam' : 's3';
}

/** The service a request is shaped for: its `X-Amz-Target`, its query `Version`, else S3's REST paths. */
function shapeOf(req: IncomingMessage, body: string): Service {
  const target = String(req.headers['x-amz-target'] ?? '');
  if (target.startsWith('Logs_')) return 'logs';
  if (target.includes('CloudTrail')) return 'cloudtrail';
  if (req.method === 'POST' && req.url === '/') {
    const version = new URLSearchParams(body).get('Version');
    if (version === '2011-06-15') return 'sts';
    if (version === '2010-05-08') return 'iam';
  }
  return 's3';
}

function wrongService(protocol: Protocol, named: string, expected: Service): AwsError {
  if (protocol === 'rest-xml') {
    return new AwsError(
      400,
      'AuthorizationHeaderMalformed',
      `The authorization header is malformed; incorrect service "${named}". This endpoint belongs to "${expected}".`,
    );
  }
  const code = protocol === 'json' ? 'InvalidSignatureException' : 'SignatureDoesNotMatch';
  return new AwsError(
    protocol === 'json' ? 400 : 403,
    code,
    `Credential should be scoped to correct service: '${expected}'. `,
  );
}

/** Starts a loopback HTTPS server answering IAM, STS, CloudTrail, CloudWatch Logs and S3 as AWS does. */
export async function startAwsSimulator(
  world: AwsWorld,
  opts: { host?: string; port?: number } = {},
): Promise<AwsSimulator> {
  const sessions = new Map<string, Session>();
  const reports = new Set<string>();
  const calls = new Map<string, number>();
  const throttles = new Map<Service, number>();
  const failures = new Map<Service, number>();
  let issued = 0;

  const take = (m: Map<Service, number>, s: Service) => {
    const n = m.get(s) ?? 0;
    if (n > 0) m.set(s, n - 1);
    return n > 0;
  };

  function assumeRole(params: URLSearchParams, caller: string): string {
    const arn = params.get('RoleArn') ?? '';
    const match = /^arn:aws:iam::(\d{12}):role\/(.+)$/.exec(arn);
    const account = world.accounts.find((a) => a.id === match?.[1] && a.roleName === match?.[2]);
    if (!account || params.get('ExternalId') !== account.externalId) throw denied(caller, 'sts:AssumeRole', arn);
    const key = `ASIA${String(++issued).padStart(16, '0')}`;
    const name = params.get('RoleSessionName') ?? 'session';
    sessions.set(key, { account, principal: `arn:aws:sts::${account.id}:assumed-role/${account.roleName}/${name}` });
    const expires = new Date(Date.now() + 3600_000).toISOString();
    return `${node('Credentials', `${el('AccessKeyId', key)}${el('SecretAccessKey', `secret-${key}`)}${el('SessionToken', `token-${key}`)}${el('Expiration', expires)}`)}${node('AssumedRoleUser', `${el('AssumedRoleId', `AROA${account.id}:${name}`)}${el('Arn', `arn:aws:sts::${account.id}:assumed-role/${account.roleName}/${name}`)}`)}`;
  }

  function iam(session: Session, action: string, params: URLSearchParams): string {
    const a = session.account;
    switch (action) {
      case 'GenerateCredentialReport': {
        const first = !reports.has(a.id);
        reports.add(a.id);
        return `${el('State', first ? 'STARTED' : 'COMPLETE')}${el('Description', first ? 'No report exists. Starting a new report generation task' : '')}`;
      }
      case 'GetCredentialReport':
        if (!reports.has(a.id)) {
          throw new AwsError(
            410,
            'ReportNotPresent',
            'Credential report not present. Call GenerateCredentialReport first.',
          );
        }
        return `${el('Content', Buffer.from(credentialReport(a)).toString('base64'))}${el('ReportFormat', 'text/csv')}${el('GeneratedTime', new Date().toISOString())}`;
      case 'GetAccountAuthorizationDetails':
        return authorizationDetails(a, params);
      case 'ListVirtualMFADevices':
        return virtualMfaDevices(a, params);
      case 'ListMFADevices':
        return mfaDevices(a, params);
      default:
        throw new AwsError(400, 'InvalidAction', `Could not find operation ${action} for version 2010-05-08`);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse, service: Service, protocol: Protocol) {
    // Read before any refusal: answering while the client still sends would reset the connection.
    const body = await readBody(req);
    const auth = String(req.headers.authorization ?? '');
    const scope = SCOPE.exec(auth);
    if (!auth.startsWith('AWS4-HMAC-SHA256 ') || !scope) throw MISSING[protocol];
    const [, key, , region, named] = scope;
    const shape = shapeOf(req, body);
    if (shape !== service) throw wrongService(PROTOCOL[shape], named!, shape);
    const expected = service === 'iam' ? 'us-east-1' : world.region;
    if (region !== expected) throw wrongRegion(protocol, region!, expected);
    if (take(throttles, service)) {
      throw protocol === 'json'
        ? new AwsError(400, 'ThrottlingException', 'Rate exceeded')
        : protocol === 'rest-xml'
          ? new AwsError(503, 'SlowDown', 'Please reduce your request rate.')
          : new AwsError(400, 'Throttling', 'Rate exceeded');
    }
    if (take(failures, service)) throw new AwsError(500, 'InternalFailure', 'The request processing has failed.');
    const caller = `arn:aws:iam::000000000000:user/evident`;
    if (key === world.accessKeyId) {
      const params = new URLSearchParams(body);
      const action = params.get('Action') ?? '';
      if (service !== 'sts') throw denied(caller, `${service}:${action || 'Unknown'}`, '*');
      count(`sts:${action}`);
      if (action === 'AssumeRole') return sendQuery(res, 'sts', action, assumeRole(params, caller));
      if (action === 'GetCallerIdentity') {
        return sendQuery(
          res,
          'sts',
          action,
          `${el('UserId', 'AIDAEVIDENT')}${el('Account', '000000000000')}${el('Arn', caller)}`,
        );
      }
      throw new AwsError(400, 'InvalidAction', `Could not find operation ${action}`);
    }
    const session = sessions.get(key!);
    if (!session || req.headers['x-amz-security-token'] !== `token-${key}`) throw unknownKey(protocol);
    const refuse = (action: string, resource = '*') => {
      if (session.account.denied.includes(action)) throw denied(session.principal, action, resource);
    };
    if (protocol === 'query') {
      const params = new URLSearchParams(body);
      const action = params.get('Action') ?? '';
      count(`${service}:${action}`);
      if (service === 'sts') {
        if (action !== 'GetCallerIdentity')
          throw new AwsError(400, 'InvalidAction', `Could not find operation ${action}`);
        const arn = session.principal;
        return sendQuery(
          res,
          'sts',
          action,
          `${el('UserId', 'AROA:evident')}${el('Account', session.account.id)}${el('Arn', arn)}`,
        );
      }
      refuse(`iam:${action}`);
      return sendQuery(res, 'iam', action, iam(session, action, params));
    }
    if (protocol === 'json') {
      const action =
        String(req.headers['x-amz-target'] ?? '')
          .split('.')
          .pop() ?? '';
      count(`${service}:${action}`);
      refuse(`${service}:${action}`);
      const input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
      return sendJson(
        res,
        service === 'cloudtrail'
          ? cloudtrail(world, session.account, action, input)
          : logs(session.account, action, input),
      );
    }
    const url = new URL(req.url ?? '/', 'https://s3.local');
    const op = s3(world, session.account, url);
    count(`s3:${op.action}`);
    refuse(op.iamAction, op.resource);
    return sendXml(res, op.answer());
  }

  const count = (op: string) => calls.set(op, (calls.get(op) ?? 0) + 1);

  const { key, cert } = await serverCertificate();
  const sockets = new Set<Socket>();
  const server = createServer({ key, cert }, (req, res) => {
    const scope = SCOPE.exec(String(req.headers.authorization ?? ''));
    const service = serviceOf(req, scope);
    const protocol = PROTOCOL[service];
    handle(req, res, service, protocol).catch((e: unknown) => {
      if (res.headersSent) return void res.destroy();
      const error = e instanceof AwsError ? e : new AwsError(500, 'InternalFailure', String(e));
      sendError(res, protocol, service, error);
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    url: `https://${host}:${port}`,
    caCert: cert,
    world,
    calls,
    throttle: (s, n) => void throttles.set(s, n),
    fail: (s, n) => void failures.set(s, n),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
