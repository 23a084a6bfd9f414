/** The renderer's one way to the main process: the desktop preload when present, else serve mode's socket. */
import type { DesktopLabApi, LabApi } from '../../../src-core/contract/api';
import { connectSocket } from './socket-client';

declare global {
  interface Window {
    /** The desktop preload's API; absent in serve mode. */
    adagradLab?: DesktopLabApi;
  }
}

export const connectLab = (): LabApi => window.adagradLab ?? connectSocket();
