import { Counter, type Registry } from 'prom-client';

/**
 * Rows of the API call log this process lost (core/api-call-log.ts): its buffer was full, or a
 * batch could not be written (the database was down). Read from the log at each scrape.
 */
export function installApiCallLogMetrics(registry: Registry, dropped: () => number): void {
  new Counter({
    name: 'holdfast_api_call_log_dropped_total',
    help: 'API call log rows dropped: buffer full or database unavailable (the calls themselves were answered)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(dropped());
    },
  });
}
