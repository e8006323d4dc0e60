/**
 * How a module of the steps' chunk takes its values from the kit (kit.ts): named, typed, and refused loudly when
 * the first load has not provided them, i.e. when the module is evaluated before the first load's modules (a test
 * importing it first: import an element module, or flow.ts for the core's part, before it).
 */
import { kit, type Kit } from './kit.js';

export function fromKit<K extends keyof Kit>(...names: K[]): Pick<Kit, K> {
  const missing = names.filter((name) => kit[name] === undefined);
  if (missing.length) throw new Error(`bill-pay-widgets: ${missing.join(', ')} not provided yet: the steps' chunk was evaluated before the first load (internal/kit.ts)`);
  return kit;
}
