import { readFileSync } from 'node:fs';

/** The endpoints, names and URL the integration tests' runtime wrote (global setup sets the path). */
export interface RuntimeState {
  url: string;
  pid: number;
  env: Record<string, string>;
}

export const stateFile = (): string => {
  const file = process.env.INTAKE_STATE_FILE;
  if (!file)
    throw new Error('INTAKE_STATE_FILE is not set: run the integration tests through jest (global setup)');
  return file;
};

export const readState = (): RuntimeState => JSON.parse(readFileSync(stateFile(), 'utf8')) as RuntimeState;
