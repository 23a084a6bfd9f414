/** IPC channel names: the only ones the main process answers. */
export const Channels = {
  launchSweep: 'lab:launch-sweep',
  acknowledge: 'lab:acknowledge',
  resendPending: 'lab:resend-pending',
  saveFile: 'lab:save-file',
  cancelSweep: 'lab:cancel-sweep',
  resumeSweep: 'lab:resume-sweep',
  /** main -> renderer */
  event: 'lab:event',
} as const;

export type InvokeChannel = Exclude<(typeof Channels)[keyof typeof Channels], typeof Channels.event>;
