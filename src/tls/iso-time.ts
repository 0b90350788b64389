/**
 * ISO 8601 of a capture time. Handshakes come in bursts within the same second, so the date and time up to the
 * second is formatted once per second and only the milliseconds are added. One per owner (the session, or a
 * connection made without one), never module-level.
 */
export class IsoTime {
  private second = NaN;
  private prefix = '';

  format(ts: number): string {
    const ms = Math.trunc(ts * 1000); // as Date does (TimeClip truncates)
    if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return new Date(0).toISOString();
    const sec = Math.floor(ms / 1000);
    if (sec !== this.second) {
      this.second = sec;
      this.prefix = new Date(sec * 1000).toISOString().slice(0, -4); // "YYYY-MM-DDTHH:MM:SS."
    }
    return `${this.prefix}${String(ms - sec * 1000).padStart(3, '0')}Z`;
  }
}
