/**
 * An HTTP proxy on loopback in front of a real server (an upstream Holdfast), for connector tests:
 * it forwards every request unchanged and records its method and path, so a test can count what a
 * client really sent (token requests, a cancel that must not be sent). It can also stop listening
 * the moment a chosen request has been answered upstream — before passing the answer on — so the
 * client's next request is refused: a request provably never sent, at an exact point — or cut the
 * connection instead of passing a chosen answer on: a request the upstream acted on whose answer
 * never came back — or hold a chosen answer back, so the client waits until its own time limit: an
 * upstream that acted and then went silent.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentRequest {
  method: string;
  path: string;
}

export interface CountingProxy {
  readonly baseUrl: string;
  readonly requests: SentRequest[];
  /** How many requests matched `method` and a path that `path` equals (string) or matches (RegExp). */
  count(method: string, path: string | RegExp): number;
  /** After the next request matching these is answered upstream, no new connection is accepted. */
  stopAfterAnswerTo(method: string, path: RegExp): void;
  /** The next request matching these reaches the upstream, but its answer is dropped and the client's connection cut. */
  cutAnswerTo(method: string, path: RegExp): void;
  /** The next request matching these reaches the upstream, and its answer is never passed on: the client times out. */
  holdAnswerTo(method: string, path: RegExp): void;
  close(): Promise<void>;
}

export async function startCountingProxy(targetBaseUrl: string): Promise<CountingProxy> {
  const target = new URL(targetBaseUrl);
  const requests: SentRequest[] = [];
  let stopAfter: { method: string; path: RegExp } | undefined;
  let cutAnswer: { method: string; path: RegExp } | undefined;
  let holdAnswer: { method: string; path: RegExp } | undefined;
  const matches = (sent: SentRequest, method: string, path: string | RegExp) =>
    sent.method === method && (typeof path === 'string' ? sent.path === path : path.test(sent.path));

  const server: Server = createServer((incoming, outgoing) => {
    const sent = { method: incoming.method ?? 'GET', path: incoming.url ?? '/' };
    requests.push(sent);
    const forwarded = httpRequest(
      { host: target.hostname, port: target.port, method: sent.method, path: sent.path, headers: incoming.headers, agent: false },
      (answer) => {
        if (cutAnswer && matches(sent, cutAnswer.method, cutAnswer.path)) {
          cutAnswer = undefined;
          answer.resume();
          incoming.socket.destroy();
          return;
        }
        if (holdAnswer && matches(sent, holdAnswer.method, holdAnswer.path)) {
          // The upstream has answered; the client hears nothing until it gives up and closes.
          holdAnswer = undefined;
          answer.resume();
          return;
        }
        if (stopAfter && matches(sent, stopAfter.method, stopAfter.path)) {
          stopAfter = undefined;
          server.close();
        }
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    count: (method, path) => requests.filter((sent) => matches(sent, method, path)).length,
    stopAfterAnswerTo(method, path) {
      stopAfter = { method, path };
    },
    cutAnswerTo(method, path) {
      cutAnswer = { method, path };
    },
    holdAnswerTo(method, path) {
      holdAnswer = { method, path };
    },
    async close() {
      server.closeAllConnections();
      if (!server.listening) return;
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
}
