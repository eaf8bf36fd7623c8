import type zhCN from './zh-CN';

/** English catalogue: typed against zh-CN so a missing key fails the typecheck. */
const enUS: typeof zhCN = {
  app: {
    title: 'Grid Governance Command Center',
    district: 'Guang’an District',
    demo: 'Demo data',
  },
  nav: {
    wall: 'Wall',
    briefing: 'Weekly briefing',
    reports: 'Reports',
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
  },
  errors: {
    invalid_payload: 'The request did not match the contract and was refused: {detail}',
    invalid_reply: 'The host sent data that does not match the contract; it was refused: {detail}',
    unknown_request: 'The host does not know this request: {detail}',
    unauthorized: 'The access token is missing or wrong. Ask the command center for the right token and open the page again.',
    forbidden: 'Your role may not do this.',
    unavailable: 'The host cannot be reached; check that it is running: {detail}',
    timeout: 'The host did not answer in time; try again shortly.',
    internal: 'The host failed internally; see its log for details.',
  },
  placeholder: {
    wall: 'The wall scenes will appear here: map, safe grids, disputes, 12345 appeals, services.',
    briefing: 'The weekly briefing will appear here: week picker, week-on-week, rankings, exceptions and drill-down.',
    reports: 'Report export will happen here: DOCX (official format), PDF, XLSX.',
    settings: 'Settings will live here: central API, token, scene rotation, theme and language.',
  },
  settings: {
    language: 'Language',
  },
  clock: {
    weekday: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
  },
};
export default enUS;
