import type { Command } from 'commander';
import { workspaceFrom } from './config.js';
import type { Context, runner } from './context.js';
import { UsageError } from './errors.js';

/** `intake people find`: the person holding an email or external id in a workspace. */

interface PersonView {
  id: string;
  email: string | null;
  external_id: string | null;
  first_name: string | null;
  last_name: string | null;
  attributes: Record<string, unknown>;
  updated_in_db_at?: string | null;
  version: number;
}

export function registerPeople(program: Command, run: ReturnType<typeof runner>): void {
  const people = program.command('people').description('people of a workspace');
  people
    .command('find')
    .description('the person holding an email or external id')
    .option('-w, --workspace <workspace>', 'the workspace (default: INTAKE_WORKSPACE)')
    .option('--email <email>', 'their email')
    .option('--external-id <id>', 'their external id')
    .action(run(findPerson));
}

async function findPerson(
  ctx: Context,
  flags: { workspace?: string; email?: string; externalId?: string },
): Promise<number> {
  if ((flags.email === undefined) === (flags.externalId === undefined))
    throw new UsageError('give one of --email or --external-id');
  const workspace = workspaceFrom(flags.workspace, ctx.env);
  const page = await ctx.client.get<{ people: PersonView[] }>('/v1/people', {
    workspace,
    email: flags.email,
    external_id: flags.externalId,
  });
  if (ctx.out.json) {
    ctx.out.document({ people: page.people });
    return 0;
  }
  if (page.people.length === 0) {
    ctx.out.line(`No one in ${workspace} holds ${flags.email ?? flags.externalId}.`);
    return 0;
  }
  ctx.out.table(
    ['id', 'email', 'external id', 'name', 'attributes', 'version'],
    page.people.map((p) => [
      p.id,
      p.email,
      p.external_id,
      [p.first_name, p.last_name].filter(Boolean).join(' '),
      JSON.stringify(p.attributes),
      p.version,
    ]),
  );
  return 0;
}
