import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the scripted server does with one request. */
export type Step = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface ScriptedServer {
  url: string;
  /** Every request received: method, path, headers, and when (epoch ms). */
  seen: Array<{ method: string; path: string; headers: http.IncomingHttpHeaders; at: number }>;
  /** Steps for the next requests, in order; once they run out, `fallback` answers. */
  script(...steps: Step[]): void;
  /** Forgets steps a test scripted but did not use, and the requests seen. */
  clear(): void;
  close(): Promise<void>;
}

export const reply = (status: number, body: unknown = { ok: true }, headers: Record<string, string> = {}): Step => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

/** Destroys the socket without an answer (a reset as the client sees it). */
export const reset: Step = (req) => req.socket.destroy();

/** Never answers (until the client gives up and closes the socket). */
export const hang: Step = () => undefined;

/**
 * A real HTTP server on 127.0.0.1 and a free port, answering each request with the next scripted
 * step (undici's own test style: scripted per-call behaviour against a live socket).
 */
export async function startScriptedServer(fallback: Step = reply(200)): Promise<ScriptedServer> {
  const steps: Step[] = [];
  const seen: ScriptedServer['seen'] = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, at: Date.now() });
    req.resume();
    req.on('end', () => (steps.shift() ?? fallback)(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    script: (...more) => void steps.push(...more),
    clear: () => {
      steps.length = 0;
      seen.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
