/**
 * Folders where WhatsApp libraries keep their session: Baileys (`auth_info*`), BuilderBot (`*_sessions`),
 * whatsapp-web.js (`.wwebjs_auth`, `.wwebjs_cache`), venom and WPPConnect (`tokens`).
 */
export const SESSION_FOLDERS = ['auth_info', 'auth_info_baileys', 'baileys_auth_info', 'bot_sessions', '.wwebjs_auth', '.wwebjs_cache', 'tokens'] as const;

/**
 * The entrypoint of generated images: before the bot starts, each session folder in /app becomes a link
 * to /data/sessions/<folder> on the instance's volume (a folder committed in the repository is moved
 * there the first time), so redeploys, restarts and plan changes never lose the WhatsApp session.
 * POSIX sh, no bashisms: it runs in every base image.
 */
export function sessionEntrypoint(): string {
  return `#!/bin/sh
set -e
for folder in ${SESSION_FOLDERS.join(' ')} $ZAPDEPLOY_PERSISTENT_PATHS; do
  case "$folder" in /*|*..*) continue ;; esac
  kept="/data/sessions/$folder"
  here="/app/$folder"
  mkdir -p "$(dirname "$kept")" "$(dirname "$here")"
  if [ -e "$here" ] && [ ! -L "$here" ]; then
    if [ -e "$kept" ]; then rm -rf "$here"; else mv "$here" "$kept"; fi
  fi
  mkdir -p "$kept"
  ln -sfn "$kept" "$here"
done
exec "$@"
`;
}
