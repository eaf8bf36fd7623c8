/** Bridge connection state and the host's identity, as the status bar shows them. */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { BridgeError, type AppInfo, type SyncStatus } from '../../../shared/bridge/contract';
import { useBridge } from '../common/bridge';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

export const useConnectionStore = defineStore('connection', () => {
  const state = ref<ConnectionState>('connecting');
  const info = ref<AppInfo | null>(null);
  const sync = ref<SyncStatus | null>(null);
  const error = ref<BridgeError | null>(null);
  const isDemo = computed(() => sync.value?.demo ?? false);
  let started = false;

  async function refresh() {
    const bridge = useBridge();
    try {
      info.value = await bridge.request('app.info', {});
      sync.value = await bridge.request('sync.status', {});
      state.value = 'connected';
      error.value = null;
    } catch (e) {
      state.value = 'disconnected';
      error.value = e instanceof BridgeError ? e : new BridgeError({ code: 'unavailable', message: String(e) });
    }
  }

  function start() {
    if (started) return;
    started = true;
    const bridge = useBridge();
    bridge.on('sync.status', (next) => (sync.value = next));
    bridge.onConnection((up) => {
      if (up) void refresh();
      else state.value = 'disconnected';
    });
    void refresh();
  }

  return { state, info, sync, error, isDemo, start, refresh };
});
