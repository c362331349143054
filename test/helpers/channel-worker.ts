/**
 * A page's training worker inside this thread, over a MessageChannel: the page holds port1 and the
 * worker's side (answerTraining) serves port2, speaking the protocol a real Web Worker speaks. For the
 * tests of trainInWorker without a browser (test/browser/example.test.ts runs the real one in Chromium).
 */
import { MessageChannel } from 'node:worker_threads';
import { defaultBackend } from '../../src/backend/index.js';
import { answerTraining } from '../../src/browser/answer-training.js';
import type { Port } from '../../src/browser/protocol.js';
import type { WorkerLike } from '../../src/browser/train-in-worker.js';

/** A maker of such workers (`start`, what trainInWorker's `worker` option takes), counting what it saw. */
export function channelWorker(): { start: () => WorkerLike; terminated: () => boolean; posts: () => number } {
  let ended = false;
  let posts = 0;
  return {
    terminated: () => ended,
    posts: () => posts,
    start: () => {
      const { port1, port2 } = new MessageChannel();
      answerTraining(port2 as unknown as Port);
      port1.addEventListener('message', () => void posts++);
      const be = defaultBackend();
      port2.postMessage({ type: 'ready', backend: be.name, threads: be.threads });
      return {
        postMessage: (m) => port1.postMessage(m),
        addEventListener: (type, l) => port1.addEventListener(type, l as never),
        terminate: () => {
          ended = true;
          port1.close();
          port2.close();
        },
      };
    },
  };
}
