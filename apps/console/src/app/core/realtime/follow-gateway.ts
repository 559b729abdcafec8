import { DestroyRef, effect, inject, untracked } from '@angular/core';
import type { GatewayEvent } from '@loop-gateway/contracts';
import { GatewaySocket } from './gateway-socket';

/**
 * Keeps a page's state in step with the gateway: `receive` gets every live event, and `load` runs at
 * once and again whenever the live connection comes back (events may have been missed meanwhile).
 * Call in an injection context (a store's constructor); it stops when that context is destroyed.
 */
export function followGateway(load: () => Promise<void>, receive: (event: GatewayEvent) => void): void {
  const socket = inject(GatewaySocket);
  const subscription = socket.events.subscribe(receive);
  void load();
  let wasConnected = socket.state() === 'connected';
  effect(() => {
    const connected = socket.state() === 'connected';
    if (connected && !wasConnected) untracked(() => void load());
    wasConnected = connected;
  });
  inject(DestroyRef).onDestroy(() => subscription.unsubscribe());
}
