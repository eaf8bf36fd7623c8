import type zhCN from './zh-CN';
import wall from './wall.en-US';
import briefingMessages from './briefing.en-US';
import settings from './settings.en-US';
import imports from './import.en-US';

/** English catalogue: typed against zh-CN so a missing key fails the typecheck. */
const enUS: typeof zhCN = {
  app: {
    title: 'Grid Governance Command Center',
    district: 'Guang’an District',
    demo: 'Demo data',
  },
  nav: {
    wall: 'Wall',
    compare: 'Compare',
    briefing: 'Weekly briefing',
    reports: 'Reports',
    import: 'Import',
    settings: 'Settings',
  },
  bridge: {
    connecting: 'Connecting to the host…',
    connected: 'Host connected',
    disconnected: 'Lost the host; reconnecting',
    host: { electron: 'Desktop', web: 'Web' },
  },
  sync: {
    idle: 'Not synced yet',
    syncing: 'Syncing',
    live: 'Live',
    reconnecting: 'Reconnecting',
    offline: 'Offline',
    unauthorized: 'Token rejected',
    error: 'Sync error',
    progress: '{records} / {total} records, {rate}/s, about {eta} s left',
    progressNoTotal: '{records} records, {rate}/s',
    retry: 'retrying in {seconds} s',
    quarantined: '{n} records failed validation and are quarantined',
    lastContact: 'data as of {time}',
  },
  syncProblem: {
    unauthorized: 'The central API refused the access token; enter the correct token in Settings.',
    forbidden: 'The central API no longer accepts this token; ask the platform operators for a new one.',
    unreachable: 'The central API cannot be reached; the wall keeps showing the cached data and keeps retrying.',
    server: 'The central API failed; retrying.',
    bad_response: 'The central API sent data in a format other than agreed; tell the platform operators.',
    cursor_too_old: 'The central API no longer has the changes this cache needs; a full re-sync is required.',
    disk_full: 'The disk holding the cache is full; sync is paused and the cache is intact. It resumes once space is freed.',
    read_only: 'The cache file cannot be written; check the folder permissions or choose another cache location.',
    io: 'Reading or writing the cache file failed; check the disk. The cache is intact.',
    cache_rebuilt: 'The local cache file was damaged and has been moved aside; it is being rebuilt from the central API.',
    internal: 'Sync failed internally; see the log for details.',
  },
  errors: {
    invalid_payload: 'The request did not match the contract and was refused: {detail}',
    invalid_reply: 'The host sent data that does not match the contract; it was refused: {detail}',
    unknown_request: 'The host does not know this request: {detail}',
    unauthorized: 'The access token is missing or wrong. Ask the command center for the right token and open the page again.',
    forbidden: 'This is a read-only wall account: it cannot open case details, export reports or change settings. Use an operator token to do so.',
    rate_limited: 'Too many requests from this computer; they are held back for a while. Try again shortly: {detail}',
    unavailable: 'The host cannot be reached; check that it is running: {detail}',
    timeout: 'The host did not answer in time; try again shortly.',
    internal: 'The host failed internally; see its log for details.',
  },
  settings,
  imports,
  wall,
  ...briefingMessages,
  scope: {
    label: 'Scope',
    back: 'Back to {name}',
    unknown: 'Region {id} not found: showing the whole district',
  },
  clock: {
    weekday: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
  },
};
export default enUS;
