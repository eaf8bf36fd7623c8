/**
 * Personal data in exports: reporters are masked by the shared rules (张** 138****5678), and free text (case
 * titles, edited report text) is scrubbed of anything that looks like a mobile number, a landline or an ID card
 * number, in case a worker typed one into a title.
 */
import { maskName, maskPhone } from '../../shared/privacy';

const MOBILE = /(?<!\d)(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)/g;
const ID_CARD = /(?<![\dXx])(\d{6})(\d{8})(\d{3}[\dXx])(?![\dXx])/g;
const LANDLINE = /(?<!\d)(0\d{2,3})-(\d{7,8})(?!\d)/g;

export function scrubText(text: string): string {
  return text
    .replace(ID_CARD, (_m, a: string, _b: string, c: string) => `${a}********${c}`)
    .replace(MOBILE, (_m, a: string, _b: string, c: string) => `${a}****${c}`)
    .replace(LANDLINE, (_m, a: string, b: string) => `${a}-${'*'.repeat(b.length - 4)}${b.slice(-4)}`);
}

export function maskedReporter(name: string | null, phone: string | null): string {
  return [maskName(name), maskPhone(phone)].filter(Boolean).join(' ');
}
