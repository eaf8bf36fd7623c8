/**
 * THE calendar of the app: Asia/Shanghai (UTC+8, no daylight saving). Days are yyyymmdd integers (why: day.ts),
 * instants epoch milliseconds. Every day, week, month, quarter, period and window is computed here; nothing else
 * takes a day apart by hand. Edge cases are tested in tests/shared/calendar.test.ts.
 */
export * from './day';
export * from './instant';
export * from './month';
export * from './period';
export * from './quarter';
export type * from './span';
export * from './week';
export * from './window';
