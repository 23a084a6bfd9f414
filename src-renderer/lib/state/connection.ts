/** What serve mode's connection means to a person, and exactly what to do about it (null: nothing to say). */
import type { LabConnection } from '../../../src-core/contract/api';

/** How to get a fresh sign-in link of the server on `port`. */
const freshLinkHow = (port: string): string =>
  `run \`adagrad-lab link --port ${port}\` (or press Enter in the terminal of \`npm run serve\`) and open the new link`;

export function connectionMessage(connection: LabConnection, port: string): string | null {
  if (connection.state === 'connecting' || connection.state === 'open') return null;
  if (connection.state === 'lost') return 'Connection to the lab server lost — reconnecting…';
  switch (connection.reason) {
    case 'unknown-session':
      return `The server restarted: ${freshLinkHow(port)}. Sweeps stopped mid-way can then be resumed.`;
    case 'no-credential':
      return `Not signed in: open the link \`npm run serve\` printed, or ${freshLinkHow(port)}.`;
    case 'bad-link':
      return `This link was used already or is not valid (each link works once): ${freshLinkHow(port)}.`;
    case 'throttled':
      return `${connection.detail}. Then ${freshLinkHow(port)}.`;
  }
}
