/**
 * The CSV reader's byte layer: bytes in, text out, one piece at a time (never the whole file), with
 * the byte offset and line of whatever cannot be decoded.
 *
 * - The first 16 bytes are held until the encoding is settled. A BOM settles it, whatever encoding
 *   was given: UTF-8 (`EF BB BF`), UTF-16LE (`FF FE`), UTF-16BE (`FE FF`); the BOM is dropped.
 * - Without a BOM, the given encoding is used (a WHATWG label, see core/encodings.ts), UTF-8 when
 *   none is given. Reading UTF-8, first bytes that look like UTF-16 (half their byte pairs holding
 *   one NUL) are `utf16_not_supported`: UTF-16 without a BOM is read only when named.
 * - Decoding is fatal: bytes that do not decode refuse the file, never a U+FFFD in a cell. UTF-8
 *   (the common case, kept lean) is decoded by its own class, which finds the exact offset of a bad
 *   byte (`invalid_utf8`); other encodings report the 64 KiB piece that holds it
 *   (`invalid_encoding`).
 */
import { canonicalEncoding, DEFAULT_ENCODING } from '../../core/encodings.js';
import { CsvFileError } from '../../core/errors.js';

/** Bytes held before deciding the encoding. */
const SNIFF_BYTES = 16;
const EMPTY_BYTES = new Uint8Array(0);

/** One piece of bytes at a time into text, carrying a character split across pieces. */
interface PieceDecoder {
  readonly encoding: string;
  decode(bytes: Uint8Array): string;
  /** The end of the file; `before` is text decoded but not yet handed on (for an error's line). */
  end(before: string): string;
}

/** The line at the end of `prefix`, counted on from the text handed on so far. */
type LineAfter = (prefix: string) => number;

/** Bytes → text for the CSV reader: size limit, BOM and encoding, then fatal streaming decoding. */
export class TextInput {
  private head: Uint8Array[] | undefined = [];
  private headLength = 0;
  private received = 0;
  private decoder: PieceDecoder | undefined;
  /** The canonical name of the encoding given, or undefined for the default (UTF-8). */
  private readonly given: string | undefined;

  constructor(
    private readonly maxFileBytes: number,
    encoding: string | undefined,
    private readonly lineAfter: LineAfter,
  ) {
    if (encoding === undefined) return;
    const name = canonicalEncoding(encoding);
    if (name === null) {
      throw new CsvFileError('unknown_encoding', `${JSON.stringify(encoding)} is not a known encoding`);
    }
    this.given = name;
  }

  /** The encoding in use, once the first bytes are read (undefined before). */
  get encoding(): string | undefined {
    return this.decoder?.encoding;
  }

  push(bytes: Uint8Array): string {
    this.received += bytes.length;
    if (this.received > this.maxFileBytes) {
      throw new CsvFileError('file_too_large', `The file is larger than ${this.maxFileBytes} bytes`, {
        byteOffset: this.maxFileBytes,
      });
    }
    if (this.decoder !== undefined) return this.decoder.decode(bytes);
    this.head?.push(bytes);
    this.headLength += bytes.length;
    return this.headLength < SNIFF_BYTES ? '' : this.decodeHead();
  }

  end(): string {
    const text = this.decoder === undefined ? this.decodeHead() : '';
    return text + (this.decoder as PieceDecoder).end(text);
  }

  private decodeHead(): string {
    const head = concat(this.head ?? []);
    this.head = undefined;
    const [a, b, c] = head;
    let bom = 0;
    let encoding = this.given ?? DEFAULT_ENCODING;
    if (a === 0xef && b === 0xbb && c === 0xbf) [bom, encoding] = [3, 'utf-8'];
    else if (a === 0xff && b === 0xfe) [bom, encoding] = [2, 'utf-16le'];
    else if (a === 0xfe && b === 0xff) [bom, encoding] = [2, 'utf-16be'];
    else if (encoding === 'utf-8' && looksLikeUtf16(head)) {
      throw new CsvFileError(
        'utf16_not_supported',
        'The file looks like UTF-16 without a byte order mark; create the import with "encoding": "utf-16le" (or "utf-16be"), or save the file as UTF-8',
        { byteOffset: 0 },
      );
    }
    this.decoder =
      encoding === 'utf-8'
        ? new Utf8Decoder(bom, this.lineAfter)
        : new OtherDecoder(encoding, bom, this.lineAfter);
    return this.decoder.decode(head.subarray(bom));
  }
}

/**
 * Fatal, streaming UTF-8 decoding with byte offsets: each piece is decoded as it comes, the decoder
 * carrying a character split across pieces. On a bad byte, finds it (and its line, through
 * `lineAfter`) for the error.
 */
class Utf8Decoder implements PieceDecoder {
  readonly encoding = 'utf-8';
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  /** The bytes of an incomplete character the decoder holds. */
  private pending: Uint8Array = EMPTY_BYTES;

  constructor(
    /** Offset in the file of the next byte given to the decoder. */
    private decoded: number,
    private readonly lineAfter: LineAfter,
  ) {}

  decode(bytes: Uint8Array): string {
    let text: string;
    try {
      text = this.decoder.decode(bytes, { stream: true });
    } catch {
      throw this.invalid(concat([this.pending, bytes]));
    }
    this.pending = incompleteTail(this.pending, bytes);
    this.decoded += bytes.length;
    return text;
  }

  end(before: string): string {
    try {
      return this.decoder.decode();
    } catch {
      throw this.invalid(this.pending, before);
    }
  }

  /**
   * `bytes` starts with the pending bytes and holds the bad one; `before` is text decoded but not
   * yet handed on.
   */
  private invalid(bytes: Uint8Array, before = ''): CsvFileError {
    const found = firstInvalidUtf8(bytes);
    const at = found === -1 ? 0 : found;
    const offset = this.decoded - this.pending.length + at;
    const line = this.lineAfter(before + new TextDecoder('utf-8').decode(bytes.subarray(0, at)));
    return new CsvFileError(
      'invalid_utf8',
      `The file is not valid UTF-8: the byte at offset ${offset} (line ${line}) cannot be decoded. ` +
        'It is most likely a Windows "CSV" export from Excel: create the import with "encoding": "windows-1252", ' +
        'or save the file from Excel as "CSV UTF-8"',
      { line, byteOffset: offset },
    );
  }
}

/** Fatal, streaming decoding of any other encoding the platform knows; errors name the piece. */
class OtherDecoder implements PieceDecoder {
  private readonly decoder: InstanceType<typeof TextDecoder>;

  constructor(
    readonly encoding: string,
    /** Offset in the file of the next byte given to the decoder. */
    private decoded: number,
    private readonly lineAfter: LineAfter,
  ) {
    this.decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
  }

  decode(bytes: Uint8Array): string {
    let text: string;
    try {
      text = this.decoder.decode(bytes, { stream: true });
    } catch {
      const where = `a byte between offsets ${this.decoded} and ${this.decoded + bytes.length - 1}`;
      throw this.invalid(where, '');
    }
    this.decoded += bytes.length;
    return text;
  }

  end(before: string): string {
    try {
      return this.decoder.decode();
    } catch {
      throw this.invalid('the last character, cut short at the end of the file,', before);
    }
  }

  private invalid(where: string, before: string): CsvFileError {
    const line = this.lineAfter(before);
    return new CsvFileError(
      'invalid_encoding',
      `The file is not valid ${this.encoding}: ${where} (from line ${line}) cannot be decoded; check the "encoding" given at creation`,
      { line, byteOffset: this.decoded },
    );
  }
}

/** At least half the byte pairs of the head with one NUL (UTF-16 text without a BOM). */
function looksLikeUtf16(head: Uint8Array): boolean {
  const pairs = Math.floor(Math.min(head.length, SNIFF_BYTES) / 2);
  if (pairs < 2) return false;
  let little = 0;
  let big = 0;
  for (let p = 0; p < pairs; p++) {
    const first = head[2 * p];
    const second = head[2 * p + 1];
    if (first !== 0 && second === 0) little++;
    else if (first === 0 && second !== 0) big++;
  }
  return little * 2 >= pairs || big * 2 >= pairs;
}

/** The bytes of a character left incomplete at the end of `pending + bytes` (both decoded fine). */
function incompleteTail(pending: Uint8Array, bytes: Uint8Array): Uint8Array {
  const joined = bytes.length >= 3 ? bytes : concat([pending, bytes]);
  const tail = joined.subarray(Math.max(0, joined.length - 3));
  for (let k = 1; k <= tail.length; k++) {
    const byte = tail[tail.length - k] ?? 0;
    if ((byte & 0xc0) === 0x80) continue;
    if (byte < 0xc0) return EMPTY_BYTES;
    const size = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    return size > k ? tail.slice(tail.length - k) : EMPTY_BYTES;
  }
  return EMPTY_BYTES;
}

/** The index of the first byte of the first invalid sequence, or -1 (an incomplete end is not invalid). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] ?? 0;
    if (lead < 0x80) {
      i++;
      continue;
    }
    let size: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) size = 2;
    else if (lead >= 0xe0 && lead <= 0xef) size = 3;
    else if (lead >= 0xf0 && lead <= 0xf4) size = 4;
    else return i;
    if (lead === 0xe0) low = 0xa0;
    else if (lead === 0xed) high = 0x9f;
    else if (lead === 0xf0) low = 0x90;
    else if (lead === 0xf4) high = 0x8f;
    for (let k = 1; k < size; k++) {
      if (i + k >= bytes.length) return -1;
      const next = bytes[i + k] ?? 0;
      if (next < low || next > high) return i;
      low = 0x80;
      high = 0xbf;
    }
    i += size;
  }
  return -1;
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1 && parts[0] !== undefined) return parts[0];
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
