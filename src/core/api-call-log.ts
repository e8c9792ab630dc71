import type { Db } from '../store/db.js';
import { writeApiCalls, type ApiCallRow } from '../store/api-calls-repository.js';

export interface ApiCallLogOptions {
  /** Rows per INSERT, and the buffer size that starts a flush at once (Default: 500). */
  batchRows?: number;
  /** How long a row may wait in the buffer before it is written (Default: 250 ms). */
  flushMs?: number;
  /** Rows held at most while the database is slow or down; past it new rows are dropped and counted (Default: 10,000). */
  maxBuffered?: number;
  /** Told of each batch that could not be written (its rows are dropped and counted). */
  onWriteError?: (error: unknown, rows: number) => void;
}

/**
 * The API call log's writer: calls are buffered in memory and written as one INSERT per batch,
 * every `flushMs` or at `batchRows` rows, so a request pays a push onto an array and no statement.
 * The buffer is bounded: when the database is down the rows that do not fit, and the rows of a
 * batch that fails, are dropped and counted in `dropped`; recording never throws and never waits.
 */
export class ApiCallLog {
  private buffer: ApiCallRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** The flush queued behind the one running, which every caller until it starts shares. */
  private queued: Promise<void> | undefined;
  private running: Promise<void> = Promise.resolve();
  private readonly batchRows: number;
  private readonly flushMs: number;
  private readonly maxBuffered: number;
  /** Rows lost: buffer full, or their batch failed to write. */
  dropped = 0;

  constructor(
    private readonly db: Db,
    private readonly options: ApiCallLogOptions = {},
  ) {
    this.batchRows = options.batchRows ?? 500;
    this.flushMs = options.flushMs ?? 250;
    this.maxBuffered = options.maxBuffered ?? 10_000;
  }

  record(row: ApiCallRow): void {
    if (this.buffer.length >= this.maxBuffered) {
      this.dropped++;
      return;
    }
    this.buffer.push(row);
    if (this.buffer.length >= this.batchRows) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.flushMs);
      this.timer.unref();
    }
  }

  /** Writes every row buffered so far; resolves once they are stored (or dropped, if the database failed). Never rejects. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (!this.queued) {
      const next = this.running.then(() => {
        this.queued = undefined;
        return this.writeAll();
      });
      this.queued = next;
      this.running = next;
    }
    return this.queued;
  }

  private async writeAll(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.batchRows);
      try {
        await writeApiCalls(this.db, batch);
      } catch (error) {
        this.dropped += batch.length;
        this.options.onWriteError?.(error, batch.length);
      }
    }
  }
}
