/**
 * CDK app entry (cdk.json runs `npx tsx bin/app.ts`). Synthesizes without credentials: the stack is
 * environment-agnostic unless the CLI supplies CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IntakeStack } from '../lib/intake-stack.js';

const app = new App();

new IntakeStack(app, 'Intake', {
  description: 'Intake: serverless bulk import of people records',
  env: {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: process.env.CDK_DEFAULT_REGION,
  },
});

// cdk-nag v3 runs as a CDK policy-validation plugin: any unacknowledged finding fails synthesis.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
