/** The app's pages, for the shell's and the wall header's navigation. */
import { computed } from 'vue';
import { useConnectionStore } from './store';

const NAV_LINKS = [
  { to: '/wall', key: 'nav.wall', operatorOnly: false },
  { to: '/wall-compare', key: 'nav.compare', operatorOnly: false },
  { to: '/briefing', key: 'nav.briefing', operatorOnly: false },
  { to: '/reports', key: 'nav.reports', operatorOnly: true },
  { to: '/import', key: 'nav.import', operatorOnly: true },
  { to: '/settings', key: 'nav.settings', operatorOnly: false },
] as const;

/** The links to show, without `current`; a read-only wall account gets no link to a page that would refuse it. */
export function useNavLinks(current?: string) {
  const connection = useConnectionStore();
  return computed(() => NAV_LINKS.filter((link) => link.to !== current && !(link.operatorOnly && connection.info?.role === 'viewer')));
}
