import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoTenantStore } from '../functions/adapters/dynamo-tenant.store.js';
import { grantApiKey } from '../functions/core/tenants.js';
import { tables } from '../functions/resources.js';

// This machine may run Node 20 (package.json engines) while Lambda runs 22: the SDK's notice about it is noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = `Usage: npm run keys -- create --tenant ID [--name NAME]

Creates the tenant if it does not exist and prints a new API key for it (store it: it is shown once).
Targets the deployed tables when ${tables.jobs.env} is set (with your AWS credentials), otherwise the
local runtime started by \`npm start\` (read from .local/runtime.json, or INTAKE_STATE_FILE).`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { tenant: { type: 'string' }, name: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
});

if (values.help || positionals[0] !== 'create' || !values.tenant) {
  console.error(USAGE);
  process.exit(values.help ? 0 : 2);
}

if (!process.env[tables.jobs.env]) {
  const stateFile = resolve(process.env.INTAKE_STATE_FILE ?? '.local/runtime.json');
  if (!existsSync(stateFile)) {
    console.error(
      `${tables.jobs.env} is not set and ${stateFile} does not exist: start Intake with \`npm start\` first.`,
    );
    process.exit(1);
  }
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { env: Record<string, string> };
  for (const [name, value] of Object.entries(state.env)) process.env[name] ??= value;
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
}

const store = new DynamoTenantStore(
  DynamoDBDocumentClient.from(new DynamoDBClient({})),
  process.env[tables.jobs.env] as string,
);
try {
  const key = await grantApiKey(
    store,
    { id: values.tenant, name: values.name ?? values.tenant },
    new Date().toISOString(),
  );
  console.log(key);
} catch (error) {
  console.error(`Could not create a key: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
