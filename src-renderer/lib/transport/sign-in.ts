/**
 * Serve mode's credentials in the page. The printed link carries a single-use token in its fragment (/#token=…),
 * which no request ever sends; it is taken out of the address bar (history.replaceState) as the page starts, and
 * exchanged over the socket for a session secret, kept in this tab's sessionStorage: it survives a reload of the tab,
 * and the browser sends it nowhere by itself (a cookie would go to every port of 127.0.0.1).
 */

const SESSION_KEY = 'adagrad-lab-session';

let linkToken: string | null = null;

/** Reads #token=… from the address bar, removes it from there and from this history entry; true when there was one. */
export function takeLinkToken(): boolean {
  const match = /^#(?:.*&)?token=([^&]*)/.exec(location.hash);
  if (!match) return false;
  history.replaceState(history.state, '', location.pathname + location.search);
  try {
    linkToken = decodeURIComponent(match[1]);
  } catch {
    linkToken = match[1];
  }
  return true;
}

/** Where the socket client finds the token of the link the page was opened with, and keeps its session. */
export interface SignInStore {
  /** The link's token, once (null afterwards, or when the page was opened without one). */
  takeToken(): string | null;
  session: string | null;
}

export const browserSignIn: SignInStore = {
  takeToken() {
    const token = linkToken;
    linkToken = null;
    return token;
  },
  get session() {
    try {
      return sessionStorage.getItem(SESSION_KEY);
    } catch {
      return null;
    }
  },
  set session(value) {
    try {
      if (value === null) sessionStorage.removeItem(SESSION_KEY);
      else sessionStorage.setItem(SESSION_KEY, value);
    } catch {
      // Storage refused (a private mode): the session lasts as long as the socket.
    }
  },
};

/** The subprotocol value of a link's token: its UTF-8 bytes in hex (a token may hold characters a subprotocol may not). */
export const tokenHex = (token: string): string =>
  Array.from(new TextEncoder().encode(token), (b) => b.toString(16).padStart(2, '0')).join('');
