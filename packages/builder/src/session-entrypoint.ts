/**
 * Folders where WhatsApp libraries keep their session: Baileys (`auth_info*`), BuilderBot (`*_sessions`),
 * whatsapp-web.js (`.wwebjs_auth`, `.wwebjs_cache`), venom and WPPConnect (`tokens`).
 */
export const SESSION_FOLDERS = ['auth_info', 'auth_info_baileys', 'baileys_auth_info', 'bot_sessions', '.wwebjs_auth', '.wwebjs_cache', 'tokens'] as const;

/** Session folders with names of their own (`auth_info_<anything>`, `<anything>_sessions`), as shell patterns. */
export const SESSION_PATTERNS = ['auth_info*', '*_sessions'] as const;

/**
 * The entrypoint of generated images. Before the bot starts, each session folder in /app becomes a link to
 * /data/sessions/<folder> on the instance's volume (a folder committed in the repository is moved there the
 * first time), and folders matching the patterns that were kept before come back. The bot then runs as a
 * child: signals are passed on, and when it stops, pattern folders it made meanwhile are copied to the volume.
 * So redeploys, restarts and plan changes never lose the WhatsApp session. POSIX sh: it runs in every base image.
 */
export function sessionEntrypoint(): string {
  // Quoted: the patterns are matched later, inside /data/sessions and /app, not where the list is read.
  const patterns = SESSION_PATTERNS.map((pattern) => `'${pattern}'`).join(' ');
  return `#!/bin/sh
set -e
keep() {
  folder="$1"
  case "$folder" in /*|*..*|'') return 0 ;; esac
  kept="/data/sessions/$folder"
  here="/app/$folder"
  mkdir -p "$(dirname "$kept")" "$(dirname "$here")"
  if [ -e "$here" ] && [ ! -L "$here" ]; then
    if [ -e "$kept" ]; then rm -rf "$here"; else mv "$here" "$kept"; fi
  fi
  mkdir -p "$kept"
  ln -sfn "$kept" "$here"
}
for folder in ${SESSION_FOLDERS.join(' ')} $ZAPDEPLOY_PERSISTENT_PATHS; do keep "$folder"; done
cd /app
for pattern in ${patterns}; do
  for found in /data/sessions/$pattern ./$pattern; do
    if [ -d "$found" ]; then keep "$(basename "$found")"; fi
  done
done
save() {
  cd /app
  for pattern in ${patterns}; do
    for found in ./$pattern; do
      if [ -d "$found" ] && [ ! -L "$found" ]; then
        name="$(basename "$found")"
        rm -rf "/data/sessions/$name.saving" && cp -a "$found" "/data/sessions/$name.saving" && rm -rf "/data/sessions/$name" && mv "/data/sessions/$name.saving" "/data/sessions/$name"
      fi
    done
  done
}
"$@" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null || true' TERM INT HUP
status=0
while :; do
  if wait "$child"; then status=0; else status=$?; fi
  kill -0 "$child" 2>/dev/null || break
done
save || true
exit "$status"
`;
}
