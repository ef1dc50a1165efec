// The access-log plugin's two ways to write a request's record: when the
// response is about to be sent, or earlier, as soon as a resolver says the
// record is complete (PrivqlContext.recordComplete). Either way nothing is
// released before the write is seen to succeed, and what is met after an
// early write (a deadline's refusal) is still written.

import type { ApolloServerPlugin } from '@apollo/server';
import { AccessRecorder } from '../audit/accessRecorder';
import type { AccessContext, AccessLog } from '../audit/accessLogWriter';
import type { Decision } from '../policy/vocabulary';
import { accessLogPlugin } from './accessLogPlugin';
import type { PrivqlContext } from './context';

const CLEAR = { action: 'CLEAR' } as unknown as Decision;

interface Write {
  kind: 'request' | 'denied';
  sealed?: boolean;
  subjects?: string[];
  detail?: Record<string, unknown>;
}

/** A log that notes each write and settles as told. */
function notingLog(outcome: () => Promise<void> = async () => undefined) {
  const writes: Write[] = [];
  const log: AccessLog = {
    writeRequest(_ctx: AccessContext, recorder: AccessRecorder, onSent?: () => void) {
      writes.push({ kind: 'request', sealed: recorder.sealed, subjects: recorder.subjectIds });
      onSent?.();
      return outcome();
    },
    async writeDenied(_ctx: AccessContext, detail: Record<string, unknown>) {
      writes.push({ kind: 'denied', detail });
    },
  };
  return { log, writes };
}

function requestContext(): PrivqlContext {
  return {
    requestId: '00000000-0000-4000-8000-00000000000a',
    caller: { sub: 'agent-1', role: 'AGENT', app: 'crm-console', purpose: 'CUSTOMER_SERVICE', view: null },
    recorder: new AccessRecorder(),
  } as unknown as PrivqlContext;
}

function response(data: unknown = { customers: [] }) {
  return { body: { kind: 'single' as const, singleResult: { data } as Record<string, unknown> }, http: { status: undefined as number | undefined } };
}

async function startRequest(plugin: ApolloServerPlugin<PrivqlContext>, ctx: PrivqlContext) {
  const hooks = await plugin.requestDidStart!({ contextValue: ctx } as never);
  return async (res: ReturnType<typeof response>) => {
    await hooks!.willSendResponse!({ contextValue: ctx, response: res } as never);
    return res;
  };
}

const readOne = (ctx: PrivqlContext, id = 'c1') => ctx.recorder.fieldUse('Customer.email', [CLEAR, CLEAR]).note(0, id);

/** A request that read one customer, whose resolver then said its record is complete. */
async function writtenEarly(outcome?: () => Promise<void>, onWriteFailure?: (err: unknown) => void) {
  const { log, writes } = notingLog(outcome);
  const ctx = requestContext();
  const send = await startRequest(accessLogPlugin({ accessLog: log, onWriteFailure }), ctx);
  readOne(ctx);
  await ctx.recordComplete!();
  return { ctx, send, writes };
}

test('a complete record is written once, when the resolver says so, sealed; the answer then goes out as it was', async () => {
  const { ctx, send, writes } = await writtenEarly();
  expect(writes).toEqual([{ kind: 'request', sealed: true, subjects: ['c1'] }]);
  await ctx.recordComplete!();
  const res = await send(response());
  expect(writes).toHaveLength(1);
  expect(res.http.status).toBeUndefined();
  expect(res.body.singleResult).toMatchObject({ data: { customers: [] }, extensions: { requestId: ctx.requestId } });
});

test('a refusal met after the early write (a deadline that passed) is written in a record of its own', async () => {
  const { ctx, send, writes } = await writtenEarly();
  ctx.recorder.denied.push({ path: '', code: 'REQUEST_TIMEOUT' });
  await send(response());
  expect(writes).toEqual([
    { kind: 'request', sealed: true, subjects: ['c1'] },
    { kind: 'denied', detail: { code: 'REQUEST_TIMEOUT', denied: [{ path: '', code: 'REQUEST_TIMEOUT' }] } },
  ]);
});

test('an early write that fails: the answer is replaced by 503 AUDIT_UNAVAILABLE, with no data', async () => {
  const failures: unknown[] = [];
  const { ctx, send } = await writtenEarly(() => Promise.reject(new Error('log table locked')), (err) => failures.push(err));
  const res = await send(response({ customers: [{ email: 'ada@example.com' }] }));
  expect(res.http.status).toBe(503);
  expect(res.body.singleResult).toEqual({ errors: [expect.objectContaining({ extensions: { code: 'AUDIT_UNAVAILABLE' } })], extensions: { requestId: ctx.requestId } });
  expect(JSON.stringify(res.body)).not.toContain('ada@example.com');
  expect(failures).toHaveLength(1);
});

test('nothing read yet: no early write; the record is written when the response is', async () => {
  const { log, writes } = notingLog();
  const ctx = requestContext();
  const send = await startRequest(accessLogPlugin({ accessLog: log }), ctx);
  await ctx.recordComplete!();
  expect(writes).toEqual([]);
  readOne(ctx, 'c7');
  await send(response());
  expect(writes).toEqual([{ kind: 'request', sealed: false, subjects: ['c7'] }]);
});

test('the resolver waits only until the record has been handed to the database, not for its commit', async () => {
  let commit!: () => void;
  const { send } = await writtenEarly(() => new Promise<void>((resolve) => (commit = resolve)));
  // The response itself waits for the commit (held here, without HTTP).
  let sent = false;
  const sending = send(response()).then(() => (sent = true));
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(sent).toBe(false);
  commit();
  await sending;
  expect(sent).toBe(true);
});
