/**
 * Unpacks the entries of an uploaded zip (a zipped Shapefile, a KMZ) that the reader needs into a private temp
 * folder, refusing what a hostile zip does: entry names that climb out (`..`, absolute paths) and zip bombs.
 * The bomb checks count the bytes as they are inflated — a zip's size fields are whatever its maker wrote.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import yauzl from 'yauzl';

export interface ZipLimits {
  /** Cap on all entries inflated together (default 2 GiB): a boundaries file is tens of MB at city scale. */
  maxTotalBytes?: number;
  /** Cap on an entry's inflated/compressed ratio (default 200:1) once it has inflated more than ratioFloorBytes. */
  maxRatio?: number;
  /**
   * The ratio applies to big entries only (default 32 MiB): small files of padding (a .dbf of 254-character text
   * fields compresses 100:1 and more) are legitimate; deflate's limit is about 1032:1, bombs sit near it.
   */
  ratioFloorBytes?: number;
  /** Cap on the number of entries (default 10,000). */
  maxEntries?: number;
}

const DEFAULT_LIMITS: Required<ZipLimits> = {
  maxTotalBytes: 2 * 1024 ** 3,
  maxRatio: 200,
  ratioFloorBytes: 32 * 1024 ** 2,
  maxEntries: 10_000,
};

export interface UnpackedEntry {
  /** The entry's name in the zip (as its maker wrote it; GBK names from Chinese Windows decoded). */
  name: string;
  /** Where its bytes are now. */
  path: string;
}

export interface Unpacked {
  dir: string;
  entries: UnpackedEntry[];
  /** Removes the temp folder. */
  dispose(): Promise<void>;
}

/** A refusal the operator reads: a Chinese sentence naming the entry. */
export class ZipRefused extends Error {
  constructor(
    message: string,
    readonly entry?: string,
  ) {
    super(message);
  }
}

/** True when the bytes start like a zip (a local file header, or the end record of an empty zip). */
export function looksLikeZip(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
}

/**
 * Entry names: UTF-8 when the zip says so (bit 11) or when the bytes are valid UTF-8; otherwise GBK, which is what
 * the Windows "send to compressed folder" of a Chinese system writes (yauzl would read them as CP437).
 */
function entryName(entry: yauzl.Entry): string {
  const raw = entry.fileNameRaw;
  if ((entry.generalPurposeBitFlag & 0x800) !== 0) return raw.toString('utf8');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return iconv.decode(raw, 'gbk');
  }
}

/** Why a name may not be used, or null. Backslashes count as separators (zips made on Windows use them). */
export function unsafeEntryName(name: string): string | null {
  const path = name.replace(/\\/g, '/');
  if (path.startsWith('/') || /^[a-zA-Z]:/.test(path))
    return `压缩包中的文件名“${name}”是绝对路径，这样的压缩包可能试图写到系统的其他位置，已拒绝导入；请只打包边界文件本身后重新上传。`;
  if (path.split('/').includes('..'))
    return `压缩包中的文件名“${name}”含有“..”（指向压缩包外的上级目录），这样的压缩包可能试图覆盖系统文件，已拒绝导入；请只打包边界文件本身后重新上传。`;
  return null;
}

/** Counts an entry's bytes as they come out of the inflater and stops at the caps. */
class InflateGuard extends Transform {
  private entryBytes = 0;
  constructor(
    private readonly name: string,
    private readonly compressedSize: number,
    private readonly limits: Required<ZipLimits>,
    private readonly total: { bytes: number },
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.entryBytes += chunk.length;
    this.total.bytes += chunk.length;
    const { maxTotalBytes, maxRatio, ratioFloorBytes } = this.limits;
    if (this.total.bytes > maxTotalBytes) {
      done(
        new ZipRefused(
          `压缩包解压后超过 ${formatBytes(maxTotalBytes)}（在“${this.name}”处），疑似“压缩炸弹”，已停止解压并拒绝导入；边界文件通常只有几十 MB，请检查文件来源。`,
          this.name,
        ),
      );
      return;
    }
    if (this.entryBytes > ratioFloorBytes && this.entryBytes / Math.max(1, this.compressedSize) > maxRatio) {
      done(
        new ZipRefused(
          `压缩包中的“${this.name}”压缩比超过 ${maxRatio}:1（${formatBytes(this.compressedSize)} 解压出 ${formatBytes(this.entryBytes)} 仍未结束），疑似“压缩炸弹”，已停止解压并拒绝导入；请检查文件来源。`,
          this.name,
        ),
      );
      return;
    }
    done(null, chunk);
  }
}

function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} 字节`;
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    // decodeStrings off: names are decoded (and checked) here, GBK included; sizes are checked by yauzl too.
    yauzl.open(path, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false }, (err, zip) =>
      err || !zip ? reject(err ?? new Error('no zip')) : resolve(zip),
    );
  });
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => (err || !stream ? reject(err ?? new Error('no stream')) : resolve(stream)));
  });
}

/**
 * Unpacks the entries whose name `wanted` accepts (by name, before any byte is inflated). Every entry's name is
 * checked, wanted or not: a zip that holds a climbing name is refused as a whole. Throws ZipRefused (a sentence
 * for the operator) or the library's error for a zip that is not one.
 */
export async function unpackZip(path: string, wanted: (name: string) => boolean, limits: ZipLimits = {}): Promise<Unpacked> {
  const caps = { ...DEFAULT_LIMITS, ...limits };
  const zip = await openZip(path);
  const dir = await mkdtemp(join(tmpdir(), 'gcc-boundaries-'));
  const dispose = () => rm(dir, { recursive: true, force: true });
  const entries: UnpackedEntry[] = [];
  const total = { bytes: 0 };
  try {
    if (zip.entryCount > caps.maxEntries)
      throw new ZipRefused(`压缩包中有 ${zip.entryCount} 个文件，超过上限 ${caps.maxEntries}，已拒绝导入；请只打包边界文件。`);
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        const name = entryName(entry);
        const refusal = unsafeEntryName(name);
        if (refusal) return reject(new ZipRefused(refusal, name));
        if (name.endsWith('/') || !wanted(name)) return zip.readEntry();
        if (entry.isEncrypted()) return reject(new ZipRefused(`压缩包中的“${name}”有密码保护，无法读取；请去掉密码后重新打包。`, name));
        // The entry is written under a name of ours: its own name never becomes a path.
        const target = join(dir, `${entries.length}${extensionOf(name)}`);
        openEntry(zip, entry)
          .then((stream) => pipeline(stream, new InflateGuard(name, entry.compressedSize, caps, total), createWriteStream(target)))
          .then(() => {
            entries.push({ name, path: target });
            zip.readEntry();
          })
          .catch(reject);
      });
      zip.readEntry();
    });
    return { dir, entries, dispose };
  } catch (err) {
    await dispose();
    throw err;
  } finally {
    zip.close();
  }
}

/** ".shp" for "网格/网格.SHP" (lower case; "" when none). */
export function extensionOf(name: string): string {
  const base = name.slice(name.replace(/\\/g, '/').lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}
