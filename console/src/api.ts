/**
 * The console's only way to the service: the public HTTP API, with the key kept in sessionStorage
 * (gone when the tab closes; never put in a URL, never logged). Errors keep the API's own words.
 */

const KEY = 'intake.apiKey';

export const session = {
  key: (): string | null => sessionStorage.getItem(KEY),
  signIn: (key: string) => sessionStorage.setItem(KEY, key),
  signOut: () => sessionStorage.removeItem(KEY),
};

export interface Problem {
  pointer: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Problem[] = [],
  ) {
    super(message);
  }
}

/** Called when the API answers 401: the key is gone or revoked. */
let onUnauthorized: () => void = () => undefined;
export const whenUnauthorized = (handler: () => void) => {
  onUnauthorized = handler;
};

export async function api<T>(method: string, path: string, body?: unknown, key = session.key()): Promise<T> {
  const headers: Record<string, string> = {};
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'The service did not answer; check your connection and try again');
  }
  const text = await response.text();
  const data = text === '' ? null : (JSON.parse(text) as unknown);
  if (!response.ok) {
    const error = (data as { error?: { code?: string; message?: string; details?: Problem[] } } | null)
      ?.error;
    if (response.status === 401) onUnauthorized();
    throw new ApiError(
      response.status,
      error?.code ?? `http_${response.status}`,
      error?.message ?? `The service answered ${response.status}`,
      error?.details ?? [],
    );
  }
  return data as T;
}

export const query = (params: Record<string, string | number | undefined>): string => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined) search.set(name, String(value));
  return search.toString();
};
