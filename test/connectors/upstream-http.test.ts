/**
 * The upstream transport tells a request that never reached the upstream (safe to send elsewhere)
 * from one that may have (its outcome unknown): docs/failover.md.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { describe, it } from 'node:test';
import { RequestNotSent } from '../../src/connectors/gateway.js';
import { sendUpstream, UpstreamNoAnswer } from '../../src/connectors/upstream-http.js';

const limits = { connectTimeoutMs: 3000, timeoutMs: 1000 };

async function listening<T extends Server | TcpServer>(server: T): Promise<{ server: T; url: string }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('one exchange with an upstream', () => {
  it('answers with the status, headers and body of any answer', async () => {
    const { server, url } = await listening(
      createServer((request, response) => {
        let body = '';
        request.on('data', (chunk: Buffer) => (body += chunk.toString()));
        request.on('end', () => response.writeHead(502, { 'x-seen': body }).end('{"code":"BAD_GATEWAY"}'));
      }),
    );
    try {
      const answer = await sendUpstream({ method: 'POST', url: `${url}/x`, body: 'hello', ...limits });
      assert.equal(answer.status, 502);
      assert.equal(answer.headers['x-seen'], 'hello');
      assert.equal(answer.text, '{"code":"BAD_GATEWAY"}');
    } finally {
      server.close();
    }
  });

  it('a refused connection is a request never sent', async () => {
    const { server, url } = await listening(createTcpServer());
    await new Promise((resolve) => server.close(resolve));
    await assert.rejects(sendUpstream({ method: 'POST', url, body: '{}', ...limits }), RequestNotSent);
  });

  it('a name that does not resolve is a request never sent', async () => {
    await assert.rejects(sendUpstream({ method: 'GET', url: 'http://holdfast-no-such-host.invalid/', ...limits }), RequestNotSent);
  });

  it('no answer after the request was written is unknown, never "not sent"', async () => {
    const { server, url } = await listening(createServer(() => undefined));
    try {
      await assert.rejects(sendUpstream({ method: 'POST', url, body: '{}', ...limits }), UpstreamNoAnswer);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('a reset after the request was read is unknown: the upstream may have acted on it', async () => {
    const { server, url } = await listening(
      createTcpServer((socket) => {
        socket.once('data', () => socket.resetAndDestroy());
      }),
    );
    try {
      await assert.rejects(sendUpstream({ method: 'POST', url, body: '{"a":1}', ...limits }), UpstreamNoAnswer);
    } finally {
      server.close();
    }
  });
});
