// Commits a request's access records in one INSERT. The caller awaits it
// before the response is released: if this throws, no customer data leaves.

import type { Knex } from 'knex';
import type { AccessRecorder } from './accessRecorder';

export interface AccessContext {
  requestId: string;
  app: string;
  principal: string;
  role: string;
  purpose: string | null;
  view: string | null;
}

export class AccessLogWriter {
  constructor(private readonly db: Knex) {}

  async writeReads(ctx: AccessContext, recorder: AccessRecorder): Promise<number> {
    const rows = recorder.subjects().map(({ subjectId, fields }) => ({
      request_id: ctx.requestId,
      app: ctx.app,
      principal: ctx.principal,
      role: ctx.role,
      purpose: ctx.purpose,
      view: ctx.view,
      subject_id: subjectId,
      outcome: 'READ',
      fields: JSON.stringify(fields),
    }));
    if (rows.length === 0) return 0;
    await this.db('access_log').insert(rows);
    return rows.length;
  }
}
