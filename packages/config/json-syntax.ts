/** Where a JSON text stops being JSON, and what should have been there. */
export interface JsonSyntaxError {
  line: number;
  column: number;
  expected: string;
  /** The offending character as JSON, or `the end of the text`. */
  found: string;
}

/**
 * The first syntax error of a JSON text, or undefined when it is valid JSON. Node's own
 * messages carry a position only in some versions, so this small scanner finds it the same
 * way everywhere.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  try {
    new Scanner(text).document();
    return undefined;
  } catch (error) {
    if (error instanceof SyntaxStop) return describeStop(text, error);
    throw error;
  }
}

class SyntaxStop {
  constructor(
    readonly offset: number,
    readonly expected: string,
  ) {}
}

function describeStop(text: string, stop: SyntaxStop): JsonSyntaxError {
  const before = text.slice(0, stop.offset);
  const line = before.split('\n').length;
  const column = stop.offset - before.lastIndexOf('\n');
  const found = stop.offset < text.length ? JSON.stringify(text[stop.offset]) : 'the end of the text';
  return { line, column, expected: stop.expected, found };
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

class Scanner {
  private offset = 0;

  constructor(private readonly text: string) {}

  document(): void {
    this.value();
    this.skipWhitespace();
    if (this.offset < this.text.length) this.stop('the end of the document');
  }

  private value(): void {
    this.skipWhitespace();
    const char = this.text[this.offset];
    if (char === '{') return this.members('}', () => this.member());
    if (char === '[') return this.members(']', () => this.value());
    if (char === '"') return this.string();
    for (const literal of ['true', 'false', 'null']) {
      if (this.text.startsWith(literal, this.offset)) {
        this.offset += literal.length;
        return;
      }
    }
    if (!this.sticky(NUMBER)) this.stop('a value');
  }

  /** The inside of an object or array, from its opening bracket to `close`. */
  private members(close: '}' | ']', member: () => void): void {
    this.offset += 1;
    this.skipWhitespace();
    if (this.text[this.offset] === close) {
      this.offset += 1;
      return;
    }
    for (;;) {
      member();
      this.skipWhitespace();
      const char = this.text[this.offset];
      if (char !== ',' && char !== close) this.stop(`"," or "${close}"`);
      this.offset += 1;
      if (char === close) return;
    }
  }

  private member(): void {
    this.skipWhitespace();
    if (this.text[this.offset] !== '"') this.stop('a "quoted" key');
    this.string();
    this.skipWhitespace();
    if (this.text[this.offset] !== ':') this.stop('":"');
    this.offset += 1;
    this.value();
  }

  private string(): void {
    this.offset += 1;
    for (;;) {
      const char = this.text[this.offset];
      if (char === undefined) this.stop('a closing quote');
      if (char === '"') {
        this.offset += 1;
        return;
      }
      if (char === '\\') {
        if (!this.sticky(ESCAPE)) this.stop('an escape like \\n, \\" or \\u0041');
      } else if (char < ' ') {
        this.stop('no control character inside a string (write \\n or \\t)');
      } else {
        this.offset += 1;
      }
    }
  }

  /** Consumes `pattern` at the current offset, if it matches there. */
  private sticky(pattern: RegExp): boolean {
    pattern.lastIndex = this.offset;
    if (!pattern.test(this.text)) return false;
    this.offset = pattern.lastIndex;
    return true;
  }

  private skipWhitespace(): void {
    while (' \t\n\r'.includes(this.text[this.offset] ?? '-')) this.offset += 1;
  }

  private stop(expected: string): never {
    throw new SyntaxStop(this.offset, expected);
  }
}
