import type http from 'node:http';

/**
 * The gateway's responses in flight, and the graceful drain (docs/resilience.md, SIGTERM).
 *
 * A drain keeps the server listening: an orchestrator goes on sending new connections for a few
 * seconds after it signals a pod (until its endpoints update), and those callers are better served
 * by a quick 503 they can retry elsewhere than by a refused connection. Every response written
 * while draining carries `Connection: close`, so a keep-alive client moves to another instance
 * after its current request instead of holding a socket to this one.
 */
export class Drain {
  private readonly open = new Set<http.ServerResponse>();
  private readonly idleWaiters: Array<() => void> = [];
  private drained: Promise<void> | null = null;

  get draining(): boolean {
    return this.drained !== null;
  }

  /** Counts `res` as in flight until it closes (answered, or its connection ended). */
  track(res: http.ServerResponse): void {
    this.open.add(res);
    if (this.draining) res.setHeader('connection', 'close');
    res.once('close', () => {
      this.open.delete(res);
      if (this.open.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    });
  }

  /**
   * Starts the drain (once; a second call returns the first one's promise): responses not yet
   * started get `Connection: close`, idle keep-alive sockets are closed now, the in-flight responses
   * get up to `graceMs` to finish, then the server stops listening. At `graceMs` every connection
   * still open is destroyed (its client sees the connection end; the request's upstream work is
   * cancelled by its scope). Resolves once the server is closed: at most about `graceMs` after the call.
   */
  drain(server: http.Server, graceMs: number): Promise<void> {
    this.drained ??= this.run(server, graceMs);
    return this.drained;
  }

  private async run(server: http.Server, graceMs: number): Promise<void> {
    for (const res of this.open) if (!res.headersSent) res.setHeader('connection', 'close');
    server.closeIdleConnections();
    let forced = false;
    const force = setTimeout(() => {
      forced = true;
      server.closeAllConnections();
    }, graceMs);
    try {
      if (this.open.size > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      // close() stops accepting and closes the sockets now idle; its callback waits for the rest
      // (a socket mid-request after the last response), which the grace timer ends if need be.
      // Its error (the server was already closed) means the same thing here: nothing is listening.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if (forced) server.closeAllConnections();
      await closed;
    } finally {
      clearTimeout(force);
    }
  }
}
