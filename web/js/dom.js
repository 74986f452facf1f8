// dom.js — the only way the web view builds its page: elements made with createElement,
// attributes with setAttribute, and every string as a text node. Nothing here (or anywhere in
// web/js) assigns HTML, so a text from the API can never become markup.

const SVG_NS = 'http://www.w3.org/2000/svg';

// Append children to an element: strings and numbers become text nodes, null/false are
// skipped, arrays are flattened.
function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
  return el;
}

// Set attributes: "on…" keys take listeners, class takes a string, boolean true sets an
// empty attribute, false/null leaves it out. Never "style" (the CSP refuses inline style).
function setAttrs(el, attrs) {
  if (!attrs) return el;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value' && 'value' in el) el.value = v;
    else if (k === 'checked' || k === 'selected' || k === 'disabled') el[k] = Boolean(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  return el;
}

// h('a', {href: '#/'}, 'text', child…): an HTML element.
export function h(tag, attrs, ...children) {
  return append(setAttrs(document.createElement(tag), attrs), children);
}

// s('rect', {x: 0, …}): an SVG element (presentation attributes are not inline style).
export function s(tag, attrs, ...children) {
  return append(setAttrs(document.createElementNS(SVG_NS, tag), attrs), children);
}

// Replace everything inside el with the children.
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

// Append children to el (null/false skipped, strings as text): el.append would write "null".
export function add(el, ...children) {
  return append(el, children);
}
