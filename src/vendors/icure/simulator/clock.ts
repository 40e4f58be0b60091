/**
 * The simulator's clock: real time plus an offset that tests move forward (POST /__sim/clock)
 * to pass a token's expiry without waiting. Everything time-based in the simulator reads it.
 */
export class SimClock {
  offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
}
