// Small DOM helpers shared by the pages.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key in el && key !== 'list') el[key] = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function status(text, isError = false) {
  const el = document.getElementById('status');
  el.textContent = text || '';
  el.classList.toggle('error', isError);
}

export function format(value) {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return String(value);
    return Number(value.toPrecision(6)).toString();
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function link(hash, text) { return h('a', { href: hash }, text); }

/** Loads a classic (UMD) script once; resolves with the global it defines. */
const loaded = {};
export function script(src, global) {
  loaded[src] = loaded[src] || new Promise((resolve, reject) => {
    const el = h('script', { src });
    el.onload = () => resolve(window[global]);
    el.onerror = () => reject(new Error('cannot load ' + src));
    document.head.append(el);
  });
  return loaded[src];
}

/** A tiny line of a series (steps, values) as SVG. */
export function sparkline(values, width = 120, height = 24) {
  const finite = values.filter(v => v !== null && Number.isFinite(v));
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('width', width); svg.setAttribute('height', height); svg.setAttribute('class', 'spark');
  svg.setAttribute('role', 'img'); svg.setAttribute('aria-label', 'sparkline');
  if (finite.length < 2) return svg;
  const min = Math.min(...finite), max = Math.max(...finite), span = max - min || 1;
  const points = values.map((v, i) => v === null ? null
    : [(i / (values.length - 1)) * (width - 2) + 1, height - 1 - ((v - min) / span) * (height - 2)]).filter(Boolean);
  const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
  line.setAttribute('points', points.map(p => p.join(',')).join(' '));
  line.setAttribute('fill', 'none'); line.setAttribute('stroke', '#2459c4'); line.setAttribute('stroke-width', '1.2');
  svg.append(line);
  return svg;
}
