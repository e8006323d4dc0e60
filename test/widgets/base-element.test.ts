/**
 * The elements' reactive base (src/internal/base-element.ts) on its own: attributes and properties, batched
 * updates, updateComplete, the lifecycle and controllers' hooks in order, adopted styles, a render that throws.
 */
import { expect, fixture, html as fixtureHtml } from '@open-wc/testing';
import { html } from 'lit/html.js';
import { BaseElement, css, type PropertyDeclarations, type PropertyValues, type ReactiveController } from '../../src/internal/base-element.js';

class TestBase extends BaseElement {
  static override properties: PropertyDeclarations = {
    label: {},
    count: { type: Number },
    on: { type: Boolean, reflect: true },
    mode: { attribute: 'data-mode', reflect: true },
    secret: { attribute: false },
    inner: { state: true },
  };
  static override styles = [css`:host { display: block; color: rgb(1, 2, 3); }`, css`p { margin: ${7}px; }`];

  label = 'x';
  count: number | null = 0;
  on = false;
  mode: string | null = 'a';
  secret = '';
  inner = 0;
  /** Not reactive: what the element did, in order. */
  log: string[] = [];
  renders = 0;
  changes: PropertyValues[] = [];
  fail = false;

  protected override willUpdate(changed: PropertyValues): void {
    this.log.push('willUpdate');
    // A property set here joins this update.
    if (changed.has('count') && this.count === 99) this.inner = 1;
  }
  protected override render() {
    this.log.push('render');
    this.renders++;
    if (this.fail) throw new Error('boom');
    return html`<p>${this.label} ${this.count} ${this.inner}</p><button @click=${this.#click}>b</button>`;
  }
  #click() {
    // Event listeners are called with the element as `this`.
    this.label = 'clicked';
  }
  protected override firstUpdated(): void {
    this.log.push('firstUpdated');
  }
  protected override updated(changed: PropertyValues): void {
    this.log.push('updated');
    this.changes.push(new Map(changed));
  }
}
customElements.define('test-base', TestBase);

/** A subclass adds properties to its base's. */
class TestSub extends TestBase {
  static override properties = { extra: { attribute: 'extra-attr' } };
  extra = '';
}

const text = (el: Element) => el.shadowRoot!.querySelector('p')!.textContent;

function recorder(el: BaseElement, log: string[]): ReactiveController {
  const controller = {
    hostConnected: () => log.push('hostConnected'),
    hostDisconnected: () => log.push('hostDisconnected'),
    hostUpdate: () => log.push('hostUpdate'),
    hostUpdated: () => log.push('hostUpdated'),
  };
  el.addController(controller);
  return controller;
}

describe('the reactive base', () => {
  it('observes the declared attributes (its own name, a given one, none for attribute: false and state) and converts them', async () => {
    expect(TestBase.observedAttributes).to.deep.equal(['label', 'count', 'on', 'data-mode']);
    const el = await fixture<TestBase>(fixtureHtml`<test-base label="hi" count="5" on data-mode="b" secret="s" inner="3"></test-base>`);
    expect([el.label, el.count, el.on, el.mode, el.secret, el.inner]).to.deep.equal(['hi', 5, true, 'b', '', 0]);
    expect(text(el)).to.equal('hi 5 0');
    el.removeAttribute('on');
    el.removeAttribute('count');
    el.setAttribute('label', 'again');
    expect([el.on, el.count, el.label]).to.deep.equal([false, null, 'again']);
    await el.updateComplete;
    expect(text(el)).to.equal('again  0');
  });

  it('reflects properties with reflect: true to their attributes, at the update (Boolean: present or absent)', async () => {
    const el = await fixture<TestBase>(fixtureHtml`<test-base></test-base>`);
    // The first update reflects the initial values: a string as is, false as no attribute.
    expect(el.getAttribute('data-mode')).to.equal('a');
    expect(el.hasAttribute('on')).to.equal(false);
    el.on = true;
    el.mode = 'c';
    expect(el.hasAttribute('on'), 'not before the update').to.equal(false);
    await el.updateComplete;
    expect([el.getAttribute('on'), el.getAttribute('data-mode')]).to.deep.equal(['', 'c']);
    el.on = false;
    el.mode = null;
    await el.updateComplete;
    expect([el.hasAttribute('on'), el.hasAttribute('data-mode')]).to.deep.equal([false, false]);
    // Not reflected: a property without reflect.
    el.label = 'no attribute';
    await el.updateComplete;
    expect(el.hasAttribute('label')).to.equal(false);
  });

  it('batches: several property sets and requestUpdate calls make one update, with each changed property and its old value', async () => {
    const el = await fixture<TestBase>(fixtureHtml`<test-base></test-base>`);
    const renders = el.renders;
    el.label = 'one';
    el.label = 'two';
    el.count = 7;
    el.requestUpdate();
    el.requestUpdate();
    expect(el.renders, 'asynchronous').to.equal(renders);
    expect(await el.updateComplete).to.equal(true);
    expect(el.renders).to.equal(renders + 1);
    expect(text(el)).to.equal('two 7 0');
    expect([...el.changes.at(-1)!]).to.deep.equal([
      ['label', 'x'],
      ['count', 0],
    ]);
    // A property set in willUpdate joins the update it is in.
    el.count = 99;
    await el.updateComplete;
    expect(el.renders).to.equal(renders + 2);
    expect(text(el)).to.equal('two 99 1');
    expect([...el.changes.at(-1)!.keys()]).to.deep.equal(['count', 'inner']);
  });

  it('updates only for a changed value (!Object.is: the same value, or NaN again, is no change)', async () => {
    const el = await fixture<TestBase>(fixtureHtml`<test-base></test-base>`);
    el.count = NaN;
    await el.updateComplete;
    const renders = el.renders;
    el.count = NaN;
    el.label = 'x';
    await el.updateComplete;
    await new Promise((resolve) => setTimeout(resolve));
    expect(el.renders).to.equal(renders);
  });

  it('gives updateComplete false when another update was asked for meanwhile, and renders that one too', async () => {
    const el = await fixture<TestBase>(fixtureHtml`<test-base></test-base>`);
    el.addController({ hostUpdated: () => (el.count === 1 ? (el.count = 2) : undefined) });
    el.count = 1;
    expect(await el.updateComplete).to.equal(false);
    expect(await el.updateComplete).to.equal(true);
    expect(text(el)).to.equal('x 2 0');
  });

  it('does not update before it is connected; then runs the hooks and the controllers in order', async () => {
    const el = document.createElement('test-base') as TestBase;
    const log = el.log;
    recorder(el, log);
    el.label = 'early';
    await new Promise((resolve) => setTimeout(resolve));
    expect([el.renders, el.hasUpdated, el.shadowRoot]).to.deep.equal([0, false, null]);
    document.body.append(el);
    expect(await el.updateComplete).to.equal(true);
    expect(el.hasUpdated).to.equal(true);
    expect(log).to.deep.equal(['hostConnected', 'willUpdate', 'hostUpdate', 'render', 'hostUpdated', 'firstUpdated', 'updated']);
    // The first update's changed properties: every initialized one, with undefined as its old value.
    expect(el.changes[0]!.get('label')).to.equal(undefined);
    expect([...el.changes[0]!.keys()]).to.include.members(['label', 'count', 'on', 'mode', 'inner']);
    log.length = 0;
    el.label = 'later';
    await el.updateComplete;
    expect(log).to.deep.equal(['willUpdate', 'hostUpdate', 'render', 'hostUpdated', 'updated']);
    log.length = 0;
    el.remove();
    document.body.append(el);
    expect(log).to.deep.equal(['hostDisconnected', 'hostConnected']);
    // A controller added to a connected element is connected at once.
    const late: string[] = [];
    const controller = recorder(el, late);
    expect(late).to.deep.equal(['hostConnected']);
    el.removeController(controller);
    el.requestUpdate();
    await el.updateComplete;
    expect(late).to.deep.equal(['hostConnected']);
    el.remove();
  });

  it('keeps values set before its class was defined, and a subclass has its base properties and its own', async () => {
    const el = document.createElement('test-sub') as TestSub;
    el.label = 'set early';
    el.extra = 'extra early';
    el.setAttribute('count', '3');
    customElements.define('test-sub', TestSub);
    expect(TestSub.observedAttributes).to.deep.equal(['label', 'count', 'on', 'data-mode', 'extra-attr']);
    document.body.append(el);
    expect(el).to.be.instanceOf(TestSub);
    await el.updateComplete;
    expect([el.label, el.extra, el.count]).to.deep.equal(['set early', 'extra early', 3]);
    expect(text(el)).to.equal('set early 3 0');
    el.setAttribute('extra-attr', 'from attribute');
    expect(el.extra).to.equal('from attribute');
    el.remove();
  });

  it('adopts its static styles in an open shadow root, one sheet per style shared by every element', async () => {
    const a = await fixture<TestBase>(fixtureHtml`<test-base></test-base>`);
    const b = await fixture<TestBase>(fixtureHtml`<test-base></test-base>`);
    const sheets = a.shadowRoot!.adoptedStyleSheets;
    expect(sheets.length).to.equal(2);
    expect(b.shadowRoot!.adoptedStyleSheets).to.deep.equal(sheets);
    expect(sheets[0]).to.equal(b.shadowRoot!.adoptedStyleSheets[0]);
    expect(getComputedStyle(a).color).to.equal('rgb(1, 2, 3)');
    expect(getComputedStyle(a.shadowRoot!.querySelector('p')!).marginTop).to.equal('7px');
  });

  it('falls back to <style> elements where a browser cannot adopt style sheets', async () => {
    const descriptor = Object.getOwnPropertyDescriptor(ShadowRoot.prototype, 'adoptedStyleSheets')!;
    delete (ShadowRoot.prototype as { adoptedStyleSheets?: unknown }).adoptedStyleSheets;
    let el: TestBase;
    try {
      el = await fixture<TestBase>(fixtureHtml`<test-base></test-base>`);
    } finally {
      Object.defineProperty(ShadowRoot.prototype, 'adoptedStyleSheets', descriptor);
    }
    expect(el.shadowRoot!.adoptedStyleSheets).to.deep.equal([]);
    expect([...el.shadowRoot!.querySelectorAll('style')].map((s) => s.textContent!.trim())).to.deep.equal([
      ':host { display: block; color: rgb(1, 2, 3); }',
      'p { margin: 7px; }',
    ]);
    expect(getComputedStyle(el).color).to.equal('rgb(1, 2, 3)');
    expect(text(el)).to.equal('x 0 0');
  });

  it('calls template event listeners with the element as `this`', async () => {
    const el = await fixture<TestBase>(fixtureHtml`<test-base></test-base>`);
    el.shadowRoot!.querySelector('button')!.click();
    await el.updateComplete;
    expect(text(el)).to.equal('clicked 0 0');
  });

  it('rejects updateComplete when render throws, and a later update works', async () => {
    const el = await fixture<TestBase>(fixtureHtml`<test-base></test-base>`);
    el.fail = true;
    el.label = 'lost';
    const error = await el.updateComplete.then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).to.equal('boom');
    expect(text(el), 'the last good render stays').to.equal('x 0 0');
    el.fail = false;
    el.count = 4;
    expect(await el.updateComplete).to.equal(true);
    expect(text(el)).to.equal('lost 4 0');
    // The failed update's changes are dropped, as Lit does: only count is in this one.
    expect([...el.changes.at(-1)!.keys()]).to.deep.equal(['count']);
  });
});
