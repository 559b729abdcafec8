/** `/new` or `/reset`, optionally addressed to a bot (`/new@MyBot`, as Telegram groups send it). */
const START_OVER = /^\/(new|reset)(@[\w.]+)?$/i;

export const START_OVER_REPLY =
  'Started a new conversation: I will not remember what we said before. (The earlier messages are kept in the gateway.)';

/**
 * Whether a channel message asks to start a fresh conversation: its first line is `/new` or `/reset`.
 * An email arrives as "Subject: …" and its body, so the command may be the subject or the body's first line.
 */
export function isStartOverCommand(text: string): boolean {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const first = lines[0] ?? '';
  if (START_OVER.test(first)) return true;
  if (!/^subject:/i.test(first)) return false;
  return START_OVER.test(first.replace(/^subject:\s*((re|aw|fwd?):\s*)*/i, '')) || START_OVER.test(lines[1] ?? '');
}
