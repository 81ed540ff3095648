import type { ByteSource } from './byte-source.ts';
import { type DirectoryEntry, hasDescriptor, readDirectory } from './zip-directory.ts';
import { readEnd, SIG, u16, u32 } from './zip-end.ts';
import { shown } from './zip-names.ts';

/** An entry whose local record agrees with the central directory, with where its compressed bytes lie. */
export interface ZipEntry extends DirectoryEntry {
  dataOffset: number;
  /** Just past the entry's last byte (its data descriptor, if it has one). */
  end: number;
}

const LOCAL = 30;
const DESCRIPTOR = 16;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The local header (and data descriptor) must say what the central directory says, field by field. */
async function locate(source: ByteSource, e: DirectoryEntry, limit: number): Promise<ZipEntry | string> {
  const named = (p: string) => `${shown(e.name)} ${p}`;
  if (e.offset + LOCAL > limit) return named('has its local header outside the entries');
  const h = await source.read(e.offset, LOCAL);
  if (u32(h, 0) !== SIG.local) return named('points at no local header');
  const nameLength = u16(h, 26);
  const extra = u16(h, 28);
  const rawName = await source.read(e.offset + LOCAL, nameLength);
  if (!sameBytes(rawName, e.rawName)) return named('has another name in its local header');
  if (u16(h, 6) !== e.flags) return named('has other flags in its local header');
  if (u16(h, 8) !== e.method) return named('has another compression method in its local header');
  if (extra) return named(`carries a ${extra}-byte extra field in its local header, which a pack never has`);
  const stated = [u32(h, 14), u32(h, 18), u32(h, 22)];
  const directory = [e.crc, e.compressedSize, e.size];
  const deferred = hasDescriptor(e.flags) && stated.every((v) => v === 0);
  if (!deferred && !stated.every((v, i) => v === directory[i]))
    return named('states another CRC-32 or size in its local header than in the central directory');
  const dataOffset = e.offset + LOCAL + nameLength;
  let end = dataOffset + e.compressedSize;
  if (hasDescriptor(e.flags)) {
    if (end + DESCRIPTOR > limit) return named('runs into the central directory');
    const d = await source.read(end, DESCRIPTOR);
    if (u32(d, 0) !== SIG.descriptor || u32(d, 4) !== e.crc || u32(d, 8) !== e.compressedSize || u32(d, 12) !== e.size)
      return named('has a data descriptor that disagrees with the central directory');
    end += DESCRIPTOR;
  }
  if (end > limit) return named('runs into the central directory');
  return { ...e, dataOffset, end };
}

/** Every byte before the central directory belongs to exactly one entry: no prefix, gap or overlap. */
function coverage(entries: readonly ZipEntry[], directoryOffset: number): string[] {
  const problems: string[] = [];
  let cursor = 0;
  let previous: ZipEntry | undefined;
  for (const e of [...entries].sort((a, b) => a.offset - b.offset)) {
    const name = shown(e.name);
    if (e.offset > cursor)
      problems.push(
        previous
          ? `${e.offset - cursor} bytes between ${shown(previous.name)} and ${name} belong to no entry`
          : `${e.offset} bytes before the first entry (${name}) belong to no entry`,
      );
    else if (previous && e.offset < cursor) problems.push(`${name} overlaps ${shown(previous.name)}`);
    if (!previous || e.end > cursor) {
      cursor = e.end;
      previous = e;
    }
  }
  if (cursor < directoryOffset)
    problems.push(
      `${directoryOffset - cursor} bytes between ${previous ? `the last entry (${shown(previous.name)})` : 'the start'} and the central directory belong to no entry`,
    );
  return problems;
}

/**
 * The entries an unzip tool would extract, read as it reads them (end record, central directory, then each local
 * record by offset), or why the archive is refused: anything a reader could take another way.
 */
export async function readLayout(source: ByteSource): Promise<{ entries: ZipEntry[] } | { problems: string[] }> {
  const end = await readEnd(source);
  if (typeof end === 'string') return { problems: [end] };
  const directory = await readDirectory(source, end);
  if ('problems' in directory) return directory;
  const entries: ZipEntry[] = [];
  const problems: string[] = [];
  for (const e of directory.entries) {
    const located = await locate(source, e, end.directoryOffset);
    if (typeof located === 'string') problems.push(located);
    else entries.push(located);
  }
  if (problems.length > 0) return { problems };
  const gaps = coverage(entries, end.directoryOffset);
  return gaps.length > 0 ? { problems: gaps } : { entries };
}
