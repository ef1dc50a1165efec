import { DEMO_APPLICATIONS } from '../../seeds/generate';

/** The demo application registered by the seeds for a role (the first, when there are several). */
export function demoAppFor(role: string): string {
  const app = DEMO_APPLICATIONS.find((a) => a.role === role);
  if (!app) throw new Error(`no demo application for role ${role}`);
  return app.id;
}
