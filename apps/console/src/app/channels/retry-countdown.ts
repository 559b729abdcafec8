/**
 * "Retrying in 12 s" for a channel that waits before its next connection attempt: whole seconds,
 * rounded up, never below zero ("Retrying now" once the time has come). Minutes from 2 minutes on.
 */
export function retryCountdown(retryAt: string | null, now: number): string {
  if (!retryAt) return 'Retrying';
  const seconds = Math.ceil((Date.parse(retryAt) - now) / 1000);
  if (!Number.isFinite(seconds) || seconds <= 0) return 'Retrying now';
  if (seconds < 120) return `Retrying in ${seconds} s`;
  return `Retrying in ${Math.ceil(seconds / 60)} min`;
}
