// Requests Node's HTTP parser rejects (a header with a line break in it, a
// malformed request line, oversized headers) never reach express. By default
// Node answers them with a bare 400 and no body; privql answers in the same
// coded JSON shape as every other refusal, so a client always finds a code.

import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';

const MALFORMED = 'the HTTP request is malformed';
const TOO_LARGE = 'the request headers are too large';
const TOO_SLOW = 'the request did not arrive in time';

export function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  // Slow clients are cut off by the server's headers and request timeouts (limits/httpBounds.ts).
  const [status, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? ['431 Request Header Fields Too Large', TOO_LARGE]
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? ['408 Request Timeout', TOO_SLOW]
        : ['400 Bad Request', MALFORMED];
  // The request never reached express, so it gets its id here (a client's own cannot be trusted from a request that did not parse).
  const requestId = randomUUID();
  const body = JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }], extensions: { requestId } });
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nCache-Control: no-store\r\nX-Request-Id: ${requestId}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
