/**
 * KML (and the doc.kml of a KMZ) with @tmcw/togeojson over @xmldom/xmldom. A document type declaration is refused
 * outright: it is how an XML file pulls in outside files (XXE) or blows up (billion laughs), and KML needs none.
 */
import { kml } from '@tmcw/togeojson';
import { DOMParser } from '@xmldom/xmldom';
import iconv from 'iconv-lite';
import type { Problem } from '../types';
import { areaGeometryOf, notAreaWarning, type Layer } from './layer';
import type { BoundaryFeature } from './read';

/** KML is UTF-8 by its standard; a declaration naming GBK/GB2312/GB18030 (some Chinese tools write it) is honoured. */
export function decodeKml(bytes: Buffer): string {
  const head = bytes.subarray(0, 200).toString('latin1');
  const declared = /<\?xml[^>]*encoding\s*=\s*["']([\w-]+)["']/i.exec(head)?.[1]?.toLowerCase();
  if (declared && /^(gbk|gb2312|gb18030|cp936)$/.test(declared)) return iconv.decode(bytes, declared === 'cp936' ? 'gbk' : declared);
  return bytes.toString('utf8').replace(/^\uFEFF/, '');
}

export function readKml(text: string, file: string): Layer {
  const fail = (message: string): Layer => ({ features: [], crs: '', problems: [{ severity: 'error', file, message }] });
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) {
    return fail(
      `“${file}”含有文档类型声明（<!DOCTYPE>/<!ENTITY>），KML 不需要它，它可能被用来读取服务器上的文件，已拒绝导入；请从 GIS 软件或奥维/Google Earth 重新导出 KML。`,
    );
  }
  const errors: string[] = [];
  let doc: ReturnType<DOMParser['parseFromString']>;
  try {
    doc = new DOMParser({ onError: (level, message) => void (level !== 'warning' && errors.push(message)) }).parseFromString(text, 'text/xml');
  } catch (err) {
    return fail(`“${file}”不是有效的 XML（${(err as Error).message.split('\n')[0]}），无法读取；请重新导出 KML。`);
  }
  if (!doc.documentElement || doc.documentElement.localName !== 'kml') {
    return fail(`“${file}”不是 KML 文件（根元素不是 <kml>），无法读取；请导出为 KML 或 KMZ。`);
  }
  const problems: Problem[] = errors.map((e) => ({ severity: 'warning', file, message: `“${file}”的 XML 有问题（${e}），已尽量读取；请核对导入结果。` }));
  const collection = kml(doc);
  const features: BoundaryFeature[] = [];
  let notArea = 0;
  collection.features.forEach((f, index) => {
    const geometry = areaGeometryOf(f.geometry, null);
    if (geometry === 'not-area') {
      notArea++;
      return;
    }
    features.push({ file, index, properties: { ...(f.properties ?? {}) }, geometry });
  });
  if (notArea) problems.push(notAreaWarning(file, notArea));
  return { features, crs: 'EPSG:4326（KML）', problems };
}
