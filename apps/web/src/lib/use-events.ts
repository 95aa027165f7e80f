'use client';

import { useEffect } from 'react';

export type StatusEvent = { instanceId: string; status: string; reason: string | null; at: string };
export type WhatsappEvent = { instanceId: string; connection: string; at: string };

/** Calls `onEvent` for every event of this name about the user's instances (SSE `/api/v1/events`, reconnects by itself). */
function useEvents<T>(name: 'instance.status' | 'whatsapp', onEvent: (event: T) => void, enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return;
    const source = new EventSource('/api/v1/events');
    const listener = (message: MessageEvent<string>) => onEvent(JSON.parse(message.data) as T);
    source.addEventListener(name, listener as EventListener);
    return () => source.close();
  }, [name, onEvent, enabled]);
}

/** Status changes of the user's instances, live. */
export function useStatusEvents(onEvent: (event: StatusEvent) => void, enabled = true): void {
  useEvents('instance.status', onEvent, enabled);
}

/** WhatsApp pairing changes (a new QR, a pairing code, connected…) of the user's instances, live. */
export function useWhatsappEvents(onEvent: (event: WhatsappEvent) => void, enabled = true): void {
  useEvents('whatsapp', onEvent, enabled);
}
