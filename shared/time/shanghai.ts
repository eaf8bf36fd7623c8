/**
 * Old name of the calendar, kept while core/ still imports it from here (the lead moves those imports to
 * shared/time, then this file goes). New code imports shared/time.
 */
export * from './index';
