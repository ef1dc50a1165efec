// Requests Node's HTTP parser rejects (a header with a line break in it, a
// malformed request line, oversized headers) never reach express. By default
// Node answers them with a bare 400 and no body; privql answers in the same
// coded JSON shape as every other refusal, so a client always finds a code.

import type { Socket } from 'node:net';

const BODY = JSON.stringify({ errors: [{ message: 'the HTTP request is malformed', extensions: { code: 'BAD_REQUEST' } }] });
const TOO_LARGE = JSON.stringify({ errors: [{ message: 'the request headers are too large', extensions: { code: 'BAD_REQUEST' } }] });
const TOO_SLOW = JSON.stringify({ errors: [{ message: 'the request did not arrive in time', extensions: { code: 'BAD_REQUEST' } }] });

export function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  // Slow clients are cut off by the server's headers and request timeouts (limits/httpBounds.ts).
  const [status, body] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? ['431 Request Header Fields Too Large', TOO_LARGE]
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? ['408 Request Timeout', TOO_SLOW]
        : ['400 Bad Request', BODY];
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nCache-Control: no-store\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
