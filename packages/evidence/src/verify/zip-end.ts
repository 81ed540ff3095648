import type { ByteSource } from './byte-source.ts';

export const SIG = {
  local: 0x04034b50,
  central: 0x02014b50,
  descriptor: 0x08074b50,
  end: 0x06054b50,
  zip64End: 0x06064b50,
  zip64Locator: 0x07064b50,
} as const;

export const u16 = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8);
export const u32 = (b: Uint8Array, at: number) => (u16(b, at) | (u16(b, at + 2) << 16)) >>> 0;

const END_SIZE = 22;
const MAX_COMMENT = 0xffff;
/** A pack's central directory holds about a dozen entries; this bounds what a forged end record can make us read. */
export const MAX_DIRECTORY = 4 * 1024 * 1024;

export interface ZipEnd {
  /** Where the end-of-central-directory record starts: the central directory must end exactly there. */
  at: number;
  count: number;
  directoryOffset: number;
  directorySize: number;
}

/** The end record, which must be the file's last 22 bytes: no comment, nothing after it, no ZIP64. */
export async function readEnd(source: ByteSource): Promise<ZipEnd | string> {
  if (source.size < END_SIZE) return 'no end-of-central-directory record: it is not a zip archive';
  const from = Math.max(0, source.size - END_SIZE - MAX_COMMENT);
  const tail = await source.read(from, source.size - from);
  let found = -1;
  for (let i = tail.length - 4; i >= 0 && found < 0; i--) if (u32(tail, i) === SIG.end) found = i;
  if (found < 0) return 'no end-of-central-directory record: it is not a zip archive';
  const last = tail.length - END_SIZE;
  if (found > last) return 'the end-of-central-directory record is cut short or ambiguous';
  if (found < last) {
    const comment = u16(tail, found + 20);
    const after = last - found;
    return comment === after
      ? `the archive carries a ${comment}-byte comment, which a pack never has`
      : `${after - comment} bytes follow the end-of-central-directory record`;
  }
  const end = tail.subarray(last);
  const count = u16(end, 10);
  const directorySize = u32(end, 12);
  const directoryOffset = u32(end, 16);
  const at = source.size - END_SIZE;
  if (
    (last >= 20 && u32(tail, last - 20) === SIG.zip64Locator) ||
    count === 0xffff ||
    directorySize === 0xffffffff ||
    directoryOffset === 0xffffffff
  )
    return 'it is a ZIP64 archive, which a pack never is';
  if (u16(end, 4) !== 0 || u16(end, 6) !== 0 || u16(end, 8) !== count)
    return 'it claims to span several disks, which a pack never does';
  if (directorySize > MAX_DIRECTORY) return `its central directory of ${directorySize} bytes is larger than a pack's`;
  const directoryEnd = directoryOffset + directorySize;
  if (directoryEnd > at) return 'the end record places the central directory beyond itself';
  if (directoryEnd < at)
    return `${at - directoryEnd} bytes lie between the central directory the end record names and the end record: prepended or inserted data, or a second archive`;
  return { at, count, directoryOffset, directorySize };
}
