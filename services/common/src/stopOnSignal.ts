import type { Logger } from 'pino';

/**
 * The clean stop of a node process: on the first SIGINT or SIGTERM, `stop()` (which makes the
 * block or batch in progress durable), then exit 0, or 1 if stopping failed. Later signals are
 * ignored so a second Ctrl-C cannot cut the stop short.
 */
export function stopOnSignal(running: { stop(): Promise<void> }, log: Logger): void {
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}
