/**
 * A small reactive custom-element base on lit-html's `render()`: what the widgets used of LitElement, at a
 * fraction of its size (no lit-element, @lit/reactive-element or lit's css-tag in the bundle).
 *
 * - `static properties`: an accessor per property on the class's prototype (a subclass's declarations add to
 *   its base's), observed attributes (`attribute: 'name'`, default the lower-cased property name; none with
 *   `attribute: false` or `state: true`), converted by `type` (`Boolean`: present or not; `Number`; else the
 *   string), reflected back with `reflect: true`. A value counts as changed when `!Object.is(value, old)`.
 *   Values set on the element before its class was defined are kept (set again at the first update).
 * - Updates are batched: property sets and `requestUpdate()` in one task make one update, in a microtask,
 *   and only once the element was first connected. Each update runs `willUpdate(changed)`, the controllers'
 *   `hostUpdate`, `update` (which calls `render()` and renders it into the shadow root), the controllers'
 *   `hostUpdated`, `firstUpdated(changed)` the first time, then `updated(changed)`; `changed` maps each changed
 *   property to its old value. `updateComplete` resolves when the update is done (true when no other one is
 *   pending). An update that throws rejects `updateComplete`; the next one runs as usual.
 * - An open shadow root that adopts the class's `static styles` (made with `css`: one CSSStyleSheet per
 *   style, shared by every element; `<style>` elements where a browser cannot adopt sheets).
 */
import { render, type RootPart } from 'lit/html.js';

/** A unit of behaviour an element runs in step with its lifecycle (the shape of lit's ReactiveController). */
export interface ReactiveController {
  hostConnected?(): void;
  hostDisconnected?(): void;
  hostUpdate?(): void;
  hostUpdated?(): void;
}

/** What a controller may ask of its element (the shape of lit's ReactiveControllerHost). */
export interface ReactiveControllerHost {
  addController(controller: ReactiveController): void;
  removeController(controller: ReactiveController): void;
  requestUpdate(): void;
  readonly updateComplete: Promise<boolean>;
}

export interface PropertyDeclaration {
  /** The attribute's name, or false for none (default: the property's name in lower case). */
  attribute?: string | boolean;
  /** How the attribute converts: `Boolean` (present or not), `Number`, or `String` (default). */
  type?: BooleanConstructor | NumberConstructor | StringConstructor;
  /** Internal state: no attribute. */
  state?: boolean;
  /** Sets the attribute when the property changes. */
  reflect?: boolean;
}

export type PropertyDeclarations = Record<string, PropertyDeclaration>;

/** The properties an update is for, with their old values. */
export type PropertyValues = Map<PropertyKey, unknown>;

/** A style sheet made with `css`: its CSSStyleSheet is made when first adopted, then shared. */
export class Css {
  /** @internal */
  #sheet?: CSSStyleSheet;
  constructor(readonly cssText: string) {}
  get styleSheet(): CSSStyleSheet {
    if (!this.#sheet) {
      this.#sheet = new CSSStyleSheet();
      this.#sheet.replaceSync(this.cssText);
    }
    return this.#sheet;
  }
}

/**
 * Adds style sheets to a shadow root: adopted (one CSSStyleSheet per style, shared by every root), or where a
 * browser cannot adopt them (Safari before 16.4), as `<style>` elements, as Lit does.
 */
export function adopt(root: ShadowRoot, styles: Css[]): void {
  if ('adoptedStyleSheets' in root) root.adoptedStyleSheets = [...root.adoptedStyleSheets, ...styles.map((style) => style.styleSheet)];
  else for (const style of styles) (root as ShadowRoot).appendChild(document.createElement('style')).textContent = style.cssText;
}

/** A style sheet, from the widgets' own constant CSS (values: other sheets, or numbers). */
export const css = (strings: TemplateStringsArray, ...values: (Css | number)[]): Css =>
  new Css(values.reduce<string>((text, value, i) => text + (value instanceof Css ? value.cssText : value) + strings[i + 1], strings[0]!));

/** A class's properties and attributes, gathered once. */
interface Meta {
  props: Map<string, PropertyDeclaration>;
  /** Attribute name -> property name. */
  attrs: Map<string, string>;
  /** Property name -> attribute name (those with one). */
  names: Map<string, string>;
}

const metas = new WeakMap<Function, Meta>();

// Imported where there is no DOM (Node: a server, a tool reading the classes), as lit's Node build does: a
// stand-in HTMLElement and element registry, so the modules load and define their elements.
const dom = globalThis as { HTMLElement?: unknown; customElements?: Pick<CustomElementRegistry, 'define' | 'get'> };
if (!dom.HTMLElement) {
  const defined = new Map<string, CustomElementConstructor>();
  dom.HTMLElement = class {};
  dom.customElements ??= { define: (name, ctor) => void defined.set(name, ctor), get: (name) => defined.get(name) };
}

type Values = Record<PropertyKey, unknown>;

/** The class's Meta: its base's, with its own `static properties` added (and their accessors defined). */
function meta(ctor: typeof BaseElement): Meta {
  let found = metas.get(ctor);
  if (found) return found;
  const base = Object.getPrototypeOf(ctor) as typeof BaseElement;
  const inherited = base === BaseElement ? null : meta(base);
  found = { props: new Map(inherited?.props), attrs: new Map(inherited?.attrs), names: new Map(inherited?.names) };
  if (Object.hasOwn(ctor, 'properties')) {
    for (const [name, options] of Object.entries(ctor.properties)) {
      found.props.set(name, options);
      const attribute = options.state ? false : (options.attribute ?? true);
      if (attribute) {
        const attr = attribute === true ? name.toLowerCase() : attribute;
        found.attrs.set(attr, name);
        found.names.set(name, attr);
      }
      const key = Symbol(name);
      Object.defineProperty(ctor.prototype, name, {
        get(this: Values) {
          return this[key];
        },
        set(this: BaseElement & Values, value: unknown) {
          const old = this[key];
          this[key] = value;
          this.requestUpdate(name, old);
        },
        configurable: true,
        enumerable: true,
      });
    }
  }
  metas.set(ctor, found);
  return found;
}

/**
 * The base of a reactive element (abstract: not an element itself). Subclasses declare `static properties`
 * and `static styles` and implement `render()`.
 */
export abstract class BaseElement extends HTMLElement implements ReactiveControllerHost {
  /** @internal */
  static properties: PropertyDeclarations = {};
  /** @internal */
  static styles?: Css | Css[];

  /** @internal */
  static get observedAttributes(): string[] {
    return [...meta(this).attrs.keys()];
  }

  /**
   * The shadow root the element renders into (made when the element is first connected).
   * @internal
   */
  renderRoot!: ShadowRoot;
  /**
   * Whether the element has rendered once.
   * @internal
   */
  hasUpdated = false;
  /** @internal */
  #meta = meta(this.constructor as typeof BaseElement);
  /** @internal */
  #changed: PropertyValues = new Map();
  /** @internal */
  #pending = false;
  /** @internal */
  #enable!: (value: boolean) => void;
  /** @internal */
  #update: Promise<boolean> = new Promise((resolve) => (this.#enable = resolve));
  /** @internal */
  #controllers = new Set<ReactiveController>();
  /** Properties to reflect to their attributes at the next update. @internal */
  #reflect = new Set<string>();
  /** The property being set from its attribute, or being reflected to it (neither goes back the other way). @internal */
  #syncing: string | null = null;
  /** Values set on the element before its class was defined, set again at the first update. @internal */
  #early: [string, unknown][] = [];
  /** @internal */
  #part?: RootPart;

  constructor() {
    super();
    for (const name of this.#meta.props.keys()) {
      if (Object.hasOwn(this, name)) {
        this.#early.push([name, (this as unknown as Values)[name]]);
        delete (this as unknown as Values)[name];
      }
    }
    this.requestUpdate();
  }

  /**
   * Resolves when the pending update is done: true when no other update is pending then.
   * @internal
   */
  get updateComplete(): Promise<boolean> {
    return this.#update;
  }

  /** @internal */
  addController(controller: ReactiveController): void {
    this.#controllers.add(controller);
    if (this.renderRoot && this.isConnected) controller.hostConnected?.();
  }

  /** @internal */
  removeController(controller: ReactiveController): void {
    this.#controllers.delete(controller);
  }

  /**
   * Asks for an update (batched: one per microtask). With a property's name and old value (its accessor does
   * this), only when the value changed, and that property is then in the update's `changed`.
   * @internal
   */
  requestUpdate(name?: string, old?: unknown): void {
    if (name !== undefined) {
      if (Object.is((this as unknown as Values)[name], old)) return;
      if (!this.#changed.has(name)) this.#changed.set(name, old);
      if (this.#meta.props.get(name)?.reflect && this.#syncing !== name) this.#reflect.add(name);
    }
    if (!this.#pending) this.#update = this.#enqueue();
  }

  /** @internal */
  async #enqueue(): Promise<boolean> {
    this.#pending = true;
    try {
      // After the update before it (even a failed one: its rejection went to its own awaiters), and the first
      // only once the element is connected.
      await this.#update;
    } catch {
      // (reported by the update that failed)
    }
    this.#perform();
    return !this.#pending;
  }

  /** @internal */
  #perform(): void {
    for (const [name, value] of this.#early.splice(0)) (this as unknown as Values)[name] = value;
    const changed = this.#changed;
    try {
      this.willUpdate(changed);
      for (const c of this.#controllers) c.hostUpdate?.();
      this.update(changed);
    } catch (error) {
      this.#done();
      throw error;
    }
    for (const c of this.#controllers) c.hostUpdated?.();
    if (!this.hasUpdated) {
      this.hasUpdated = true;
      this.firstUpdated(changed);
    }
    this.updated(changed);
  }

  /** @internal */
  #done(): void {
    this.#changed = new Map();
    this.#pending = false;
  }

  /** Before each update's render: derive state from the changed properties here. @internal */
  protected willUpdate(_changed: PropertyValues): void {}

  /** Reflects the properties marked for it and renders `render()`'s result into the shadow root. @internal */
  protected update(_changed: PropertyValues): void {
    const value = this.render();
    for (const name of this.#reflect) {
      const { type } = this.#meta.props.get(name)!;
      const v = (this as unknown as Values)[name];
      const attr = this.#meta.names.get(name)!;
      this.#syncing = name;
      if (type === Boolean ? !v : v == null) this.removeAttribute(attr);
      else this.setAttribute(attr, type === Boolean ? '' : String(v));
      this.#syncing = null;
    }
    this.#reflect.clear();
    this.#done();
    this.#part = render(value, this.renderRoot, { host: this });
  }

  /** The element's content: a lit-html template (or anything lit-html renders). @internal */
  protected abstract render(): unknown;

  /** After the first update. @internal */
  protected firstUpdated(_changed: PropertyValues): void {}

  /** After each update. @internal */
  protected updated(_changed: PropertyValues): void {}

  /** @internal */
  connectedCallback(): void {
    if (!this.renderRoot) {
      this.renderRoot = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
      adopt(this.renderRoot, [(this.constructor as typeof BaseElement).styles ?? []].flat());
    }
    this.#enable(true);
    for (const c of this.#controllers) c.hostConnected?.();
    this.#part?.setConnected(true);
  }

  /** @internal */
  disconnectedCallback(): void {
    for (const c of this.#controllers) c.hostDisconnected?.();
    this.#part?.setConnected(false);
  }

  /** @internal */
  attributeChangedCallback(attr: string, _old: string | null, value: string | null): void {
    const name = this.#meta.attrs.get(attr);
    if (name === undefined || name === this.#syncing) return;
    const { type } = this.#meta.props.get(name)!;
    this.#syncing = name;
    (this as unknown as Values)[name] = type === Boolean ? value !== null : type === Number && value !== null ? Number(value) : value;
    this.#syncing = null;
  }
}
