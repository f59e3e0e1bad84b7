import type { Connection } from './config.js';
import { ApiError, type ApiProblem } from './errors.js';

/**
 * A small client of Intake's public HTTP API: JSON requests with the API key, uploads to the
 * presigned URLs the API hands out (which take no key), and downloads of result files.
 */

export type Json = Record<string, unknown>;

export class IntakeClient {
  constructor(private readonly connection: Connection) {}

  get baseUrl(): string {
    return this.connection.url;
  }

  async get<T = Json>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query))
      if (value !== undefined) params.set(name, String(value));
    const search = params.size > 0 ? `?${params}` : '';
    return this.send<T>('GET', `${path}${search}`);
  }

  async post<T = Json>(path: string, body: unknown): Promise<T> {
    return this.send<T>('POST', path, body);
  }

  /** PUTs bytes to a presigned URL (never with the API key); answers the ETag the store gave. */
  async upload(url: string, headers: Record<string, string>, bytes: Uint8Array): Promise<string> {
    const response = await reach(url, { method: 'PUT', headers, body: bytes });
    if (!response.ok) {
      const text = await response.text();
      throw new ApiError(
        response.status,
        'upload_failed',
        `the storage refused the upload: ${text.slice(0, 300)}`,
      );
    }
    return response.headers.get('etag') ?? '';
  }

  /**
   * A result file: the API answers 303 to a short-lived link, which is fetched without the key
   * (following the redirect by hand so the key never goes to the storage's host).
   */
  async download(path: string): Promise<Uint8Array> {
    const response = await reach(`${this.baseUrl}${path}`, {
      headers: this.authHeaders(),
      redirect: 'manual',
    });
    if (response.status !== 303 && response.status !== 302) throw await apiError(response);
    const location = response.headers.get('location');
    if (!location)
      throw new ApiError(response.status, 'no_location', 'the API answered a redirect without a link');
    const file = await reach(new URL(location, this.baseUrl).toString(), {});
    if (!file.ok)
      throw new ApiError(file.status, 'download_failed', `the download link answered ${file.status}`);
    return new Uint8Array(await file.arrayBuffer());
  }

  private authHeaders(): Record<string, string> {
    return { 'x-api-key': this.connection.apiKey };
  }

  private async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { ...this.authHeaders(), accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await reach(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw await apiError(response);
    return (await response.json()) as T;
  }
}

/** fetch, with a connection failure said in words (the address, and why). */
async function reach(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new ApiError(
      0,
      'unreachable',
      `cannot reach ${new URL(url).origin} (${why}); is INTAKE_URL right?`,
    );
  }
}

async function apiError(response: Response): Promise<ApiError> {
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return new ApiError(
      response.status,
      `http_${response.status}`,
      text.slice(0, 300) || response.statusText,
    );
  }
  const error = (parsed as { error?: { code?: unknown; message?: unknown; details?: unknown } }).error;
  if (error === undefined || typeof error.message !== 'string')
    return new ApiError(response.status, `http_${response.status}`, text.slice(0, 300));
  const details = Array.isArray(error.details) ? (error.details as ApiProblem[]) : [];
  return new ApiError(
    response.status,
    String(error.code ?? `http_${response.status}`),
    error.message,
    details,
  );
}
