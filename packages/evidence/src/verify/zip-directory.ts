import type { ByteSource } from './byte-source.ts';
import { SIG, u16, u32, type ZipEnd } from './zip-end.ts';
import { duplicateProblems, nameProblem, shown } from './zip-names.ts';

/** One central-directory entry: what every unzip tool extracts. */
export interface DirectoryEntry {
  name: string;
  rawName: Uint8Array;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
}

const FIXED = 46;
const DESCRIPTOR = 0x0008;
const UTF8 = 0x0800;
/** Bits 1 and 2 only tune deflate; bit 0 (encryption) and the rest are refused. */
export const KNOWN_FLAGS = DESCRIPTOR | UTF8 | 0x0006;
export const hasDescriptor = (flags: number) => (flags & DESCRIPTOR) !== 0;

const decoder = new TextDecoder();
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const UNIX = 3;
const DOS_DIRECTORY = 0x10;

function entryProblems(b: Uint8Array, at: number, e: DirectoryEntry): string[] {
  const problems: string[] = [];
  const named = (p: string) => problems.push(`${shown(e.name)} ${p}`);
  const name = nameProblem(e.rawName, e.name);
  if (name) named(name);
  if (e.flags & 1) named('is encrypted');
  else if (e.flags & ~KNOWN_FLAGS) named(`has flags 0x${e.flags.toString(16)} that a pack never sets`);
  if (e.method !== 0 && e.method !== 8) named(`is compressed with method ${e.method}, not stored or deflate`);
  if (e.size === 0xffffffff || e.compressedSize === 0xffffffff || e.offset === 0xffffffff)
    named('is a ZIP64 entry, which a pack never has');
  const extra = u16(b, at + 30);
  if (extra) named(`carries a ${extra}-byte extra field in the central directory, which a pack never has`);
  const comment = u16(b, at + 32);
  if (comment) named(`carries a ${comment}-byte comment, which a pack never has`);
  if (u16(b, at + 34) !== 0) named('starts on another disk');
  const external = u32(b, at + 38);
  const type = (external >>> 16) & S_IFMT;
  if ((u16(b, at + 4) >> 8 === UNIX && type !== 0 && type !== S_IFREG) || external & DOS_DIRECTORY)
    named('is a directory, link or special file, not a plain file');
  return problems;
}

/** Every entry of the central directory, which must fill exactly the bytes the end record gives it. */
export async function readDirectory(
  source: ByteSource,
  end: ZipEnd,
): Promise<{ entries: DirectoryEntry[] } | { problems: string[] }> {
  const b = await source.read(end.directoryOffset, end.directorySize);
  const entries: DirectoryEntry[] = [];
  const problems: string[] = [];
  let at = 0;
  for (let i = 0; i < end.count; i++) {
    if (at + FIXED > b.length || u32(b, at) !== SIG.central)
      return { problems: [`central directory entry ${i + 1} of ${end.count} is not where the directory says`] };
    const nameLength = u16(b, at + 28);
    const next = at + FIXED + nameLength + u16(b, at + 30) + u16(b, at + 32);
    if (next > b.length) return { problems: [`central directory entry ${i + 1} runs past the directory's end`] };
    const rawName = b.slice(at + FIXED, at + FIXED + nameLength);
    const entry: DirectoryEntry = {
      name: decoder.decode(rawName),
      rawName,
      flags: u16(b, at + 8),
      method: u16(b, at + 10),
      crc: u32(b, at + 16),
      compressedSize: u32(b, at + 20),
      size: u32(b, at + 24),
      offset: u32(b, at + 42),
    };
    problems.push(...entryProblems(b, at, entry));
    entries.push(entry);
    at = next;
  }
  if (at !== b.length) problems.push(`${b.length - at} bytes of the central directory follow its last entry`);
  problems.push(...duplicateProblems(entries.map((e) => e.name)));
  return problems.length > 0 ? { problems } : { entries };
}
