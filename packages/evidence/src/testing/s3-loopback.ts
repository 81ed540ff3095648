import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

const body = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};
const xml = (s: string) => s.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!);

/**
 * The few S3 operations the storage uses (path-style: put, multipart, list v2, get, delete), in memory on loopback,
 * so the real client is exercised on the wire. Not an S3 implementation: no auth, no versioning.
 */
export async function s3Loopback(bucket: string) {
  const objects = new Map<string, { data: Buffer; at: Date }>();
  const uploads = new Map<string, Map<number, Buffer>>();
  const requests: string[] = [];
  /** The access key id each request was signed with. */
  const signedBy: string[] = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://loopback');
    const [, b, ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    const q = url.searchParams;
    signedBy.push(/Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? '');
    requests.push(
      `${req.method} ${q.has('uploads') ? 'uploads' : q.has('partNumber') ? 'part' : q.has('uploadId') ? 'upload' : key ? 'object' : 'bucket'}`,
    );
    const data = await body(req);
    const send = (status: number, text = '', type = 'application/xml') => {
      res.writeHead(status, { 'content-type': type, etag: '"etag"' });
      res.end(text);
    };
    if (b !== bucket) return send(404, '<Error><Code>NoSuchBucket</Code></Error>');
    if (req.method === 'GET' && !key) {
      const prefix = q.get('prefix') ?? '';
      const contents = [...objects]
        .filter(([k]) => k.startsWith(prefix))
        .map(
          ([k, o]) =>
            `<Contents><Key>${xml(k)}</Key><Size>${o.data.length}</Size><LastModified>${o.at.toISOString()}</LastModified></Contents>`,
        );
      return send(
        200,
        `<ListBucketResult><Name>${bucket}</Name><IsTruncated>false</IsTruncated>${contents.join('')}</ListBucketResult>`,
      );
    }
    if (req.method === 'POST' && q.has('uploads')) {
      const id = randomUUID();
      uploads.set(id, new Map());
      return send(
        200,
        `<InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${xml(key)}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`,
      );
    }
    if (req.method === 'PUT' && q.has('partNumber')) {
      uploads.get(q.get('uploadId')!)?.set(Number(q.get('partNumber')), data);
      return send(200);
    }
    if (req.method === 'POST' && q.has('uploadId')) {
      const parts = uploads.get(q.get('uploadId')!)!;
      objects.set(key, {
        data: Buffer.concat([...parts].sort((x, y) => x[0] - y[0]).map(([, p]) => p)),
        at: new Date(),
      });
      uploads.delete(q.get('uploadId')!);
      return send(
        200,
        `<CompleteMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${xml(key)}</Key></CompleteMultipartUploadResult>`,
      );
    }
    if (req.method === 'DELETE' && q.has('uploadId')) {
      uploads.delete(q.get('uploadId')!);
      return send(204);
    }
    if (req.method === 'PUT') {
      objects.set(key, { data, at: new Date() });
      return send(200);
    }
    if (req.method === 'GET') {
      const o = objects.get(key);
      if (!o) return send(404, `<Error><Code>NoSuchKey</Code><Key>${xml(key)}</Key></Error>`);
      return send(200, o.data as unknown as string, 'application/zip');
    }
    if (req.method === 'DELETE') {
      objects.delete(key);
      return send(204);
    }
    send(400, '<Error><Code>NotImplemented</Code></Error>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { endpoint, objects, requests, signedBy, close: () => new Promise<void>((r) => server.close(() => r())) };
}
