// Inside a feed-parsing thread: read each document it is sent into item verdicts and send them back.
import { parentPort } from 'node:worker_threads';
import { readOutcome, type ParseTask } from './parse-feed';

const port = parentPort!;

port.on('message', async (task: ParseTask) => {
  port.postMessage({ id: task.id, outcome: await readOutcome(task.body, task.source, task.nowMs) });
});

// Loading the feed library and the contracts takes a while: the budget of a feed starts after this.
port.postMessage({ ready: true });
