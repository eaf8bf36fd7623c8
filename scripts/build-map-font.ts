/**
 * Builds the font the wall map draws its labels with: a subset of Noto Sans CJK SC (SIL Open Font License 1.1)
 * holding printable ASCII, CJK punctuation and every character of the district's division names (pass --gb2312 to
 * add the 3,755 common characters of GB 2312 level 1, for a district whose names are not in resources/data: 1.7 MiB
 * instead of ~0.2). The map needs no glyph server: MapLibre draws each label glyph from this file in the page (style
 * `font-faces`), so CJK labels render with no network at all; a character outside the file falls back to the local
 * CJK fonts.
 *
 *   npx tsx scripts/build-map-font.ts [--font /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc] [--index 2]
 *
 * Writes renderer/public/fonts/gcc-map-sans.otf (committed, so builds need neither this script nor the system
 * font) and its licence next to it. Needs Debian's fonts-noto-cjk (index 2 of the collection is "Noto Sans CJK SC").
 */
import { readFileSync, writeFileSync, mkdirSync, copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const MAP_FONT_FILE = path.join(ROOT, 'renderer/public/fonts/gcc-map-sans.otf');

/** GB 2312 level 1: rows 16–55 (lead bytes 0xB0–0xD7), 94 cells each, the last row short. */
export function gb2312Level1(): string {
  const bytes: number[] = [];
  for (let lead = 0xb0; lead <= 0xd7; lead++) {
    for (let trail = 0xa1; trail <= 0xfe; trail++) {
      if (lead === 0xd7 && trail > 0xf9) break;
      bytes.push(lead, trail);
    }
  }
  return new TextDecoder('gbk').decode(new Uint8Array(bytes));
}

export function mapCharset(withGb2312 = false): string {
  const chars = new Set<string>();
  for (let c = 0x20; c < 0x7f; c++) chars.add(String.fromCharCode(c));
  for (const c of '·—–…、。，：；！？（）《》「」“”‘’【】〔〕℃№　⚠✓✕○●◎▲■□') chars.add(c);
  if (withGb2312) for (const c of gb2312Level1()) chars.add(c);
  const divisions = readFileSync(path.join(ROOT, 'resources/data/guangan-divisions.json'), 'utf8');
  for (const c of divisions) if (c.codePointAt(0)! >= 0x3000) chars.add(c);
  for (const c of '社区街道网格第号栋单元镇乡村居委会诉纠治隐服平安风险普通') chars.add(c);
  return [...chars].join('');
}

export async function subsetFont(fontFile: string, faceIndex: number, text: string): Promise<Uint8Array> {
  const wasm = readFileSync(path.join(ROOT, 'node_modules/harfbuzzjs/dist/harfbuzz-subset.wasm'));
  // Node's WebAssembly global (its types are not in @types/node's lib here).
  const wasmApi = (globalThis as unknown as { WebAssembly: { instantiate(bytes: Uint8Array): Promise<{ instance: { exports: unknown } }> } }).WebAssembly;
  const { instance } = await wasmApi.instantiate(wasm);
  const hb = instance.exports as Record<string, CallableFunction> & { memory: { buffer: ArrayBuffer } };
  const font = readFileSync(fontFile);
  const ptr = hb.malloc(font.byteLength) as number;
  new Uint8Array(hb.memory.buffer).set(font, ptr);
  const blob = hb.hb_blob_create(ptr, font.byteLength, 2 /* HB_MEMORY_MODE_WRITABLE */, 0, 0);
  const face = hb.hb_face_create(blob, faceIndex);
  hb.hb_blob_destroy(blob);
  const input = hb.hb_subset_input_create_or_fail();
  const unicodes = hb.hb_subset_input_unicode_set(input);
  for (const ch of text) hb.hb_set_add(unicodes, ch.codePointAt(0)!);
  const subset = hb.hb_subset_or_fail(face, input);
  hb.hb_subset_input_destroy(input);
  if (!subset) throw new Error(`hb-subset failed on ${fontFile} face ${faceIndex}.`);
  const out = hb.hb_face_reference_blob(subset);
  const offset = hb.hb_blob_get_data(out, 0) as number;
  const length = hb.hb_blob_get_length(out) as number;
  if (!length) throw new Error(`hb-subset produced an empty font from ${fontFile} face ${faceIndex}.`);
  const bytes = new Uint8Array(hb.memory.buffer).slice(offset, offset + length);
  hb.free(ptr);
  return bytes;
}

async function main() {
  const { values } = parseArgs({
    options: {
      font: { type: 'string', default: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc' },
      index: { type: 'string', default: '2' },
      gb2312: { type: 'boolean', default: false },
    },
  });
  if (!existsSync(values.font!)) throw new Error(`${values.font} is missing: apt-get install fonts-noto-cjk, or pass --font.`);
  const text = mapCharset(values.gb2312);
  const bytes = await subsetFont(values.font!, Number(values.index), text);
  mkdirSync(path.dirname(MAP_FONT_FILE), { recursive: true });
  writeFileSync(MAP_FONT_FILE, bytes);
  const licence = '/usr/share/doc/fonts-noto-cjk/copyright';
  if (existsSync(licence)) copyFileSync(licence, path.join(path.dirname(MAP_FONT_FILE), 'gcc-map-sans.LICENSE.txt'));
  console.log(`${MAP_FONT_FILE}: ${[...text].length} characters, ${(bytes.byteLength / 1024).toFixed(0)} KiB`);
}

if (import.meta.url === `file://${process.argv[1]}`)
  void main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
