// Tiny DOM helpers: h('tag', {attrs}, ...children). Text is always set as text, never as HTML.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

let ids = 0;
/** A labelled input: the label names it for screen readers and tests. */
export function field(label, input, hint) {
  if (!input.id) input.id = 'f' + (++ids);
  return h('div', { class: 'field' }, h('label', { for: input.id }, label), input,
    hint ? h('small', { class: 'hint' }, hint) : null,
    h('div', { class: 'field-error', role: 'alert', 'data-error-for': input.dataset.field || '' }));
}

/** Shows an API error: next to the input whose data-field is the error's field, else in the form's box. */
export function showError(container, error) {
  clearErrors(container);
  // the API names the field in `field`, or else starts its message with it ("timeZone: unknown time zone …")
  const named = error.field || ((error.message || '').match(/^([\w.\[\]]+): /) || [])[1];
  if (named && !error.field) error = { ...error, field: named, message: error.message };
  const where = named && container.querySelector(`[data-error-for="${CSS.escape(named)}"]`);
  const box = where || container.querySelector('.form-error') || container;
  const message = error.message || String(error);
  if (where) {
    where.textContent = message;
    const input = container.querySelector(`[data-field="${CSS.escape(error.field)}"]`);
    if (input) input.setAttribute('aria-invalid', 'true');
  } else {
    box.textContent = message;
  }
}

export function clearErrors(container) {
  container.querySelectorAll('.field-error, .form-error').forEach(e => { e.textContent = ''; });
  container.querySelectorAll('[aria-invalid]').forEach(e => e.removeAttribute('aria-invalid'));
}

export function errorBox() {
  return h('div', { class: 'form-error', role: 'alert' });
}

export function time(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return d.toLocaleString();
}

export function pct(x) {
  return (x * 100).toFixed(1) + ' %';
}
