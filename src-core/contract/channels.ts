/** IPC channel names: the only ones the main process answers. */
export const Channels = {
  launchSweep: 'lab:launch-sweep',
  acknowledge: 'lab:acknowledge',
  resendPending: 'lab:resend-pending',
  startExport: 'lab:start-export',
  writeExport: 'lab:write-export',
  finishExport: 'lab:finish-export',
  cancelSweep: 'lab:cancel-sweep',
  resumeSweep: 'lab:resume-sweep',
  workerThreads: 'lab:worker-threads',
  /** main -> renderer */
  event: 'lab:event',
} as const;

export type InvokeChannel = Exclude<(typeof Channels)[keyof typeof Channels], typeof Channels.event>;
