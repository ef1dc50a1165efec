/** Who made a request and why: the part every access-log record starts with. */
export interface AccessContext {
  requestId: string;
  /** Null when the request was refused before its token could be trusted. */
  app: string | null;
  principal: string | null;
  role: string | null;
  purpose: string | null;
  view: string | null;
  /** The client's own X-Request-Id (well-formed only): kept in the record's detail, the request_id column stays the server's. */
  clientRequestId?: string;
}

/** A record's detail with the client's request id added, when the client sent one. */
export function detailOf(ctx: AccessContext, detail: Record<string, unknown>): Record<string, unknown> {
  return ctx.clientRequestId ? { ...detail, clientRequestId: ctx.clientRequestId } : detail;
}
