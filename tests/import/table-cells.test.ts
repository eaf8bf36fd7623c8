/**
 * How cells are read: the ways dates, numbers, 是/否, options and lists are written in ledgers.
 */
import { describe, expect, it } from 'vitest';
import {
  headerKey,
  matchOption,
  normaliseText,
  parseBoolean,
  parseDate,
  parseDateTime,
  parseInteger,
  parseNumber,
  splitList,
} from '../../central/import/table/cells';
import { readField } from '../../central/import/table/field';
import type { FieldSpec } from '../../central/import/types';

describe('parseDate', () => {
  it.each([
    ['2023/3/5', '2023-03-05'],
    ['2023-3-5', '2023-03-05'],
    ['2023年3月5日', '2023-03-05'],
    ['2023.03.05', '2023-03-05'],
    ['20230305', '2023-03-05'],
    ['２０２３-０３-０５', '2023-03-05'],
    [' 2023 年 3 月 5 日 ', '2023-03-05'],
    ['2023-03-05 10:30', '2023-03-05'],
    ['44990', '2023-03-05'],
  ])('reads %s', (text, date) => expect(parseDate(text)).toBe(date));

  it('reads Excel serials in the 1900 system, and a yyyymmdd number', () => {
    expect(parseDate(44990)).toBe('2023-03-05');
    expect(parseDate(44990.75)).toBe('2023-03-05');
    expect(parseDate(61)).toBe('1900-03-01');
    expect(parseDate(1)).toBe('1900-01-01');
    expect(parseDate(60)).toBeNull(); // 1900-02-29 never was
    expect(parseDate(20230305)).toBe('2023-03-05');
  });

  it('reads a Date by its UTC fields (exceljs gives a date-only cell as UTC midnight): no day is lost', () => {
    expect(parseDate(new Date(Date.UTC(2023, 2, 5)))).toBe('2023-03-05');
    expect(parseDate(new Date(Date.UTC(2023, 2, 5, 23, 59)))).toBe('2023-03-05');
  });

  it('reads a Date the same in any time zone the server runs in', () => {
    const saved = process.env.TZ;
    try {
      for (const tz of ['America/Los_Angeles', 'Asia/Shanghai', 'Pacific/Kiritimati']) {
        process.env.TZ = tz;
        expect(parseDate(new Date(Date.UTC(2023, 2, 5)))).toBe('2023-03-05');
        expect(parseDateTime(new Date(Date.UTC(2023, 2, 5, 10, 30)))).toBe('2023-03-05T10:30:00+08:00');
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it.each(['2023-02-29', '2023-13-01', '2023-00-10', '明天', '3/5', '', '2023-03-05 25:00', '1800-01-01'])('refuses %j', (text) =>
    expect(parseDate(text)).toBeNull(),
  );
});

describe('parseDateTime', () => {
  it.each([
    ['2023-03-05 10:30', '2023-03-05T10:30:00+08:00'],
    ['2023/3/5 9:05:07', '2023-03-05T09:05:07+08:00'],
    ['2023年3月5日 10时30分', '2023-03-05T10:30:00+08:00'],
    ['2023年3月5日10:30', '2023-03-05T10:30:00+08:00'],
    ['２０２３．３．５　１０：３０', '2023-03-05T10:30:00+08:00'],
    ['20230305 10:30', '2023-03-05T10:30:00+08:00'],
    ['20230305103000', '2023-03-05T10:30:00+08:00'],
    ['2023-03-05', '2023-03-05T00:00:00+08:00'],
    ['2023-03-05T02:30:00Z', '2023-03-05T10:30:00+08:00'],
    ['2023-03-05T10:30:00+08:00', '2023-03-05T10:30:00+08:00'],
  ])('reads %s', (text, dt) => expect(parseDateTime(text)).toBe(dt));

  it('reads a serial with a time of day, and a date-time cell as its wall time', () => {
    expect(parseDateTime(44990.4375)).toBe('2023-03-05T10:30:00+08:00');
    expect(parseDateTime(new Date(Date.UTC(2023, 2, 5, 10, 30)))).toBe('2023-03-05T10:30:00+08:00');
  });

  it('refuses a time that is no time', () => expect(parseDateTime('2023-03-05 10:61')).toBeNull());
});

describe('normaliseText', () => {
  it('trims, turns full-width ASCII half-width and collapses spaces, keeping line breaks', () => {
    expect(normaliseText('  ＡＢＣ　１２３（甲）  ')).toBe('ABC 123(甲)');
    expect(normaliseText('a \t\u00a0 b\r\n  c')).toBe('a b\nc');
  });

  it('gives headers a key without spaces, *, colons and parentheses; loosely also without what is in them', () => {
    expect(headerKey(' 发现时间* ')).toBe(headerKey('发现时间'));
    expect(headerKey('类型：')).toBe('类型');
    expect(headerKey('面积（平方公里）')).toBe('面积平方公里');
    expect(headerKey('面积（平方公里）', true)).toBe('面积');
  });
});

describe('numbers and booleans', () => {
  it('reads numbers with full-width digits and thousands separators', () => {
    expect(parseNumber('1,234.5')).toBe(1234.5);
    expect(parseNumber('１２３')).toBe(123);
    expect(parseNumber('-3')).toBe(-3);
    expect(parseNumber('1,23')).toBeNull();
    expect(parseNumber('十')).toBeNull();
    expect(parseNumber('')).toBeNull();
  });

  it('reads integers and refuses 3.5', () => {
    expect(parseInteger('1,200')).toBe(1200);
    expect(parseInteger(3)).toBe(3);
    expect(parseInteger(2.9999999999999996)).toBe(3);
    expect(parseInteger('3.5')).toBeNull();
    expect(parseInteger(3.5)).toBeNull();
  });

  it.each([
    ['是', true],
    ['否', false],
    ['Y', true],
    ['n', false],
    ['√', true],
    ['×', false],
    ['true', true],
    ['FALSE', false],
    ['1', true],
    ['0', false],
    [1, true],
    [0, false],
    [true, true],
  ] as const)('reads %s as a boolean', (text, value) => expect(parseBoolean(text)).toBe(value));

  it('refuses what is neither', () => expect(parseBoolean('也许')).toBeNull());
});

describe('options and lists', () => {
  const options = ['婚姻家庭', '邻里纠纷', '其他'];
  it('matches an option as written, normalised, or by a synonym', () => {
    expect(matchOption(' 邻里纠纷 ', options)).toBe('邻里纠纷');
    expect(matchOption('家庭纠纷', options, { 家庭纠纷: '婚姻家庭' })).toBe('婚姻家庭');
    expect(matchOption('打架', options)).toBeNull();
  });

  it('splits lists on 、,，;；/ and line breaks', () => {
    expect(splitList('张三、李四,王五，赵六;钱七；孙八/周九\n吴十')).toEqual(['张三', '李四', '王五', '赵六', '钱七', '孙八', '周九', '吴十']);
    expect(splitList(' 、 ')).toEqual([]);
  });
});

describe('readField', () => {
  const field = (spec: Partial<FieldSpec>): FieldSpec => ({ key: 'k', header: '列', type: 'text', example: '', ...spec });

  it('keeps Chinese punctuation in text, collapsing spaces', () => {
    expect(readField('  楼上漏水，  已协商 ', field({})).value).toBe('楼上漏水， 已协商');
  });

  it('reads a list of options, and names the items that are not options', () => {
    const tags = field({ type: 'list', options: ['矛盾', '隐患'], optionSynonyms: { 安全隐患: '隐患' } });
    expect(readField('矛盾、安全隐患', tags)).toEqual({ value: ['矛盾', '隐患'] });
    const bad = readField('矛盾、火灾', tags);
    expect(bad.value).toBeNull();
    expect(bad.reason).toContain('“火灾”');
  });

  it('gives a reason for each type it cannot read', () => {
    expect(readField('3.5', field({ type: 'integer' })).reason).toContain('整数');
    expect(readField('很多', field({ type: 'number' })).reason).toContain('数字');
    expect(readField('上周', field({ type: 'date' })).reason).toContain('日期');
    expect(readField('上周', field({ type: 'datetime' })).reason).toContain('日期时间');
    expect(readField('也许', field({ type: 'boolean' })).reason).toContain('是');
    expect(readField('丙', field({ type: 'enum', options: ['甲', '乙'] })).reason).toContain('“甲”、“乙”');
  });
});
