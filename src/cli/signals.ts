// Stopping a running server: the first SIGINT or SIGTERM stops it cleanly (SyTest sends SIGINT
// and waits 30 s before SIGKILL); a second one exits at once.
import type { RunningServer } from '../setup/monolith.ts';

export function stopOnSignals(server: RunningServer): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    console.error(`dendrite: ${signal}: stopping`);
    server.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(`dendrite: error while stopping: ${(e as Error).stack ?? e}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
