/** Who made a request and why: the part every access-log record starts with. */
export interface AccessContext {
  requestId: string;
  /** Null when the request was refused before its token could be trusted. */
  app: string | null;
  principal: string | null;
  role: string | null;
  purpose: string | null;
  view: string | null;
}
