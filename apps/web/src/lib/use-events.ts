'use client';

import { useEffect } from 'react';

export type StatusEvent = { instanceId: string; status: string; reason: string | null; at: string };

/** Calls `onEvent` for every status change of the user's instances (SSE, reconnects by itself). */
export function useStatusEvents(onEvent: (event: StatusEvent) => void, enabled = true): void {
  useEffect(() => {
    if (!enabled) return;
    const source = new EventSource('/api/v1/events');
    const listener = (message: MessageEvent<string>) => onEvent(JSON.parse(message.data) as StatusEvent);
    source.addEventListener('instance.status', listener as EventListener);
    return () => source.close();
  }, [onEvent, enabled]);
}
