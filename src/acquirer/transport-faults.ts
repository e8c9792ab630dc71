/**
 * The transport side of injected faults, done to the HTTP exchange itself: holding a request
 * with no answer until the client gives up, resetting the connection, answering 503.
 */
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Requests held with no answer; released (their sockets destroyed) when the simulator closes. */
export class HeldRequests {
  private readonly sockets = new Set<Socket>();

  /** Never answer: Fastify lets go of the reply, and the socket stays open until the client closes it. */
  hold(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    reply.hijack();
    const socket = request.raw.socket;
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    return reply;
  }

  get size(): number {
    return this.sockets.size;
  }

  releaseAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}

/** Drop the connection with a TCP reset (RST), as a crashing upstream or middlebox does. */
export function resetConnection(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.hijack();
  const socket = request.raw.socket;
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
  return reply;
}

/** The upstream is "unavailable": a 503 with nothing done. */
export function answerUnavailable(reply: FastifyReply): FastifyReply {
  return reply.status(503).send({ code: 'SERVICE_UNAVAILABLE', message: 'The acquirer is temporarily unavailable' });
}
