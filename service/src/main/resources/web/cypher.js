// The Cypher console: read-only queries with parameters through the query service; results as a
// table, and as a small graph when they hold nodes and relationships.
import cytoscape from '/webjars/cytoscape/3.33.1/dist/cytoscape.esm.min.mjs';
import { post } from './api.js';
import { format, h, status } from './util.js';

export async function cypherPage() {
  const main = document.getElementById('app');
  const cypher = h('textarea', { id: 'cypher', rows: 6, spellcheck: false,
    value: sessionStorage.getItem('trialgraph.cypher') || 'MATCH (job:TrialComponent {kind: $kind})-[:PRODUCED]->(m:Model)\nRETURN job.name AS job, m.uri AS model ORDER BY job LIMIT 25' });
  const params = h('textarea', { id: 'parameters', rows: 2, spellcheck: false, value: '{"kind": "training"}' });
  const result = h('div', { id: 'result' });
  const graphBox = h('div', { id: 'result-graph', className: 'graph', hidden: true });
  let cy = null;

  async function run() {
    sessionStorage.setItem('trialgraph.cypher', cypher.value);
    let parameters = {};
    try { parameters = params.value.trim() ? JSON.parse(params.value) : {}; } catch (e) { status('parameters: not JSON: ' + e.message, true); return; }
    const started = performance.now();
    const answer = await post('/query', { cypher: cypher.value, parameters, max_rows: 1000 });
    status(`${answer.rows.length} rows in ${Math.round(performance.now() - started)} ms` + (answer.error ? ' - ' + answer.error.code + ': ' + answer.error.message : ''), !!answer.error);
    result.replaceChildren(h('div', { className: 'scroll' }, h('table', { className: 'grid', id: 'result-table' },
      h('thead', {}, h('tr', {}, ...answer.columns.map(c => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, ...answer.rows.map(r => h('tr', {}, ...r.map(v => h('td', {}, show(v)))))))));
    graph(answer.rows);
  }

  function show(v) {
    if (v && typeof v === 'object') {
      if (v.$node) return ':' + v.$node.labels.join(':') + ' ' + format(v.$node.properties.name || v.$node.properties.uri || v.$node.element_id);
      if (v.$relationship) return '[:' + v.$relationship.type + ']';
      if (v.$temporal) return v.$temporal;
      if (v.$path) return 'path of ' + v.$path.relationships.length;
    }
    return format(v);
  }

  function graph(rows) {
    const nodes = new Map(), rels = new Map();
    const visit = v => {
      if (!v || typeof v !== 'object') return;
      if (Array.isArray(v)) { v.forEach(visit); return; }
      if (v.$node) nodes.set(v.$node.element_id, v.$node);
      else if (v.$relationship) rels.set(v.$relationship.element_id, v.$relationship);
      else if (v.$path) { v.$path.nodes.forEach(n => nodes.set(n.element_id, n)); v.$path.relationships.forEach(r => rels.set(r.element_id, r)); }
    };
    rows.forEach(visit);
    graphBox.hidden = nodes.size === 0;
    if (cy) { cy.destroy(); cy = null; }
    if (nodes.size === 0) return;
    const label = n => {
      const text = String(n.properties.name || n.properties.uri || n.labels.join(':'));
      const last = text.split('/').filter(Boolean).pop() || text;
      return last.length > 28 ? last.slice(0, 27) + '…' : last;
    };
    cy = cytoscape({ container: graphBox, maxZoom: 1.5, layout: { name: rels.size ? 'cose' : 'grid', animate: false, padding: 30 },
      elements: [...[...nodes.values()].map(n => ({ data: { id: n.element_id, label: label(n), kind: n.labels.join(' ') } })),
        ...[...rels.values()].filter(r => nodes.has(r.start_element_id) && nodes.has(r.end_element_id))
          .map(r => ({ data: { id: r.element_id, source: r.start_element_id, target: r.end_element_id, label: r.type } }))],
      style: [{ selector: 'node', style: { label: 'data(label)', 'font-size': 9, width: 18, height: 18, 'background-color': '#2459c4' } },
        { selector: 'node[kind *= "Model"]', style: { 'background-color': '#d1495b' } },
        { selector: 'node[kind *= "Dataset"]', style: { 'background-color': '#2a9d8f' } },
        { selector: 'edge', style: { label: 'data(label)', 'font-size': 8, 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', width: 1 } }] });
    cy.fit(undefined, 30);
    graphBox.dataset.nodes = String(nodes.size);
  }

  main.append(h('h1', {}, 'Cypher'),
    h('p', { className: 'muted' }, 'Read-only: anything that would write is refused. Parameters as JSON; refer to them as $name.'),
    h('label', { htmlFor: 'cypher' }, 'Query'), cypher,
    h('label', { htmlFor: 'parameters' }, 'Parameters'), params,
    h('div', { className: 'toolbar' }, h('button', { type: 'button', id: 'run-query', onclick: () => run().catch(e => status(e.message, true)) }, 'Run')),
    result, graphBox);
  return () => { if (cy) cy.destroy(); };
}
