/**
 * What a Dockerfile of untrusted code may ask the image builder to fetch by itself.
 *
 * RUN steps execute in a container on the isolated build network (internet only). Three kinds of fetch do
 * not: the builder daemon performs them in the host's own network namespace, outside that firewall —
 * `ADD <url>` (and git sources), pulling the image of a `FROM` or of a `COPY --from=<image>` (the registry
 * host can be anything: `127.0.0.1:6379/x`, `169.254.169.254/x`), and `ONBUILD` triggers. So:
 *  - `ADD` takes local files only (downloads belong in a `RUN curl …`, which runs behind the firewall);
 *  - images come from Docker Hub or a registry on the operator's allow-list, named without variables that
 *    cannot be resolved from the Dockerfile itself;
 *  - `ONBUILD` is refused (and base images carrying ONBUILD triggers are refused by the runtime, which can
 *    see them).
 * Parsing follows the classic builder: parser directives (`# escape=`), comments, line continuations.
 * Pure: text in, verdict out.
 */

export type DockerfilePolicy = {
  /** Registry hosts (`ghcr.io`, `registry.example.com:5000`) images may come from besides Docker Hub. */
  readonly allowedRegistries: readonly string[];
};

export type DockerfileVerdict =
  | {
      readonly ok: true;
      /** Images of FROM lines that are not earlier stages, in order (the runtime pulls and inspects them). */
      readonly baseImages: readonly string[];
    }
  | { readonly ok: false; readonly code: 'dockerfile_not_allowed' | 'dockerfile_invalid'; readonly hint: string };

/** Docker Hub's own names, always allowed. */
const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

export const DEFAULT_BUILD_REGISTRIES = ['ghcr.io', 'quay.io', 'public.ecr.aws', 'mcr.microsoft.com', 'gcr.io', 'registry.gitlab.com'] as const;

type Instruction = { readonly keyword: string; readonly args: string; readonly line: number };

export function checkDockerfile(text: string, policy: DockerfilePolicy): DockerfileVerdict {
  const instructions = parseInstructions(text);
  const allowed = new Set([...policy.allowedRegistries.map((r) => r.toLowerCase()), ...DOCKER_HUB]);
  const globalArgs = new Map<string, string>();
  const stages: string[] = [];
  const baseImages: string[] = [];
  let seenFrom = false;

  const refuse = (at: Instruction, hint: string): DockerfileVerdict => ({ ok: false, code: 'dockerfile_not_allowed', hint: `line ${at.line}: ${hint}` });

  for (const instruction of instructions) {
    const { keyword } = instruction;
    if (keyword === 'ARG' && !seenFrom) {
      for (const [name, value] of parseArgDefaults(instruction.args)) globalArgs.set(name, value);
      continue;
    }
    if (keyword === 'ONBUILD') {
      return refuse(instruction, 'ONBUILD is not supported: its triggers run outside the build network isolation.');
    }
    if (keyword === 'FROM') {
      seenFrom = true;
      const words = splitWords(instruction.args).filter((w) => !w.startsWith('--'));
      const image = substitute(words[0] ?? '', globalArgs);
      if (!image) return { ok: false, code: 'dockerfile_invalid', hint: `line ${instruction.line}: FROM without an image.` };
      const alias = words[1]?.toLowerCase() === 'as' ? words[2]?.toLowerCase() : undefined;
      if (!isStage(image, stages) && image.toLowerCase() !== 'scratch') {
        const verdict = checkImage(image, allowed);
        if (verdict) return refuse(instruction, verdict);
        baseImages.push(image);
      }
      stages.push(alias ?? `#${stages.length}`);
      continue;
    }
    if (keyword === 'ADD' || keyword === 'COPY') {
      const { flags, paths } = parseCopyArgs(instruction.args);
      const from = flags.get('from');
      if (from !== undefined) {
        if (from.includes('$')) return refuse(instruction, `${keyword} --from with a variable is not supported; name the stage or image.`);
        if (!isStage(from, stages) && !/^\d+$/.test(from)) {
          const verdict = checkImage(from, allowed);
          if (verdict) return refuse(instruction, verdict);
        }
      }
      if (keyword === 'ADD') {
        for (const source of paths.slice(0, -1)) {
          if (isRemote(source)) {
            return refuse(
              instruction,
              `ADD from a URL or git repository (${truncate(source)}) is not allowed: download it in a RUN step (e.g. RUN curl -fsSL … -o file), which goes through the build's isolated network.`,
            );
          }
          if (source.includes('$')) return refuse(instruction, 'ADD sources with variables are not supported; write the path, or use COPY.');
        }
      }
    }
  }
  if (!seenFrom) return { ok: false, code: 'dockerfile_invalid', hint: 'the Dockerfile has no FROM line.' };
  return { ok: true, baseImages };
}

/** Why an image reference may not be pulled, or undefined when it may. */
function checkImage(reference: string, allowed: ReadonlySet<string>): string | undefined {
  if (reference.includes('$')) return `the image "${truncate(reference)}" uses a variable the Dockerfile does not define.`;
  if (!/^[a-zA-Z0-9][a-zA-Z0-9._\-/:@[\]]*$/.test(reference)) return `"${truncate(reference)}" is not an image name.`;
  const registry = registryOf(reference);
  if (registry === undefined || allowed.has(registry)) return undefined;
  return `images from the registry "${registry}" are not allowed (Docker Hub${allowed.size > DOCKER_HUB.size ? ` and ${[...allowed].filter((r) => !DOCKER_HUB.has(r)).join(', ')}` : ''} only).`;
}

/** The registry host of an image reference (`ghcr.io/a/b:1` → `ghcr.io`), undefined for Docker Hub short names. */
export function registryOf(reference: string): string | undefined {
  const slash = reference.indexOf('/');
  if (slash < 0) return undefined;
  const first = reference.slice(0, slash);
  if (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('[')) return first.toLowerCase();
  return undefined;
}

function isStage(name: string, stages: readonly string[]): boolean {
  return stages.includes(name.toLowerCase());
}

function isRemote(source: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(source) || /^git@/i.test(source) || /^[\w.-]+@[\w.-]+:/.test(source);
}

function truncate(value: string): string {
  return value.length > 80 ? `${value.slice(0, 77)}…` : value;
}

/** Logical instructions: directives read, comments dropped, continuation lines joined. */
export function parseInstructions(text: string): Instruction[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let escapeChar = '\\';
  let index = 0;
  // Parser directives: only at the very top, before any comment, blank line or instruction.
  for (; index < lines.length; index++) {
    const directive = /^#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/.exec(lines[index] ?? '');
    if (!directive) break;
    if (directive[1]?.toLowerCase() === 'escape' && (directive[2] === '`' || directive[2] === '\\')) escapeChar = directive[2];
  }
  const instructions: Instruction[] = [];
  let current = '';
  let startLine = 0;
  for (; index < lines.length; index++) {
    const raw = lines[index] ?? '';
    const trimmed = raw.trim();
    if (trimmed.startsWith('#')) continue; // comments, also between continuation lines
    if (!current && !trimmed) continue;
    if (!current) startLine = index + 1;
    const withoutTrailing = raw.replace(/\s+$/, '');
    if (withoutTrailing.endsWith(escapeChar)) {
      current += `${withoutTrailing.slice(0, -1)} `;
      continue;
    }
    current += raw;
    pushInstruction(instructions, current, startLine);
    current = '';
  }
  if (current.trim()) pushInstruction(instructions, current, startLine);
  return instructions;
}

function pushInstruction(into: Instruction[], logical: string, line: number): void {
  const match = /^\s*(\S+)\s*([\s\S]*)$/.exec(logical);
  if (match?.[1]) into.push({ keyword: match[1].toUpperCase(), args: (match[2] ?? '').trim(), line });
}

function splitWords(args: string): string[] {
  return args.split(/\s+/).filter(Boolean);
}

/** `--flag=value` options and the paths of ADD/COPY, in shell or JSON (exec) form. */
function parseCopyArgs(args: string): { flags: Map<string, string>; paths: string[] } {
  const flags = new Map<string, string>();
  let rest = args;
  for (;;) {
    const flag = /^--([a-zA-Z-]+)(?:=(\S*))?\s*/.exec(rest);
    if (!flag) break;
    flags.set((flag[1] ?? '').toLowerCase(), flag[2] ?? '');
    rest = rest.slice(flag[0].length);
  }
  if (rest.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(rest);
      if (Array.isArray(parsed) && parsed.every((p) => typeof p === 'string')) return { flags, paths: parsed };
    } catch {
      // not JSON: the classic builder falls back to the shell form
    }
  }
  return { flags, paths: splitWords(rest) };
}

/** `ARG A=1 B="two"` → defaults; ARGs without a default count as empty (no build arguments are passed). */
function parseArgDefaults(args: string): [string, string][] {
  const result: [string, string][] = [];
  for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)(?:=("(?:[^"\\]|\\.)*"|'[^']*'|\S*))?/g)) {
    const name = match[1] ?? '';
    let value = match[2] ?? '';
    if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) value = value.slice(1, -1);
    result.push([name, value]);
  }
  return result;
}

/** Variable substitution as the builder does it for FROM: `$A`, `${A}`, `${A:-word}`, `${A:+word}`; unknown → empty. */
export function substitute(value: string, vars: ReadonlyMap<string, string>): string {
  return value.replace(/\\\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced, modifier, word, bare) => {
    if (whole === '\\$') return '$';
    const name = (braced ?? bare) as string;
    const current = vars.get(name) ?? '';
    if (modifier === '-') return current || (word as string);
    if (modifier === '+') return current ? (word as string) : '';
    return current;
  });
}
