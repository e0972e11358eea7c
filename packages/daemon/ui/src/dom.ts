// A tiny DOM helper: `h(tag, props, ...children)` builds an element (text is always set as
// text, never parsed as HTML, so flag content cannot inject markup), and `region` replaces what
// a region of the page shows while keeping keyboard focus on the element with the same
// `data-focus` key, so a live update never throws a keyboard user back to the top.

export type Child = Node | string | number | null | undefined | false | readonly Child[];
export type Props = Readonly<Record<string, unknown>>;

function append(parent: Node, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child as readonly Child[]) append(parent, c);
  } else if (child instanceof Node) {
    parent.appendChild(child);
  } else {
    parent.appendChild(document.createTextNode(String(child)));
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2).toLowerCase(), value as EventListener);
    } else if (name === 'style' && typeof value === 'object') {
      // Through the CSSOM: the content security policy refuses inline style attributes.
      for (const [prop, v] of Object.entries(value as Record<string, string>))
        el.style.setProperty(prop, v);
    } else if (name === 'class') {
      el.className = String(value);
    } else if (name === 'value' && 'value' in el) {
      (el as HTMLInputElement).value = String(value);
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children) append(el, child);
  return el;
}

/** Replaces the children of `el`, keeping focus on the element with the same `data-focus`. */
export function region(el: Element, ...children: Child[]): void {
  const active = document.activeElement;
  const key =
    active instanceof HTMLElement && el.contains(active) ? active.dataset.focus : undefined;
  const fragment = document.createDocumentFragment();
  for (const child of children) append(fragment, child);
  el.replaceChildren(fragment);
  if (key !== undefined) {
    const again = Array.from(el.querySelectorAll<HTMLElement>('[data-focus]')).find(
      (e) => e.dataset.focus === key,
    );
    again?.focus();
  }
}

/** An option list for a <select>: the values, each once, sorted, after "any". */
export function options(
  values: Iterable<string>,
  selected: string,
  any = 'Any',
): HTMLOptionElement[] {
  const sorted = [...new Set(values)].sort((a, b) => a.localeCompare(b));
  return [
    h('option', { value: '', selected: selected === '' }, any),
    ...sorted.map((v) => h('option', { value: v, selected: v === selected }, v)),
  ];
}
