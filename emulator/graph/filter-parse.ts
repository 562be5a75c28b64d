// Tokeniser and recursive-descent parser for the OData `$filter` subset Graph's directory understands:
// comparisons, startsWith-style functions, `and`/`or`/`not`, parentheses and `collection/any(x: …)`.
import { graphErrors } from './errors.ts';

export type Literal =
  | { type: 'string'; value: string }
  | { type: 'bool'; value: boolean }
  | { type: 'null' }
  /** Unquoted: numbers, DateTimeOffsets, GUIDs. */
  | { type: 'raw'; value: string };

export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; expr: FilterNode }
  | { kind: 'cmp'; property: string; op: string; value: Literal }
  /** `property in (v1, v2, …)`: Graph counts each value as one clause of an `or` (known issue 13635). */
  | { kind: 'in'; property: string; values: Literal[] }
  | { kind: 'fn'; name: string; property: string; value: Literal }
  | { kind: 'any'; quantifier: 'any' | 'all'; collection: string; variable: string; body: FilterNode };

type Token = { t: '(' | ')' | ',' | ':' } | { t: 'str'; v: string } | { t: 'word'; v: string };

const WORD = /[A-Za-z0-9_.\-+/$]/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t') {
      i++;
    } else if (c === '(' || c === ')' || c === ',' || c === ':') {
      tokens.push({ t: c });
      i++;
    } else if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw graphErrors.invalidFilter('unterminated string literal.');
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ t: 'str', v: value });
    } else if (WORD.test(c)) {
      const start = i;
      // A word starting with a digit is a literal and may hold ':' (DateTimeOffset).
      const literal = /[0-9]/.test(c);
      while (i < text.length && (WORD.test(text[i]!) || (literal && text[i] === ':'))) i++;
      tokens.push({ t: 'word', v: text.slice(start, i) });
    } else {
      throw graphErrors.invalidFilter(`unexpected character '${c}' at position ${i}.`);
    }
  }
  return tokens;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): FilterNode {
    const node = this.or();
    if (this.pos < this.tokens.length)
      throw graphErrors.invalidFilter('unexpected text after the expression.');
    return node;
  }

  private peekWord(word: string): boolean {
    const t = this.tokens[this.pos];
    return t?.t === 'word' && t.v.toLowerCase() === word;
  }

  private expect(t: '(' | ')' | ':' | ','): void {
    if (this.tokens[this.pos]?.t !== t) throw graphErrors.invalidFilter(`'${t}' expected.`);
    this.pos++;
  }

  private word(): string {
    const t = this.tokens[this.pos++];
    if (t?.t !== 'word') throw graphErrors.invalidFilter('a property name was expected.');
    return t.v;
  }

  private or(): FilterNode {
    let node = this.and();
    while (this.peekWord('or')) {
      this.pos++;
      node = { kind: 'or', left: node, right: this.and() };
    }
    return node;
  }

  private and(): FilterNode {
    let node = this.unary();
    while (this.peekWord('and')) {
      this.pos++;
      node = { kind: 'and', left: node, right: this.unary() };
    }
    return node;
  }

  private unary(): FilterNode {
    if (this.peekWord('not')) {
      this.pos++;
      return { kind: 'not', expr: this.unary() };
    }
    return this.primary();
  }

  private primary(): FilterNode {
    if (this.tokens[this.pos]?.t === '(') {
      this.pos++;
      const node = this.or();
      this.expect(')');
      return node;
    }
    const head = this.word();
    if (this.tokens[this.pos]?.t !== '(') {
      const op = this.word().toLowerCase();
      if (op === 'in') return { kind: 'in', property: head, values: this.literalList() };
      return { kind: 'cmp', property: head, op, value: this.literal() };
    }
    this.pos++;
    const lambda = /^(.+)\/(any|all)$/i.exec(head);
    if (lambda) {
      const variable = this.word();
      this.expect(':');
      const body = this.or();
      this.expect(')');
      const quantifier = lambda[2]!.toLowerCase() as 'any' | 'all';
      return { kind: 'any', quantifier, collection: lambda[1]!, variable, body };
    }
    const property = this.word();
    this.expect(',');
    const value = this.literal();
    this.expect(')');
    return { kind: 'fn', name: head.toLowerCase(), property, value };
  }

  private literalList(): Literal[] {
    this.expect('(');
    const values = [this.literal()];
    while (this.tokens[this.pos]?.t === ',') {
      this.pos++;
      values.push(this.literal());
    }
    this.expect(')');
    return values;
  }

  private literal(): Literal {
    const t = this.tokens[this.pos++];
    if (t?.t === 'str') return { type: 'string', value: t.v };
    if (t?.t !== 'word') throw graphErrors.invalidFilter('a value was expected.');
    const lower = t.v.toLowerCase();
    if (lower === 'true' || lower === 'false') return { type: 'bool', value: lower === 'true' };
    if (lower === 'null') return { type: 'null' };
    return { type: 'raw', value: t.v };
  }
}

export function parseFilter(text: string): FilterNode {
  return new Parser(tokenize(text)).parse();
}
