import { z } from 'zod';

/** The file of a build context that says what a memory artifact does when it runs. */
export const MEMORY_BOT_FILE = 'memory-bot.json';

const line = z.union([z.string(), z.object({ stream: z.enum(['stdout', 'stderr']), line: z.string() })]);

/**
 * `memory-bot.json` (every field optional):
 * - `build`: `lines` printed by the build, `fail` a reason that makes the build fail (`build_failed`);
 * - `lines`: printed at every start, in order (`${NAME}` is replaced with the instance's env value);
 * - `exit`: after its lines the bot exits with `{ "code": n }`, or is killed for memory with `{ "oom": true }`;
 *   absent, it runs until stopped;
 * - `memoryMb`: what the bot uses; under a smaller memory limit it is killed for memory after its lines;
 * - `files`: files of its app directory (`readFile`), text, or `base64:` followed by the bytes in base64;
 * - `diskBytes`: what it writes outside its volume (counted by `diskUsage`).
 */
export const botScriptSchema = z.object({
  build: z.object({ lines: z.array(z.string()).default([]), fail: z.string().optional() }).default({ lines: [] }),
  lines: z.array(line).default([]),
  exit: z.union([z.object({ code: z.number().int().min(0).max(255) }), z.object({ oom: z.literal(true) })]).optional(),
  memoryMb: z.number().int().positive().optional(),
  files: z.record(z.string(), z.string()).default({}),
  diskBytes: z.number().int().min(0).default(0),
});

/** What a memory artifact does, parsed once at build time and shared by every instance that runs it. */
export type BotScript = {
  readonly lines: readonly { readonly stream: 'stdout' | 'stderr'; readonly line: string }[];
  readonly exit: { readonly code: number; readonly oom: boolean } | null;
  readonly memoryMb: number | null;
  readonly files: ReadonlyMap<string, Buffer>;
  readonly diskBytes: number;
};

/** A bot with no `memory-bot.json`: prints nothing and runs until stopped. */
export const SILENT_BOT: BotScript = { lines: [], exit: null, memoryMb: null, files: new Map(), diskBytes: 0 };

export function toBotScript(parsed: z.infer<typeof botScriptSchema>): BotScript {
  return {
    lines: parsed.lines.map((entry) => (typeof entry === 'string' ? { stream: 'stdout' as const, line: entry } : entry)),
    exit: parsed.exit ? ('oom' in parsed.exit ? { code: 137, oom: true } : { code: parsed.exit.code, oom: false }) : null,
    memoryMb: parsed.memoryMb ?? null,
    files: new Map(
      Object.entries(parsed.files).map(([name, body]) => [name, body.startsWith('base64:') ? Buffer.from(body.slice(7), 'base64') : Buffer.from(body)]),
    ),
    diskBytes: parsed.diskBytes,
  };
}

/** `${NAME}` → the env value (empty when unset). */
export function expand(text: string, env: Readonly<Record<string, string>>): string {
  return text.includes('${') ? text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => env[name] ?? '') : text;
}
