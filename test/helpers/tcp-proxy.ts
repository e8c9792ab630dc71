import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * A loopback TCP proxy to put between Holdfast and PostgreSQL, so a test can take the database
 * away from one Holdfast without touching the server others share (docs/database-faults.md):
 *
 * - `drop()` cuts every proxied connection, as a restarting server does;
 * - `refuse()` resets each new connection as soon as it arrives, as a server that is down;
 * - `blackhole()` freezes every connection and holds new ones without an answer, as a network
 *   gone silent — only timeouts notice it;
 * - `restore()` forwards again: frozen connections carry on, held ones are connected through;
 * - `cutAfterAnswer(match)` lets the next client message that matches through, then cuts its
 *   connection instead of passing the server's answer back: the server did the work (a COMMIT
 *   committed) and the client cannot know — the unknown outcome idempotency must cover;
 * - `stopListening()` closes the port itself, so connections are refused by the system
 *   (ECONNREFUSED) as when nothing runs at the address; `listenAgain()` reopens the same port.
 */
export interface TcpProxy {
  /** The loopback port to connect to instead of the target's. */
  readonly port: number;
  readonly mode: ProxyMode;
  readonly stats: ProxyStats;
  /** Cuts every open connection; returns how many. */
  drop(): number;
  refuse(): void;
  blackhole(): void;
  restore(): void;
  /** Resolves once a message matching `match` was sent through and its answer withheld (the connection cut). */
  cutAfterAnswer(match: (clientBytes: Buffer) => boolean): Promise<void>;
  /** Stops listening and cuts every open connection: new ones are refused by the system. */
  stopListening(): Promise<void>;
  /** Listens again on the same port. */
  listenAgain(): Promise<void>;
  close(): Promise<void>;
}

export type ProxyMode = 'forward' | 'refuse' | 'blackhole';

export interface ProxyStats {
  /** Connections that arrived. */
  accepted: number;
  /** Connections cut by drop(). */
  dropped: number;
  /** Connections reset on arrival while refusing. */
  refused: number;
}

/** `url` (a postgres:// URL) with its host and port replaced by the proxy's. */
export function throughProxy(url: string, proxy: Pick<TcpProxy, 'port'>): string {
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  return proxied.toString();
}

interface Pair {
  client: Socket;
  upstream: Socket | undefined;
  frozen: boolean;
  /** Set once the armed message went through: the server's next bytes are withheld and the pair cut. */
  cutOnAnswer: (() => void) | undefined;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: ProxyMode = 'forward';
  const stats: ProxyStats = { accepted: 0, dropped: 0, refused: 0 };
  const pairs = new Set<Pair>();
  let armedCut: { match: (bytes: Buffer) => boolean; done: () => void } | undefined;

  const destroy = (pair: Pair) => {
    pairs.delete(pair);
    pair.client.destroy();
    pair.upstream?.destroy();
  };

  /** Copies `from` into `to`, pausing while `to` is full or the pair is frozen; `inspect` may swallow a chunk. */
  const forward = (pair: Pair, from: Socket, to: Socket, inspect: (chunk: Buffer) => boolean) => {
    from.on('data', (chunk: Buffer) => {
      if (!inspect(chunk)) return;
      if (!to.write(chunk)) from.pause();
    });
    to.on('drain', () => {
      if (!pair.frozen) from.resume();
    });
    from.on('end', () => to.end());
  };

  /** Client to server: arms the pair's cut when the armed message passes. */
  const fromClient = (pair: Pair) => (chunk: Buffer) => {
    if (armedCut?.match(chunk)) {
      pair.cutOnAnswer = armedCut.done;
      armedCut = undefined;
    }
    return true;
  };
  /** Server to client: the answer to the armed message never arrives; the connection is cut instead. */
  const fromServer = (pair: Pair) => () => {
    const done = pair.cutOnAnswer;
    if (!done) return true;
    stats.dropped += 1;
    destroy(pair);
    done();
    return false;
  };

  const connectUpstream = (pair: Pair) => {
    const upstream = connect(target.port, target.host);
    pair.upstream = upstream;
    upstream.setNoDelay(true);
    forward(pair, pair.client, upstream, fromClient(pair));
    forward(pair, upstream, pair.client, fromServer(pair));
    upstream.on('error', () => {
      destroy(pair);
    });
    upstream.on('close', () => {
      destroy(pair);
    });
    if (!pair.frozen) pair.client.resume();
  };

  const server = createServer({ pauseOnConnect: true }, (client) => {
    stats.accepted += 1;
    if (mode === 'refuse') {
      stats.refused += 1;
      client.resetAndDestroy();
      return;
    }
    const pair: Pair = { client, upstream: undefined, frozen: mode === 'blackhole', cutOnAnswer: undefined };
    pairs.add(pair);
    client.setNoDelay(true);
    client.on('error', () => {
      destroy(pair);
    });
    client.on('close', () => {
      destroy(pair);
    });
    // While blackholed the connection is held, unanswered, until restore() connects it through.
    if (!pair.frozen) connectUpstream(pair);
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stop = () => {
    for (const pair of [...pairs]) destroy(pair);
    return new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  };
  await listen(0);
  const { port } = server.address() as AddressInfo;

  return {
    port,
    get mode() {
      return mode;
    },
    stats,
    drop() {
      const cut = pairs.size;
      for (const pair of [...pairs]) destroy(pair);
      stats.dropped += cut;
      return cut;
    },
    refuse() {
      mode = 'refuse';
    },
    blackhole() {
      mode = 'blackhole';
      for (const pair of pairs) {
        pair.frozen = true;
        pair.client.pause();
        pair.upstream?.pause();
      }
    },
    restore() {
      mode = 'forward';
      for (const pair of [...pairs]) {
        pair.frozen = false;
        if (!pair.upstream) connectUpstream(pair);
        else {
          pair.client.resume();
          pair.upstream.resume();
        }
      }
    },
    cutAfterAnswer(match) {
      return new Promise<void>((resolve) => {
        armedCut = { match, done: resolve };
      });
    },
    stopListening: stop,
    listenAgain: () => listen(port),
    close: stop,
  };
}
