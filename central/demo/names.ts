/**
 * Synthetic people: Chinese names and mobile numbers made from a hash, so no real person is named or called.
 */
import { hash2, mix32 } from './prng';

// Common surnames, roughly in order of frequency in Sichuan (repeats weight the commonest ones).
const SURNAMES = (
  '王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文' +
  '王李张刘陈杨黄赵周吴罗唐何彭邓蒋谢曾王李张刘陈杨黄罗唐何'
).split('');

const GIVEN = (
  '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉力建明永健世广志义兴良海山仁波宁贵福生龙元全' +
  '国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善' +
  '厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛' +
  '钧冠策腾楠榕风航弘秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛' +
  '艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕'
).split('');

/** A deterministic synthetic name (2 or 3 characters) for key `k`. */
export function personName(k: number): string {
  const h1 = mix32(k ^ 0x5bd1e995);
  const h2 = hash2(k, 0x27d4eb2f);
  const s = SURNAMES[h1 % SURNAMES.length];
  const a = GIVEN[(h1 >>> 8) % GIVEN.length];
  if ((h2 & 7) < 2) return s + a;
  const b = GIVEN[(h2 >>> 4) % GIVEN.length];
  return s + a + b;
}

const MOBILE_PREFIXES = [
  '133',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '152',
  '157',
  '158',
  '159',
  '177',
  '180',
  '181',
  '182',
  '183',
  '187',
  '188',
  '189',
  '191',
  '199',
];

/** A deterministic synthetic mobile number for key `k`. */
export function phoneNumber(k: number): string {
  const h1 = hash2(k, 0x1b873593);
  const h2 = hash2(k, 0xcc9e2d51);
  const prefix = MOBILE_PREFIXES[h1 % MOBILE_PREFIXES.length];
  const rest = String((h2 % 100000000) + 100000000).slice(1);
  return prefix + rest;
}
