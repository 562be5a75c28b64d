// The order Lanyard keeps arrays of text in: by code point, which is how UTF-8 bytes and PostgreSQL's "C"
// collation order strings (UTF-16 units would not), so equal content is equal jsonb whatever order Graph sent.

export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const left = [...a];
  const right = [...b];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const diff = left[i]!.codePointAt(0)! - right[i]!.codePointAt(0)!;
    if (diff !== 0) return diff;
  }
  return left.length - right.length;
}
