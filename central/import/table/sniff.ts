/**
 * What a file is, by its first bytes rather than its name: people rename files, and systems export HTML as ".xls".
 */
import { open } from 'node:fs/promises';

export type Sniffed =
  | { kind: 'zip' }
  | { kind: 'ole2' }
  | { kind: 'text' }
  /** Not a table: what it looks like, in Chinese (PDF 文件, PNG 图片…), and what to do. */
  | { kind: 'other'; what: string; advice: string };

const SAMPLE_BYTES = 8192;

const SIGNATURES: { bytes: number[]; what: string }[] = [
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'PDF 文件' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'PNG 图片' },
  { bytes: [0xff, 0xd8, 0xff], what: 'JPEG 图片' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'GIF 图片' },
  { bytes: [0x52, 0x61, 0x72, 0x21], what: 'RAR 压缩包' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf], what: '7z 压缩包' },
  { bytes: [0x1f, 0x8b], what: 'gzip 压缩包' },
  { bytes: [0x7b, 0x5c, 0x72, 0x74, 0x66], what: 'RTF 文档' },
];

const startsWith = (buf: Buffer, bytes: readonly number[]) => bytes.every((b, i) => buf[i] === b);

const SAVE_AS = '请用 Excel 或 WPS 打开原表，另存为 .xlsx（或 CSV UTF-8）后再导入。';

export async function sniffFile(path: string): Promise<Sniffed> {
  const handle = await open(path, 'r');
  let sample: Buffer;
  try {
    const buf = Buffer.alloc(SAMPLE_BYTES);
    const { bytesRead } = await handle.read(buf, 0, SAMPLE_BYTES, 0);
    sample = buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  return sniffBytes(sample);
}

export function sniffBytes(sample: Buffer): Sniffed {
  if (startsWith(sample, [0x50, 0x4b, 0x03, 0x04]) || startsWith(sample, [0x50, 0x4b, 0x05, 0x06])) return { kind: 'zip' };
  if (startsWith(sample, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return { kind: 'ole2' };
  const known = SIGNATURES.find((s) => startsWith(sample, s.bytes));
  if (known) return { kind: 'other', what: known.what, advice: '请选择台账的表格文件（.xlsx、.xls 或 .csv）。' };
  if (startsWith(sample, [0xff, 0xfe]) || startsWith(sample, [0xfe, 0xff])) {
    return { kind: 'other', what: 'UTF-16（“Unicode 文本”）格式的文本', advice: SAVE_AS };
  }
  const head = sample
    .subarray(0, 1024)
    .toString('latin1')
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
    .trimStart()
    .toLowerCase();
  if (/^<(?:!doctype html|html|table|meta)\b/.test(head)) return { kind: 'other', what: '网页（HTML）格式的表格', advice: SAVE_AS };
  if (head.startsWith('<?xml')) return { kind: 'other', what: 'XML 格式的表格（Excel 2003 XML 或其他）', advice: SAVE_AS };
  // Text has no NUL bytes; binary files nearly always do within the first few kilobytes.
  if (sample.includes(0)) return { kind: 'other', what: '二进制文件', advice: '请选择台账的表格文件（.xlsx、.xls 或 .csv）。' };
  return { kind: 'text' };
}
