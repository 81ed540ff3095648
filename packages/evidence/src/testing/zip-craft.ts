import { deflateSync, strToU8 } from 'fflate';
import { crc32 } from '../verify/crc32.ts';

/** A zip writer for tests that build the archives a forger would: every field and offset is theirs to choose. */
export interface CraftFile {
  name: string;
  data: Uint8Array;
  method?: 0 | 8;
  localExtra?: Uint8Array;
  /** General-purpose flags of both headers; 0x0008 also writes a data descriptor and zeros in the local header. */
  flags?: number;
  /** Recorded in every header instead of the true CRC-32 and size of `data`. */
  crc?: number;
  size?: number;
}

export interface CentralFields {
  name: string;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
  extra?: Uint8Array;
  comment?: Uint8Array;
  /** Version made by (high byte 3 = Unix) and external attributes (Unix mode in the high 16 bits). */
  madeBy?: number;
  external?: number;
}

export type Part =
  | { raw: Uint8Array }
  | { file: CraftFile; central?: false | ((own: CentralFields) => CentralFields | CentralFields[]) };

export interface Places {
  /** Offset of each part, in order. */
  offsets: number[];
  /** Where the archive comment starts, and where bytes after the end record start. */
  commentAt: number;
  trailingAt: number;
}

export interface CraftOptions {
  extraCentral?: (places: Places) => CentralFields[];
  comment?: Uint8Array;
  trailing?: Uint8Array;
}

const le = (n: number, bytes: 2 | 4) => Uint8Array.from({ length: bytes }, (_, i) => (n >>> (8 * i)) & 0xff);

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** One local record (header, data, descriptor if flagged) and the central fields that describe it at `offset`. */
export function localRecord(f: CraftFile, offset = 0): { bytes: Uint8Array; central: CentralFields } {
  const method = f.method ?? 8;
  const flags = f.flags ?? 0;
  const data = method === 8 ? deflateSync(f.data) : f.data;
  const crc = f.crc ?? crc32(0, f.data);
  const size = f.size ?? f.data.length;
  const name = strToU8(f.name);
  const extra = f.localExtra ?? new Uint8Array(0);
  const deferred = (flags & 8) !== 0;
  const header = concatBytes(
    le(0x04034b50, 4),
    le(20, 2),
    le(flags, 2),
    le(method, 2),
    le(0, 4),
    le(deferred ? 0 : crc, 4),
    le(deferred ? 0 : data.length, 4),
    le(deferred ? 0 : size, 4),
    le(name.length, 2),
    le(extra.length, 2),
    name,
    extra,
  );
  const descriptor = deferred
    ? concatBytes(le(0x08074b50, 4), le(crc, 4), le(data.length, 4), le(size, 4))
    : new Uint8Array(0);
  return {
    bytes: concatBytes(header, data, descriptor),
    central: { name: f.name, flags, method, crc, compressedSize: data.length, size, offset },
  };
}

export function centralRecord(c: CentralFields): Uint8Array {
  const name = strToU8(c.name);
  const extra = c.extra ?? new Uint8Array(0);
  const comment = c.comment ?? new Uint8Array(0);
  return concatBytes(
    le(0x02014b50, 4),
    le(c.madeBy ?? 20, 2),
    le(20, 2),
    le(c.flags, 2),
    le(c.method, 2),
    le(0, 4),
    le(c.crc, 4),
    le(c.compressedSize, 4),
    le(c.size, 4),
    le(name.length, 2),
    le(extra.length, 2),
    le(comment.length, 2),
    le(0, 2),
    le(0, 2),
    le(c.external ?? 0, 4),
    le(c.offset, 4),
    name,
    extra,
    comment,
  );
}

export function endRecord(
  count: number,
  size: number,
  offset: number,
  comment: Uint8Array = new Uint8Array(0),
): Uint8Array {
  return concatBytes(
    le(0x06054b50, 4),
    le(0, 2),
    le(0, 2),
    le(count, 2),
    le(count, 2),
    le(size, 4),
    le(offset, 4),
    le(comment.length, 2),
    comment,
  );
}

/** Lays the parts out in order, then a central directory of what each part lists and `extraCentral` adds. */
export function craftZip(parts: readonly Part[], options: CraftOptions = {}): Uint8Array {
  const body: Uint8Array[] = [];
  const offsets: number[] = [];
  const central: CentralFields[] = [];
  let at = 0;
  for (const part of parts) {
    offsets.push(at);
    if ('raw' in part) body.push(part.raw);
    else {
      const { bytes, central: own } = localRecord(part.file, at);
      body.push(bytes);
      if (part.central !== false) central.push(...[part.central ? part.central(own) : own].flat());
    }
    at += body.at(-1)!.length;
  }
  const comment = options.comment ?? new Uint8Array(0);
  const listed = (places: Places) => [...central, ...(options.extraCentral?.(places) ?? [])];
  const sizing = concatBytes(...listed({ offsets, commentAt: 0, trailingAt: 0 }).map(centralRecord));
  const commentAt = at + sizing.length + 22;
  const records = listed({ offsets, commentAt, trailingAt: commentAt + comment.length });
  const cd = concatBytes(...records.map(centralRecord));
  return concatBytes(
    ...body,
    cd,
    endRecord(records.length, cd.length, at, comment),
    options.trailing ?? new Uint8Array(0),
  );
}

/**
 * The files in their order, as the exporter writes them, except that `name`'s local header carries in an extra field
 * a stored record of `forged`, and the central directory points there: unzip extracts the forgery.
 */
export function hideInExtraField(files: Record<string, Uint8Array>, name: string, forged: Uint8Array): Uint8Array {
  const inside = localRecord({ name, data: forged, method: 0 });
  const length = inside.bytes.length;
  const extra = concatBytes(Uint8Array.of(0xfe, 0xca, length & 0xff, length >> 8), inside.bytes);
  return craftZip(
    Object.entries(files).map(([n, data]): Part => {
      if (n !== name) return { file: { name: n, data, flags: 0x0008 } };
      return {
        file: { name, data, flags: 0x0008, localExtra: extra },
        central: (own) => ({ ...inside.central, offset: own.offset + 30 + strToU8(name).length + 4 }),
      };
    }),
  );
}
