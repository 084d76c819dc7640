// Whether this process is sending an edition right now. The learner and the click judge give way to it between
// their batches: an edition keeps to the provider's clock (every millisecond of this thread it loses is a gap in the
// sending), while learning from what was sent can come minutes later. Checked by polling: nothing to unsubscribe.

export interface SendActivity {
  /** Count a batch as in progress while `work` runs. */
  during<T>(work: () => Promise<T>): Promise<T>;
  busy(): boolean;
}

export function createSendActivity(): SendActivity {
  let inProgress = 0;
  return {
    async during(work) {
      inProgress++;
      try {
        return await work();
      } finally {
        inProgress--;
      }
    },
    busy: () => inProgress > 0,
  };
}
