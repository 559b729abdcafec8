import type { SecretBox } from '../../crypto/secret-box.js';

/**
 * A feed URL's password is kept apart from the URL, sealed with the SecretBox: the stored (and
 * shown) URL keeps its user name but never the password, which is put back only to fetch the feed.
 * Shared by the calendars service, the sync and the migration that sealed rows stored before.
 */
export interface SealedFeedUrl {
  url: string;
  passwordSealed: string | null;
}

/** Splits the password off a feed URL and seals it; a URL without one is returned as it is. */
export function sealFeedPassword(url: string, secrets: SecretBox): SealedFeedUrl {
  const parsed = new URL(url);
  if (!parsed.password) return { url, passwordSealed: null };
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return { url: parsed.href, passwordSealed: secrets.encrypt(password) };
}

/** The URL to fetch: the stored URL with its unsealed password (if any) back in it. */
export function unsealFeedUrl(stored: SealedFeedUrl, secrets: SecretBox): string {
  if (!stored.passwordSealed) return stored.url;
  const parsed = new URL(stored.url);
  parsed.password = encodeURIComponent(secrets.decrypt(stored.passwordSealed));
  return parsed.href;
}
