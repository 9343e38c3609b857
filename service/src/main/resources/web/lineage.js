// The lineage graph (Cytoscape.js, laid out left to right along the data flow by dagre): click a
// node to select it, then open it or expand the graph from it; export as SVG.
import cytoscape from '/webjars/cytoscape/3.33.1/dist/cytoscape.esm.min.mjs';
import { get } from './api.js';
import { h, script, status } from './util.js';

const SHAPES = { dataset: 'round-rectangle', model: 'diamond', code: 'tag', checkpoint: 'hexagon', other: 'rectangle' };
const COLORS = { dataset: '#2a9d8f', model: '#d1495b', code: '#8e44ad', checkpoint: '#f4a261', other: '#888' };

export async function lineagePage(params) {
  const main = document.getElementById('app');
  const start = h('input', { id: 'start', type: 'text', size: 70, value: params.get('start') || '',
    placeholder: 'artifact:<uri> or component:<name>' });
  const direction = h('select', { id: 'direction' }, ...['upstream', 'downstream', 'both'].map(d =>
    h('option', { value: d, selected: (params.get('direction') || 'upstream') === d }, d)));
  const depth = h('input', { id: 'depth', type: 'number', min: 1, max: 50, value: params.get('depth') || 10 });
  const maxNodes = h('input', { id: 'max-nodes', type: 'number', min: 1, max: 10000, value: 1000 });
  const kinds = h('input', { id: 'kinds', type: 'text', placeholder: 'kinds, e.g. dataset,model (empty: all)', size: 30 });
  const graphBox = h('div', { id: 'graph', className: 'graph', role: 'img', 'aria-label': 'lineage graph' });
  const info = h('div', { id: 'selection', className: 'toolbar' });
  const nodeList = h('ul', { id: 'node-list', className: 'muted' });
  const nodes = new Map(), edges = new Map();
  let cy = null, starts = [];

  async function fetchFrom(keys) {
    const answer = await get('/lineage', { start: keys, direction: direction.value, max_depth: depth.value,
      max_nodes: maxNodes.value, include_kinds: kinds.value.split(',').map(k => k.trim()).filter(Boolean) });
    answer.nodes.forEach(n => nodes.set(n.key, n));
    answer.edges.forEach(e => edges.set(e.from_key + '>' + e.to_key + '>' + e.type, e));
    status(`${nodes.size} nodes, ${edges.size} edges` + (answer.truncated ? ' (capped at max nodes)' : '') + (answer.has_cycle ? ', with a cycle' : ''));
  }

  async function draw() {
    const dagre = await script('/webjars/dagre/0.8.4/dist/dagre.min.js', 'dagre');
    const g = new dagre.graphlib.Graph();
    g.setGraph({ rankdir: 'LR', nodesep: 20, ranksep: 70 });
    g.setDefaultEdgeLabel(() => ({}));
    for (const n of nodes.values()) g.setNode(n.key, { width: 170, height: 36 });
    for (const e of edges.values()) if (nodes.has(e.from_key) && nodes.has(e.to_key)) g.setEdge(e.from_key, e.to_key);
    dagre.layout(g);
    const elements = [
      ...[...nodes.values()].map(n => {
        const kind = n.kind.startsWith('component') ? 'component' : n.kind;
        return { group: 'nodes', data: { id: n.key, label: label(n), kind, node: n }, position: { x: g.node(n.key).x, y: g.node(n.key).y } };
      }),
      ...[...edges.values()].filter(e => nodes.has(e.from_key) && nodes.has(e.to_key))
        .map(e => ({ group: 'edges', data: { id: e.from_key + '>' + e.to_key + '>' + e.type, source: e.from_key, target: e.to_key, label: e.name || '' } })),
    ];
    if (cy) cy.destroy();
    cy = cytoscape({ container: graphBox, elements, layout: { name: 'preset' }, wheelSensitivity: 0.3,
      style: [
        { selector: 'node', style: { label: 'data(label)', 'font-size': 10, 'text-valign': 'center', 'text-halign': 'center',
          width: 160, height: 30, shape: ele => SHAPES[ele.data('kind')] || 'ellipse', 'background-color': ele => COLORS[ele.data('kind')] || '#2459c4',
          color: '#fff', 'text-wrap': 'ellipsis', 'text-max-width': 150 } },
        { selector: 'node:selected', style: { 'border-width': 3, 'border-color': '#1d2330' } },
        { selector: 'edge', style: { width: 1.5, 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', 'line-color': '#aab',
          'target-arrow-color': '#aab', label: 'data(label)', 'font-size': 8, color: '#667' } },
      ] });
    cy.on('tap', 'node', event => select(event.target.data('node')));
    graphBox.dataset.nodes = String(nodes.size);
    nodeList.replaceChildren(...[...nodes.values()].map(n => h('li', { dataset: { key: n.key } }, n.kind + ': ' + (n.uri || n.name))));
  }

  function label(n) {
    if (n.uri) { const parts = n.uri.split('/'); return parts[parts.length - 1] || n.uri; }
    return n.name;
  }

  function select(n) {
    const open = n.key.startsWith('component:') ? '#/components/' + encodeURIComponent(n.name) : null;
    info.replaceChildren(h('strong', {}, n.kind), ' ', n.uri || n.name, n.status ? ' (' + n.status + ')' : '',
      open ? h('a', { href: open }, 'Open') : null,
      h('button', { type: 'button', id: 'expand', onclick: () => expand(n.key).catch(e => status(e.message, true)) }, 'Expand from here'));
  }

  async function expand(key) {
    await fetchFrom([key]);
    await draw();
  }

  async function show() {
    nodes.clear(); edges.clear();
    starts = [start.value.trim()];
    if (!starts[0]) { status('Give a start node: artifact:<uri> or component:<name>'); return; }
    history.replaceState(null, '', '#/lineage?start=' + encodeURIComponent(starts[0]) + '&direction=' + direction.value + '&depth=' + depth.value);
    await fetchFrom(starts);
    await draw();
  }

  function svg() {
    const box = cy.elements().boundingBox();
    const pad = 20, w = box.w + 2 * pad, hgt = box.h + 2 * pad, dx = pad - box.x1, dy = pad - box.y1;
    const esc = s => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
    const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${hgt}" viewBox="0 0 ${w} ${hgt}" font-family="sans-serif" font-size="10">`,
      '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0L10,5L0,10z" fill="#aab"/></marker></defs>'];
    cy.edges().forEach(e => {
      const s = e.source().position(), t = e.target().position();
      parts.push(`<line x1="${s.x + dx + 80}" y1="${s.y + dy}" x2="${t.x + dx - 80}" y2="${t.y + dy}" stroke="#aab" stroke-width="1.5" marker-end="url(#arrow)"/>`);
    });
    cy.nodes().forEach(n => {
      const p = n.position(), kind = n.data('kind');
      parts.push(`<g><title>${esc(n.id())}</title><rect x="${p.x + dx - 80}" y="${p.y + dy - 15}" width="160" height="30" rx="6" fill="${COLORS[kind] || '#2459c4'}"/>`
        + `<text x="${p.x + dx}" y="${p.y + dy + 4}" text-anchor="middle" fill="#fff">${esc(n.data('label'))}</text></g>`);
    });
    parts.push('</svg>');
    return parts.join('\n');
  }

  main.append(h('h1', {}, 'Lineage'),
    h('form', { className: 'toolbar', onsubmit: e => { e.preventDefault(); show().catch(err => status(err.message, true)); } },
      h('label', { htmlFor: 'start' }, 'Start'), start, h('label', { htmlFor: 'direction' }, 'Direction'), direction,
      h('label', { htmlFor: 'depth' }, 'Depth'), depth, h('label', { htmlFor: 'max-nodes' }, 'Max nodes'), maxNodes,
      h('label', { htmlFor: 'kinds' }, 'Kinds'), kinds, h('button', { type: 'submit', id: 'show-lineage' }, 'Show'),
      h('button', { type: 'button', id: 'export-svg', onclick: () => {
        if (!cy) return;
        const url = URL.createObjectURL(new Blob([svg()], { type: 'image/svg+xml' }));
        const a = h('a', { href: url, download: 'lineage.svg' }); document.body.append(a); a.click(); a.remove();
      } }, 'Export SVG')),
    info, graphBox, h('details', {}, h('summary', {}, 'Nodes as a list'), nodeList));
  if (start.value) await show();
  return () => { if (cy) cy.destroy(); };
}
