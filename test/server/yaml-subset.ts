/**
 * A reader for the YAML that compose.yaml is written in (no YAML parser is installed): block maps and lists
 * by indentation, `- key: value` list items, comments, quoted scalars and JSON-style flow lists. Anything
 * else (anchors, multi-line scalars, flow maps) is refused, so the file stays checkable.
 */
type Value = string | Value[] | { [key: string]: Value };

interface Line {
  indent: number;
  text: string;
  at: number;
}

function scalar(raw: string, at: number): Value {
  const text = raw.trim();
  if (text.startsWith('[')) return JSON.parse(text) as Value[];
  if (text.startsWith('"')) return JSON.parse(text) as string;
  if (text.startsWith("'")) return text.slice(1, -1).replace(/''/g, "'");
  if (/^[&*!|>{]/.test(text)) throw new Error(`line ${at}: unsupported YAML: ${text}`);
  return text;
}

/** Strips a comment (a # at the start or after a space, outside quotes). */
function uncomment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && (i === 0 || line[i - 1] === ' ')) return line.slice(0, i);
  }
  return line;
}

export function parseYamlSubset(source: string): Value {
  const lines: Line[] = source
    .split('\n')
    .map((raw, i) => ({ raw: uncomment(raw).replace(/\s+$/, ''), at: i + 1 }))
    .filter((l) => l.raw.trim() !== '')
    .map((l) => ({ indent: l.raw.length - l.raw.trimStart().length, text: l.raw.trim(), at: l.at }));
  let i = 0;

  function block(indent: number): Value {
    if (lines[i]!.text.startsWith('- ') || lines[i]!.text === '-') return list(indent);
    return map(indent);
  }

  function entry(target: Record<string, Value>, text: string, at: number, indent: number) {
    const colon = /^("[^"]+"|[^:\s][^:]*?):(\s|$)/.exec(text);
    if (!colon) throw new Error(`line ${at}: expected key: value, got ${text}`);
    const key = colon[1]!.startsWith('"') ? (JSON.parse(colon[1]!) as string) : colon[1]!;
    if (key in target) throw new Error(`line ${at}: duplicate key ${key}`);
    const rest = text.slice(colon[0].length).trim();
    if (rest !== '') target[key] = scalar(rest, at);
    else if (i < lines.length && lines[i]!.indent > indent) target[key] = block(lines[i]!.indent);
    else if (i < lines.length && lines[i]!.indent === indent && lines[i]!.text.startsWith('- ')) target[key] = list(indent);
    else target[key] = '';
  }

  function map(indent: number): Record<string, Value> {
    const out: Record<string, Value> = {};
    while (i < lines.length && lines[i]!.indent === indent && !lines[i]!.text.startsWith('- ')) {
      const { text, at } = lines[i++]!;
      entry(out, text, at, indent);
    }
    if (i < lines.length && lines[i]!.indent > indent) throw new Error(`line ${lines[i]!.at}: unexpected indentation`);
    return out;
  }

  function list(indent: number): Value[] {
    const out: Value[] = [];
    while (i < lines.length && lines[i]!.indent === indent && lines[i]!.text.startsWith('- ')) {
      const { text, at } = lines[i++]!;
      const item = text.slice(2).trim();
      if (/^[^"'\[][^:]*:(\s|$)/.test(item)) {
        // `- key: value` then more keys of the same map, indented to the first key.
        const inner = indent + 2;
        const obj: Record<string, Value> = {};
        entry(obj, item, at, inner);
        Object.assign(obj, map(inner));
        out.push(obj);
      } else out.push(scalar(item, at));
    }
    return out;
  }

  const root = block(0);
  if (i < lines.length) throw new Error(`line ${lines[i]!.at}: unexpected indentation`);
  return root;
}
