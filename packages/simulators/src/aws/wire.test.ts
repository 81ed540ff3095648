import { XMLParser } from 'fast-xml-parser';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsSimulator, awsWorld, startAwsSimulator } from './index.ts';

let sim: AwsSimulator;
let dispatcher: Agent;
const xml = new XMLParser();

beforeAll(async () => {
  sim = await startAwsSimulator(awsWorld('huge'));
  dispatcher = new Agent({ connect: { ca: sim.caCert } });
});
afterAll(async () => {
  await dispatcher.close();
  await sim.close();
});

const scope = (key: string, region: string, service: string) =>
  `AWS4-HMAC-SHA256 Credential=${key}/20261207/${region}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=00`;

async function send(init: { path?: string; body?: string; headers: Record<string, string> }) {
  const res = await fetch(`${sim.url}${init.path ?? '/'}`, {
    method: init.body === undefined ? 'GET' : 'POST',
    headers: init.headers,
    ...(init.body === undefined ? {} : { body: init.body }),
    dispatcher,
  });
  return { status: res.status, text: await res.text() };
}

async function assumed(): Promise<{ key: string; token: string }> {
  const a = sim.world.accounts[0]!;
  const body = new URLSearchParams({
    Action: 'AssumeRole',
    Version: '2011-06-15',
    RoleArn: `arn:aws:iam::${a.id}:role/${a.roleName}`,
    RoleSessionName: 'test',
    ExternalId: a.externalId,
  }).toString();
  const res = await send({ body, headers: { authorization: scope(sim.world.accessKeyId, sim.world.region, 'sts') } });
  const creds = xml.parse(res.text).AssumeRoleResponse.AssumeRoleResult.Credentials;
  return { key: creds.AccessKeyId, token: creds.SessionToken };
}

describe('the AWS simulator on the wire', () => {
  it('answers an unsigned request as each protocol does', async () => {
    const query = await send({ body: 'Action=GetCallerIdentity&Version=2011-06-15', headers: {} });
    expect(query.status).toBe(403);
    expect(xml.parse(query.text).ErrorResponse.Error.Code).toBe('MissingAuthenticationToken');
    const json = await send({
      body: '{}',
      headers: { 'x-amz-target': 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DescribeTrails' },
    });
    expect([json.status, JSON.parse(json.text).__type]).toEqual([400, 'MissingAuthenticationTokenException']);
  });

  it('refuses a credential scoped to another region, naming the one expected where S3 does', async () => {
    const { key, token } = await assumed();
    const trail = await send({
      body: '{}',
      headers: {
        authorization: scope(key, 'us-west-2', 'cloudtrail'),
        'x-amz-security-token': token,
        'x-amz-target': 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DescribeTrails',
      },
    });
    expect(JSON.parse(trail.text).__type).toBe('InvalidSignatureException');
    const s3 = await send({
      path: '/log-archive-trail?lifecycle',
      headers: { authorization: scope(key, 'us-west-2', 's3'), 'x-amz-security-token': token },
    });
    expect(s3.status).toBe(400);
    expect(xml.parse(s3.text).Error).toMatchObject({ Code: 'AuthorizationHeaderMalformed' });
    expect(xml.parse(s3.text).Error.Message).toContain("expecting 'eu-west-1'");
    // IAM is global: its requests are signed for us-east-1 whatever the region.
    const iam = await send({
      body: 'Action=ListVirtualMFADevices&Version=2010-05-08',
      headers: { authorization: scope(key, 'eu-west-1', 'iam'), 'x-amz-security-token': token },
    });
    expect(xml.parse(iam.text).ErrorResponse.Error.Code).toBe('SignatureDoesNotMatch');
  });

  it('refuses a credential scoped to another service', async () => {
    const { key, token } = await assumed();
    const res = await send({
      body: 'Action=ListVirtualMFADevices&Version=2010-05-08',
      headers: { authorization: scope(key, 'eu-west-1', 'sts'), 'x-amz-security-token': token },
    });
    expect(res.status).toBe(403);
    expect(xml.parse(res.text).ErrorResponse.Error).toMatchObject({ Code: 'SignatureDoesNotMatch' });
    expect(xml.parse(res.text).ErrorResponse.Error.Message).toContain("scoped to correct service: 'iam'");
  });

  it('refuses a key it never issued, and the MSP key anywhere but STS', async () => {
    const stranger = await send({
      body: 'Action=ListVirtualMFADevices&Version=2010-05-08',
      headers: { authorization: scope('ASIASTRANGER0000000', 'us-east-1', 'iam'), 'x-amz-security-token': 'x' },
    });
    expect(xml.parse(stranger.text).ErrorResponse.Error.Code).toBe('InvalidClientTokenId');
    const msp = await send({
      body: 'Action=ListVirtualMFADevices&Version=2010-05-08',
      headers: { authorization: scope(sim.world.accessKeyId, 'us-east-1', 'iam') },
    });
    expect(xml.parse(msp.text).ErrorResponse.Error.Code).toBe('AccessDenied');
  });

  it('pages 20,000 users with Marker and IsTruncated, and reports them all in the credential report', async () => {
    const { key, token } = await assumed();
    const headers = { authorization: scope(key, 'us-east-1', 'iam'), 'x-amz-security-token': token };
    let marker: string | undefined;
    let users = 0;
    let pages = 0;
    do {
      const body = new URLSearchParams({
        Action: 'GetAccountAuthorizationDetails',
        Version: '2010-05-08',
        'Filter.member.1': 'User',
        MaxItems: '1000',
        ...(marker ? { Marker: marker } : {}),
      }).toString();
      const res = await send({ body, headers });
      // Counted on the text: parsing 20 pages of a thousand users each is the slow part, not the simulator.
      users += res.text.match(/<UserName>/g)?.length ?? 0;
      pages++;
      marker = /<IsTruncated>true<\/IsTruncated><Marker>([^<]+)<\/Marker>/.exec(res.text)?.[1];
    } while (marker);
    expect([users, pages]).toEqual([20_000, 20]);
    await send({ body: 'Action=GenerateCredentialReport&Version=2010-05-08', headers });
    const report = await send({ body: 'Action=GetCredentialReport&Version=2010-05-08', headers });
    const content = xml.parse(report.text).GetCredentialReportResponse.GetCredentialReportResult.Content;
    const lines = Buffer.from(content, 'base64').toString('utf8').trim().split('\n');
    expect(lines).toHaveLength(20_002);
    expect(lines[1]).toMatch(/^<root_account>,arn:aws:iam::111111111111:root,/);
  });

  it('throttles as asked, per service and protocol', async () => {
    const { key, token } = await assumed();
    sim.throttle('iam', 1);
    const headers = { authorization: scope(key, 'us-east-1', 'iam'), 'x-amz-security-token': token };
    const first = await send({ body: 'Action=ListVirtualMFADevices&Version=2010-05-08', headers });
    expect([first.status, xml.parse(first.text).ErrorResponse.Error.Code]).toEqual([400, 'Throttling']);
    const second = await send({ body: 'Action=ListVirtualMFADevices&Version=2010-05-08', headers });
    expect(second.status).toBe(200);
  });
});
