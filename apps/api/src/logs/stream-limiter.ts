/**
 * Counts the live streams (SSE) of this API process per user and per client IP, so that nobody holds more than
 * their share of connections (each one waits on the log store).
 */
export class StreamLimiter {
  private readonly users = new Map<string, number>();
  private readonly ips = new Map<string, number>();

  constructor(readonly limits: { readonly perUser: number; readonly perIp: number }) {}

  /** A release function when one more stream is allowed; which limit was hit otherwise. */
  acquire(userId: string, ip: string): { release: () => void } | { refused: 'user' | 'ip'; max: number } {
    if ((this.users.get(userId) ?? 0) >= this.limits.perUser) return { refused: 'user', max: this.limits.perUser };
    if ((this.ips.get(ip) ?? 0) >= this.limits.perIp) return { refused: 'ip', max: this.limits.perIp };
    increment(this.users, userId, 1);
    increment(this.ips, ip, 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        increment(this.users, userId, -1);
        increment(this.ips, ip, -1);
      },
    };
  }
}

function increment(counts: Map<string, number>, key: string, by: number): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next <= 0) counts.delete(key);
  else counts.set(key, next);
}
