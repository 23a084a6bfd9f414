/**
 * How much sweep one connection may launch in a while. A launch or a resume is announced to every signed-in client
 * with its spec, which each of them stores: a client launching and cancelling in a loop had every one of its specs,
 * each up to MAX_SOCKET_PAYLOAD (a start point of a million numbers), sent to every other tab, bounded only by their
 * cut at MAX_BUFFERED_BYTES behind (a cancelled sweep is forgotten at once, so MAX_KEPT_SWEEPS did not bound it). The
 * budget counts the request frames of the launches a connection made in the last LAUNCH_WINDOW_MS; a person's launches,
 * a few small specs a minute, stay far below it.
 */
import { formatBytes } from '../../src-core/views/format';

export const LAUNCH_WINDOW_MS = 10_000;
/**
 * Bytes of launch requests one connection may send every LAUNCH_WINDOW_MS: three of the largest spec a socket accepts
 * (16 MiB), thousands of a typical one.
 */
export const LAUNCH_BYTES_PER_WINDOW = 64_000_000;

export class LaunchBudget {
  /** The launches within the window (or still being answered), oldest first. */
  private readonly spent: { at: number; bytes: number }[] = [];

  constructor(
    private readonly bytesPerWindow: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Takes `bytes` from the budget for a launch: a refund to call if the launch is refused after all (it sent
   * nothing to anyone), or why it may not go now. Taken before the launch is answered, so that launches answered at
   * once cannot pass together what none passes alone.
   */
  take(bytes: number): { refund: () => void } | { refused: string } {
    const now = this.now();
    while (this.spent.length > 0 && now - this.spent[0].at >= LAUNCH_WINDOW_MS) this.spent.shift();
    const used = this.spent.reduce((sum, launch) => sum + launch.bytes, 0);
    // A launch alone is never refused: a spec the socket accepts can always go, once the window is clear.
    if (used > 0 && used + bytes > this.bytesPerWindow) {
      const wait = Math.max(1, Math.ceil((this.spent[0].at + LAUNCH_WINDOW_MS - now) / 1000));
      return {
        refused:
          `Too many sweeps launched: ${formatBytes(used)} of them from this connection in the last ` +
          `${LAUNCH_WINDOW_MS / 1000} s, and this one is ${formatBytes(bytes)} (must be at most ` +
          `${formatBytes(this.bytesPerWindow)} every ${LAUNCH_WINDOW_MS / 1000} s, as every open page is sent each; ` +
          `try again in ${wait} s)`,
      };
    }
    const launch = { at: now, bytes };
    this.spent.push(launch);
    return {
      refund: () => {
        const at = this.spent.indexOf(launch);
        if (at >= 0) this.spent.splice(at, 1);
      },
    };
  }
}
