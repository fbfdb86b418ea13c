/** "3d4h", "49m", "12s": how long before `now` a time was, as kubectl prints ages. */
export function ageBetween(time: string, now: string): string {
  let seconds = Math.max(0, Math.floor((Date.parse(now) - Date.parse(time)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const days = Math.floor(seconds / 86400);
  seconds -= days * 86400;
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds - hours * 3600) / 60);
  if (days > 0) return hours > 0 ? `${days}d${hours}h` : `${days}d`;
  if (hours > 0) return minutes > 0 ? `${hours}h${minutes}m` : `${hours}h`;
  return `${minutes}m`;
}
