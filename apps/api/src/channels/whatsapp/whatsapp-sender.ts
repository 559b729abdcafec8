// Whitelist entries for WhatsApp, without Baileys: the factory validates senders on every gateway,
// and Baileys loads only when a WhatsApp channel runs.

/** A phone number (optional `+`, 5 to 20 digits) or a JID whose user part is digits (`491701234567@s.whatsapp.net`, `…@lid`). */
const SENDER = /^(\+?\d{5,20}|\d{5,20}(:\d{1,4})?@(s\.whatsapp\.net|c\.us|lid))$/;

/** Why a whitelist entry is not a WhatsApp sender, or null when it is one. */
export function senderProblem(sender: string): string | null {
  return SENDER.test(sender.trim())
    ? null
    : 'must be a phone number in international format (+491701234567) or a WhatsApp JID';
}

/** A whitelist entry or a JID as the digits of its user part: `+49 170…` → `49170…`, `49170…:3@s.whatsapp.net` → `49170…`. */
export function normalizeSender(sender: string): string {
  const trimmed = sender.trim();
  if (trimmed.includes('@')) return jidUserPart(trimmed);
  return trimmed.replace(/^\+/, '');
}

/** The user part of a JID as Baileys' jidDecode reads it: `491701234567_1:12@s.whatsapp.net` → `491701234567`. */
function jidUserPart(jid: string): string {
  const user = jid.slice(0, jid.indexOf('@')).split(':')[0]!.split('_')[0]!;
  return user || jid;
}
