'use client';

import { type UIEvent, useEffect, useMemo, useRef, useState } from 'react';
import { useI18n } from '@/i18n/client';
import { parseAnsi, stripAnsi } from '@/lib/ansi';

type Line = { id: string; ts: string; stream: string; line: string };

const MAX_LINES = 5000;

/**
 * A live log terminal: SSE from `url` (resuming by itself with Last-Event-ID), ANSI colours, follows the
 * tail unless the user scrolls up, search, download. `live=false` loads the lines once (build logs).
 */
export function LogTerminal({ url, live, fileName }: { url: string; live: boolean; fileName: string }) {
  const { t, locale } = useI18n();
  const [lines, setLines] = useState<Line[]>([]);
  const [query, setQuery] = useState('');
  const [following, setFollowing] = useState(true);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    setLines([]);
    if (!live) {
      // The platform's own lines come in the dashboard's language (`lang`).
      fetch(`${url}?limit=5000&lang=${locale}`, { credentials: 'same-origin' })
        .then((response) => (response.ok ? (response.json() as Promise<{ items: Line[] }>) : { items: [] }))
        .then((page) => setLines(page.items))
        .catch(() => undefined);
      return;
    }
    const source = new EventSource(`${url}?follow=1&limit=1000&lang=${locale}`);
    const pending: Line[] = [];
    let frame = 0;
    source.addEventListener('log', (event) => {
      const message = event as MessageEvent<string>;
      const data = JSON.parse(message.data) as Omit<Line, 'id'>;
      pending.push({ id: message.lastEventId, ...data });
      // Batch renders per animation frame: thousands of lines per second stay smooth.
      frame ||= requestAnimationFrame(() => {
        frame = 0;
        const batch = pending.splice(0);
        setLines((current) => [...current, ...batch].slice(-MAX_LINES));
      });
    });
    return () => {
      source.close();
      cancelAnimationFrame(frame);
    };
  }, [url, live, locale]);

  useEffect(() => {
    if (following && box.current) box.current.scrollTop = box.current.scrollHeight;
  });

  const shown = useMemo(() => {
    const needle = query.trim().toLowerCase();
    return needle ? lines.filter((l) => stripAnsi(l.line).toLowerCase().includes(needle)) : lines;
  }, [lines, query]);

  function onScroll(event: UIEvent<HTMLDivElement>) {
    const el = event.currentTarget;
    setFollowing(el.scrollHeight - el.scrollTop - el.clientHeight < 24);
  }

  function download() {
    const text = lines.map((l) => `${l.ts} [${l.stream}] ${stripAnsi(l.line)}`).join('\n');
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([`${text}\n`], { type: 'text/plain' }));
    link.download = fileName;
    link.click();
    URL.revokeObjectURL(link.href);
  }

  return (
    <div>
      <div className="toolbar">
        <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder={t('logs.search')} aria-label={t('logs.search')} />
        <button type="button" className="btn small" onClick={download}>
          {t('logs.download')}
        </button>
        {live ? (
          <span className="small muted" aria-live="polite">
            {following ? t('logs.follow') : t('logs.paused')}
          </span>
        ) : null}
      </div>
      {/* The log scrolls: it takes keyboard focus so that it can be scrolled without a mouse (WCAG 2.1.1). */}
      <div
        ref={box}
        className="terminal"
        role="log"
        aria-label={t('logs.terminal')}
        aria-live="off"
        tabIndex={0}
        onScroll={onScroll}
        data-testid="log-terminal"
      >
        {shown.length === 0 ? <div className="line system">{t('logs.empty')}</div> : null}
        {shown.map((line) => (
          <div key={line.id} className={`line ${line.stream}`}>
            {parseAnsi(line.line).map((segment, index) => (
              <span
                // biome-ignore lint/suspicious/noArrayIndexKey: segments of one immutable line
                key={index}
                style={{ color: segment.color, background: segment.background, fontWeight: segment.bold ? 700 : undefined }}
              >
                {segment.text}
              </span>
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}
