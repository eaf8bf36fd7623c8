/** Open311 date-times as servers write them → RFC 3339 in +08:00, whole seconds; impossible dates refused. */
import { describe, expect, it } from 'vitest';
import { parseOpen311Time } from '../../central/import/open311/time';

describe('parseOpen311Time', () => {
  it.each([
    ['2024-03-05T10:00:00+08:00', '2024-03-05T10:00:00+08:00'],
    ['2024-03-05T02:00:00Z', '2024-03-05T10:00:00+08:00'],
    ['2024-03-04T21:00:00-05:00', '2024-03-05T10:00:00+08:00'],
    ['2024-03-05T10:00:00+0800', '2024-03-05T10:00:00+08:00'],
    ['2024-03-05 02:00:00.750Z', '2024-03-05T10:00:00+08:00'],
    ['2024-03-05T10:00+08:00', '2024-03-05T10:00:00+08:00'],
    ['2024-12-31T23:30:00Z', '2025-01-01T07:30:00+08:00'],
  ])('reads %s as %s', (text, iso) => {
    expect(parseOpen311Time(text)).toMatchObject({ iso, assumedOffset: false });
  });

  it('reads a time without offset as Shanghai time, and says so', () => {
    expect(parseOpen311Time('2024-03-05T10:00:00')).toMatchObject({ iso: '2024-03-05T10:00:00+08:00', assumedOffset: true });
  });

  it.each([
    '2024-02-30T10:00:00Z',
    '2023-02-29T10:00:00Z',
    '2024-13-01T10:00:00Z',
    '2024-03-05T24:00:00Z',
    '0000-01-01T00:00:00Z',
    '2024-03-05',
    'soon',
    '2024-03-05T10:00:00+25:00',
  ])('refuses %s', (text) => {
    expect(parseOpen311Time(text)).toBeNull();
  });
});
