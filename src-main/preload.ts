/**
 * The sandboxed preload: the page's whole view of the main process. It exposes ten named functions under
 * window.adagradLab and nothing else — never ipcRenderer, never an IpcRendererEvent (its `sender` would hand the page
 * a raw IPC handle). Built as CommonJS because a sandboxed preload cannot load ES modules; hence no top-level await
 * and no import.meta here. Imports only electron and the contract.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ExportEnd, ExportPage, ExportStart, LabApi, ResumeRequest, WorkerThreadsRequest } from '../src-core/contract/api';
import { Channels } from '../src-core/contract/channels';
import type { SweepEvent } from '../src-core/contract/types';

const api: LabApi = {
  launchSweep(spec: unknown) {
    return ipcRenderer.invoke(Channels.launchSweep, spec);
  },
  acknowledge(runIds: string[]) {
    return ipcRenderer.invoke(Channels.acknowledge, runIds);
  },
  resendPending() {
    return ipcRenderer.invoke(Channels.resendPending);
  },
  cancelSweep(sweepId: string) {
    return ipcRenderer.invoke(Channels.cancelSweep, sweepId);
  },
  resumeSweep(request: ResumeRequest) {
    return ipcRenderer.invoke(Channels.resumeSweep, request);
  },
  startExport(request: ExportStart) {
    return ipcRenderer.invoke(Channels.startExport, request);
  },
  writeExport(page: ExportPage) {
    return ipcRenderer.invoke(Channels.writeExport, page);
  },
  finishExport(request: ExportEnd) {
    return ipcRenderer.invoke(Channels.finishExport, request);
  },
  workerThreads(request: WorkerThreadsRequest) {
    return ipcRenderer.invoke(Channels.workerThreads, request);
  },
  onEvent(listener: (event: SweepEvent) => void) {
    // Only the payload reaches the page.
    const forward = (_event: IpcRendererEvent, payload: SweepEvent): void => listener(payload);
    ipcRenderer.on(Channels.event, forward);
    return () => {
      ipcRenderer.removeListener(Channels.event, forward);
    };
  },
};

contextBridge.exposeInMainWorld('adagradLab', api);
