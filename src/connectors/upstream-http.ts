/**
 * One HTTP exchange with an upstream gateway, telling apart the two ways it can fail
 * (docs/failover.md): a request that provably never reached the upstream (`RequestNotSent`: the
 * connection was refused or never completed within the connect limit, the name did not resolve, TLS
 * failed, or the socket closed before the request was fully written) and everything else, which
 * leaves the outcome unknown (`UpstreamNoAnswer`). Written on node:http rather than fetch because
 * fetch does not say whether the request body was fully written before a failure, and that is the
 * line failover must not cross.
 */
import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { RequestNotSent } from './gateway.js';

export interface UpstreamRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: OutgoingHttpHeaders;
  body?: string;
  /** The TCP (and TLS) connect limit, ms. */
  connectTimeoutMs: number;
  /** The whole exchange's limit, answer body included, ms. */
  timeoutMs: number;
}

export interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** The request was (or may have been) received, but no full answer came: the outcome is unknown. */
export class UpstreamNoAnswer extends Error {
  override readonly name = 'UpstreamNoAnswer';
}

/** Error codes that mean the upstream never had the request. */
const NEVER_REACHED_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const MAX_ANSWER_BYTES = 1024 * 1024;

/** Sends one request; the answer (any status), or throws `RequestNotSent` / `UpstreamNoAnswer`. */
export function sendUpstream(request: UpstreamRequest): Promise<UpstreamResponse> {
  const url = new URL(request.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
  return new Promise<UpstreamResponse>((resolve, reject) => {
    let connected = false;
    let written = false;
    let settled = false;
    const finish = (outcome: { ok: UpstreamResponse } | { error: Error }) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(wholeTimer);
      if ('ok' in outcome) resolve(outcome.ok);
      else reject(outcome.error);
    };
    const failure = (reason: string, code?: string) => {
      // Before the request was fully written the upstream cannot have acted on it.
      const neverReached = !connected || !written || (code !== undefined && NEVER_REACHED_CODES.has(code));
      return neverReached ? new RequestNotSent(reason) : new UpstreamNoAnswer(reason);
    };
    const outgoing = send(url, {
      method: request.method,
      headers: { ...request.headers, ...(body ? { 'content-length': body.length } : {}) },
      // A fresh connection per exchange: a pooled socket the upstream already closed would fail a
      // request that was never sent in a way indistinguishable from one that was.
      agent: false,
    });
    const connectTimer = setTimeout(() => {
      if (connected) return;
      finish({ error: new RequestNotSent(`no connection within ${request.connectTimeoutMs} ms`) });
      outgoing.destroy();
    }, request.connectTimeoutMs);
    const wholeTimer = setTimeout(() => {
      finish({ error: failure(`no answer within ${request.timeoutMs} ms`) });
      outgoing.destroy();
    }, request.timeoutMs);
    outgoing.on('socket', (socket) => {
      socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
        connected = true;
      });
    });
    outgoing.on('finish', () => {
      written = true;
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      finish({ error: failure(`${error.code ?? error.name}: ${error.message}`, error.code) });
    });
    outgoing.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) {
          finish({ error: new UpstreamNoAnswer('the answer is larger than 1 MiB') });
          response.destroy();
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => {
        finish({ ok: { status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') } });
      });
      response.on('error', (error) => {
        finish({ error: new UpstreamNoAnswer(`the answer broke off: ${error.message}`) });
      });
      response.on('aborted', () => {
        finish({ error: new UpstreamNoAnswer('the answer broke off') });
      });
    });
    outgoing.end(body);
  });
}

/** Parses an answer's JSON body; undefined when it is not JSON (an unparsable answer: unknown). */
export function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
