/** JSON:API, as MPDX speaks it: its media type and error objects. */

export const MPDX_MEDIA_TYPE = 'application/vnd.api+json';
export const MPDX_CONTENT_TYPE = 'application/vnd.api+json; charset=utf-8';

/** A JSON:API error object. `status` is the HTTP status as a string, as JSON:API says. */
export interface JsonApiError {
  status: string;
  code: string;
  title: string;
  detail: string;
  source?: { pointer?: string; header?: string };
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
};

export const jsonApiError = (
  status: number,
  code: string,
  detail: string,
  source?: JsonApiError['source'],
): JsonApiError => ({
  status: String(status),
  code,
  title: TITLES[status] ?? 'Error',
  detail,
  ...(source ? { source } : {}),
});

/** A JSON pointer into an item's `data`. */
export const dataPointer = (path: string) => ({ pointer: `/data${path}` });
