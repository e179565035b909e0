/**
 * A long-lived part of the core (issue 22 §3): started once, stopped once. `stop()` is called
 * only after `start()` resolved, and in the reverse order of the starts.
 */
export interface Service {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface RunningServices {
  /** Names of the started services, in start order. */
  readonly started: readonly string[];
  /** Stops every started service, the last started first; a failing stop is reported, the rest still stop. */
  stop(): Promise<void>;
}

/**
 * Starts `services` one after the other, in the order given (dependencies first). If one fails
 * to start, those already started are stopped in reverse and the error is thrown.
 */
export async function startServices(
  services: readonly Service[],
  onStopError: (service: string, err: unknown) => void,
): Promise<RunningServices> {
  const started: Service[] = [];
  const stopAll = async () => {
    for (const service of started.splice(0).reverse()) {
      try {
        await service.stop();
      } catch (err) {
        onStopError(service.name, err);
      }
    }
  };
  for (const service of services) {
    try {
      await service.start();
    } catch (err) {
      await stopAll();
      throw err;
    }
    started.push(service);
  }
  const names = started.map((s) => s.name);
  return { started: names, stop: stopAll };
}
