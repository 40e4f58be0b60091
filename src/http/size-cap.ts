import type { Dispatcher } from 'undici';

/** Thrown when a vendor body is larger than the source's `maxResponseBytes`. */
export class ResponseTooLarge extends Error {
  readonly code = 'STAFFGRAPH_RESPONSE_TOO_LARGE';
  constructor(readonly limitBytes: number) {
    super(`vendor response larger than ${limitBytes} bytes`);
  }
}

/**
 * Reads a response body as UTF-8 text, at most `maxBytes`. A declared Content-Length over the
 * cap is refused before a byte is read; an undeclared (chunked) body is counted as it arrives and
 * the socket is destroyed as soon as it passes the cap, so a 50 MiB answer never reaches memory
 * (it used to be parsed whole: RSS 94 → 482 MB).
 */
export async function readCapped(res: Dispatcher.ResponseData, maxBytes: number): Promise<string> {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    discard(res.body);
    throw new ResponseTooLarge(maxBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      discard(res.body);
      throw new ResponseTooLarge(maxBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

/** Drops the rest of a body and its socket; undici then emits an abort error nobody needs to hear. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}
