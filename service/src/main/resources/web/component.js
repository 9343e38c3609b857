// A trial component: parameters, metadata, status and times, inputs and outputs (to their
// lineage), metric summaries with sparklines, and its trials.
import { get } from './api.js';
import { format, h, link, sparkline } from './util.js';

export async function componentPage(name) {
  const main = document.getElementById('app');
  const c = (await get('/components/' + encodeURIComponent(name))).trial_component;
  const lineage = key => '#/lineage?start=' + encodeURIComponent(key);
  const artifacts = links => links.length === 0 ? h('p', { className: 'muted' }, 'none') : h('table', { className: 'grid' },
    h('thead', {}, h('tr', {}, ...['as', 'kind', 'URI', ''].map(t => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, ...links.map(l => h('tr', {}, h('td', {}, l.name), h('td', {}, l.kind || ''), h('td', {}, l.uri),
      h('td', {}, link(lineage('artifact:' + l.uri), 'lineage'))))));
  const facts = (entries) => h('dl', { className: 'facts' }, ...entries.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, format(v))]));

  const time = t => t ? t.replace(/\.\d+Z$/, 'Z') : '';
  const metricsSection = h('section', { 'aria-label': 'metrics' });
  main.append(
    h('h1', {}, c.display_name || c.name),
    facts([['name', c.name], ['kind', c.kind], ['status', c.status || ''], ['message', c.status_message],
      ['started', time(c.start_time)], ['ended', time(c.end_time)], ['created', time(c.create_time)], ['updated', time(c.update_time)]]),
    h('p', {}, link(lineage('component:' + c.name), 'Lineage of this component')),
    metricsSection,
    h('h2', {}, 'Trials'),
    h('p', {}, c.trial_names.length ? c.trial_names.join(', ') : h('span', { className: 'muted' }, 'none')),
    h('h2', {}, 'Parameters'), facts(Object.entries(c.parameters)),
    h('h2', {}, 'Metadata'), facts(Object.entries(c.metadata)),
    h('h2', {}, 'Inputs'), artifacts(c.inputs),
    h('h2', {}, 'Outputs'), artifacts(c.outputs));

  const summaries = (await get('/metric-summaries', { component: name })).summaries;
  const cards = h('div', { className: 'cards', id: 'metrics' });
  metricsSection.append(h('h2', {}, 'Metrics'), summaries.length ? cards : h('p', { className: 'muted' }, 'none'));
  for (const s of summaries) {
    const card = h('div', { className: 'card' }, h('strong', {}, s.metric_name), ' ',
      facts([['last', s.last], ['min', s.min], ['max', s.max], ['mean', s.mean], ['points', s.count], ['steps', s.first_step + '-' + s.last_step]]));
    cards.append(card);
    get('/series', { component: name, metric: s.metric_name, max_points: 120 })
      .then(a => { if (!a.series[0].error) card.insertBefore(sparkline(a.series[0].values), card.children[1]); })
      .catch(() => {});
  }
}
