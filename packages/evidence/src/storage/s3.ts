import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { checkKey, ObjectNotFoundError, type PackStorage, type StoredObject } from './storage.ts';

export interface S3StorageOptions {
  bucket: string;
  /** Prepended to every key, e.g. `evidence/`. */
  prefix?: string;
  /** Region, endpoint (MinIO and other S3-compatible stores), credentials, `forcePathStyle`. */
  client: S3ClientConfig;
}

/** S3 parts are at least 5 MiB; a pack is sent part by part, so memory holds one part at a time. */
const PART = 8 * 1024 * 1024;

async function* parts(body: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  let held: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    held.push(Buffer.from(chunk));
    size += chunk.length;
    if (size >= PART) {
      yield Buffer.concat(held);
      held = [];
      size = 0;
    }
  }
  if (size > 0 || held.length === 0) yield Buffer.concat(held);
}

export function s3Storage(options: S3StorageOptions): PackStorage {
  const client = new S3Client(options.client);
  const Bucket = options.bucket;
  const prefix = options.prefix ?? '';
  const full = (key: string) => `${prefix}${checkKey(key)}`;

  async function upload(key: string, body: AsyncIterable<Uint8Array>): Promise<number> {
    const iterator = parts(body)[Symbol.asyncIterator]();
    const first = await iterator.next();
    const second = first.done ? first : await iterator.next();
    if (second.done) {
      const bytes = first.done ? Buffer.alloc(0) : first.value;
      await client.send(new PutObjectCommand({ Bucket, Key: key, Body: bytes, ContentType: 'application/zip' }));
      return bytes.length;
    }
    const { UploadId } = await client.send(
      new CreateMultipartUploadCommand({ Bucket, Key: key, ContentType: 'application/zip' }),
    );
    try {
      const done: { ETag: string; PartNumber: number }[] = [];
      let size = 0;
      let next: IteratorResult<Buffer> = first;
      let following: IteratorResult<Buffer> = second;
      while (!next.done) {
        const PartNumber = done.length + 1;
        const { ETag } = await client.send(
          new UploadPartCommand({ Bucket, Key: key, UploadId, PartNumber, Body: next.value }),
        );
        done.push({ ETag: ETag!, PartNumber });
        size += next.value.length;
        next = following;
        following = next.done ? next : await iterator.next();
      }
      await client.send(
        new CompleteMultipartUploadCommand({ Bucket, Key: key, UploadId, MultipartUpload: { Parts: done } }),
      );
      return size;
    } catch (error) {
      await client.send(new AbortMultipartUploadCommand({ Bucket, Key: key, UploadId })).catch(() => undefined);
      throw error;
    }
  }

  return {
    async put(key, body) {
      const size = await upload(full(key), body);
      return { key, size, modifiedAt: new Date() };
    },
    async list(keyPrefix) {
      const out: StoredObject[] = [];
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket, Prefix: `${prefix}${keyPrefix}`, ContinuationToken }),
        );
        for (const o of page.Contents ?? [])
          if (o.Key)
            out.push({ key: o.Key.slice(prefix.length), size: o.Size ?? 0, modifiedAt: o.LastModified ?? new Date(0) });
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
      return out.sort((a, b) => a.modifiedAt.getTime() - b.modifiedAt.getTime() || a.key.localeCompare(b.key));
    },
    async get(key) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket, Key: full(key) }));
        return object.Body as AsyncIterable<Uint8Array>;
      } catch (error) {
        if (error instanceof NoSuchKey) throw new ObjectNotFoundError(key);
        throw error;
      }
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: full(key) }));
    },
  };
}
