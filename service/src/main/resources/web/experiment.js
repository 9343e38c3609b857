// The experiment page: the analytics table (server-side filter, multi-column sort, best row per
// group, column chooser, pages, CSV), curves of the selected rows, parallel coordinates.
import { ApiError, download, get } from './api.js';
import { format, h, link, script, status } from './util.js';
import { Chart } from './chart.js';

const PAGE = 100;

export async function experimentPage(name) {
  const main = document.getElementById('app');
  // The experiment and the first page of its table are asked for at once.
  const experimentAnswer = get('/experiments/' + encodeURIComponent(name));
  const state = { filter: '', sort: [], groupBy: '', hidden: new Set(), tokens: [''], page: 0, columns: [], rows: [], selected: new Set() };

  const filter = h('input', { id: 'filter', type: 'text', placeholder: 'e.g. kind = "training" AND params.epochs = 60',
    'aria-describedby': 'filter-error' });
  const filterError = h('div', { id: 'filter-error', className: 'filter-error error', role: 'alert' });
  const groupBy = h('select', { id: 'group-by' }, h('option', { value: '' }, '(no grouping)'));
  const columnList = h('div', { className: 'columns', id: 'column-chooser' });
  const head = h('thead');
  const body = h('tbody');
  const pageInfo = h('span', { id: 'page-info', className: 'muted' });
  const prev = h('button', { type: 'button', id: 'prev-page' }, 'Previous');
  const next = h('button', { type: 'button', id: 'next-page' }, 'Next');
  const metricSelect = h('select', { id: 'chart-metric' });
  const chartBox = h('div', { id: 'chart', className: 'chart' });
  const pcMetric = h('select', { id: 'pc-metric' });
  const pcBox = h('div', { id: 'pcoords', className: 'pcoords' });
  let chart = null;

  function visible() { return state.columns.filter(c => !state.hidden.has(c)); }

  function renderFilterError(e) {
    const match = /at position (\d+)/.exec(e.message);
    filterError.replaceChildren(e.message);
    if (match) {
      const at = Number(match[1]) - 1, text = state.filter + ' ';
      filterError.append(h('div', { className: 'muted', id: 'filter-marker' },
        h('code', {}, text.slice(0, at)), h('mark', {}, h('code', {}, text.slice(at, at + 1) || ' ')), h('code', {}, text.slice(at + 1))));
      filter.focus();
      filter.setSelectionRange(at, at + 1);
    }
  }

  async function load() {
    filterError.replaceChildren();
    const started = performance.now();
    let answer;
    try {
      answer = await get('/experiments/' + encodeURIComponent(name) + '/table', {
        filter: state.filter, sort: state.sort.map(s => s.column + (s.desc ? ':desc' : '')),
        group_by: state.groupBy, page_size: PAGE, page_token: state.tokens[state.page] });
    } catch (e) {
      if (e instanceof ApiError && (e.field === 'filter' || /^filter/.test(e.message))) { renderFilterError(e); return; }
      throw e;
    }
    if (state.columns.length === 0) initColumns(answer.columns);
    state.columns = answer.columns;
    state.rows = answer.rows;
    state.tokens[state.page + 1] = answer.next_page_token;
    renderTable();
    const from = state.page * PAGE;
    pageInfo.textContent = answer.rows.length ? `rows ${from + 1}-${from + answer.rows.length} of ${answer.total_rows}` : `no rows (of ${answer.total_rows})`;
    prev.disabled = state.page === 0;
    next.disabled = !answer.next_page_token;
    document.getElementById('table').dataset.loadedMs = String(Math.round(performance.now() - started));
    // After the table is painted: the chart library's work must not delay the rows.
    requestAnimationFrame(() => setTimeout(() => renderParallel().catch(e => status(e.message, true))));
  }

  function initColumns(columns) {
    // Shown at first: the fixed columns, parameters, and each metric's last and max; the rest one click away.
    columns.forEach(c => {
      if (c.startsWith('metrics.') && !/\.(last|max)$/.test(c)) state.hidden.add(c);
    });
    const metrics = [...new Set(columns.filter(c => c.startsWith('metrics.')).map(c => c.slice(8, c.lastIndexOf('.'))))];
    metricSelect.replaceChildren(...metrics.map(m => h('option', { value: m }, m)));
    const lasts = columns.filter(c => c.startsWith('metrics.') && c.endsWith('.last'));
    pcMetric.replaceChildren(...lasts.map(m => h('option', { value: m }, m)));
    groupBy.append(...columns.filter(c => c.startsWith('params.') || ['kind', 'status'].includes(c)).map(c => h('option', { value: c }, c)));
    columnList.replaceChildren(...columns.map(c => h('label', {},
      h('input', { type: 'checkbox', checked: !state.hidden.has(c), onchange: e => {
        e.target.checked ? state.hidden.delete(c) : state.hidden.add(c); renderTable(); } }), ' ', c)));
  }

  function sortBy(column, add) {
    const at = state.sort.findIndex(s => s.column === column);
    if (add) {
      if (at >= 0) state.sort[at].desc = !state.sort[at].desc; else state.sort.push({ column, desc: column.startsWith('metrics.') });
    } else {
      const desc = at >= 0 && state.sort.length === 1 ? !state.sort[0].desc : column.startsWith('metrics.');
      state.sort = [{ column, desc }];
    }
    state.page = 0; state.tokens = [''];
    load().catch(e => status(e.message, true));
  }

  function renderTable() {
    const cols = visible();
    const nameAt = state.columns.indexOf('name');
    head.replaceChildren(h('tr', {}, h('th', { scope: 'col' }, h('span', { className: 'muted' }, 'chart')),
      ...cols.map(c => {
        const at = state.sort.findIndex(s => s.column === c);
        const mark = at < 0 ? '' : (state.sort[at].desc ? ' ▼' : ' ▲') + (state.sort.length > 1 ? at + 1 : '');
        return h('th', { scope: 'col', 'aria-sort': at < 0 ? 'none' : state.sort[at].desc ? 'descending' : 'ascending' },
          h('button', { type: 'button', title: 'Sort (shift-click: add as next sort key)', dataset: { column: c },
            onclick: e => sortBy(c, e.shiftKey) }, c + mark));
      })));
    body.replaceChildren(...state.rows.map(row => {
      const component = nameAt >= 0 ? row[nameAt] : '';
      return h('tr', {},
        h('td', {}, h('input', { type: 'checkbox', 'aria-label': 'select ' + component, checked: state.selected.has(component),
          className: 'select-row', onchange: e => { e.target.checked ? state.selected.add(component) : state.selected.delete(component); } })),
        ...cols.map(c => {
          const value = row[state.columns.indexOf(c)];
          if (c === 'name') return h('td', {}, link('#/components/' + encodeURIComponent(value), value));
          const text = format(value);
          // Long lists (a component shared by many trials) stay one line; the whole value is in the tooltip.
          return h('td', { className: typeof value === 'number' ? 'num' : '', title: text.length > 60 ? text : undefined },
            text.length > 60 ? text.slice(0, 57) + '...' : text);
        }));
    }));
  }

  async function renderParallel() {
    if (!pcMetric.value || state.rows.length === 0) return;
    const echarts = await script('/webjars/echarts/5.3.1/dist/echarts.min.js', 'echarts');
    const rows = state.rows.filter(r => r[state.columns.indexOf(pcMetric.value)] !== null);
    // Only parameters these rows have (trackers' own parameters would be empty axes).
    const params = state.columns.filter(c => c.startsWith('params.') && rows.some(r => r[state.columns.indexOf(c)] !== null));
    const dims = [...params, pcMetric.value];
    const schema = dims.map((d, i) => {
      const values = rows.map(r => r[state.columns.indexOf(d)]);
      const numeric = values.every(v => v === null || typeof v === 'number');
      return numeric ? { dim: i, name: d, scale: true } : { dim: i, name: d, type: 'category', data: [...new Set(values.map(String))] };
    });
    const plot = echarts.getInstanceByDom(pcBox) || echarts.init(pcBox);
    plot.setOption({
      parallelAxis: schema, parallel: { left: 60, right: 120 },
      series: [{ type: 'parallel', lineStyle: { width: 1, opacity: 0.6 },
        data: rows.map(r => dims.map((d, i) => schema[i].type === 'category' ? String(r[state.columns.indexOf(d)]) : r[state.columns.indexOf(d)])) }],
      visualMap: { min: Math.min(...rows.map(r => r[state.columns.indexOf(pcMetric.value)])),
        max: Math.max(...rows.map(r => r[state.columns.indexOf(pcMetric.value)])), dimension: dims.length - 1,
        inRange: { color: ['#c6d4f5', '#2459c4'] }, right: 10, top: 'middle', calculable: true, precision: 3 },
    }, true);
    pcBox.dataset.lines = String(rows.length);
  }

  async function chartSelected() {
    const components = [...state.selected];
    if (components.length === 0) { status('Select rows (first column) to chart them.', true); return; }
    if (chart) chart.destroy();
    chart = new Chart(chartBox, components, metricSelect.value);
    await chart.load();
  }

  prev.addEventListener('click', () => { state.page--; load().catch(e => status(e.message, true)); });
  next.addEventListener('click', () => { state.page++; load().catch(e => status(e.message, true)); });
  groupBy.addEventListener('change', () => { state.groupBy = groupBy.value; state.page = 0; state.tokens = ['']; load().catch(e => status(e.message, true)); });
  pcMetric.addEventListener('change', () => renderParallel());

  const title = h('h1', {}, name);
  const about = h('p', { className: 'muted' });
  experimentAnswer.then(({ experiment }) => {
    title.textContent = experiment.display_name || experiment.name;
    about.replaceChildren(experiment.description, ' · ', experiment.trial_count, ' trials');
  }).catch(e => status(e.message, true));
  main.append(
    title,
    about,
    h('form', { className: 'toolbar', onsubmit: e => { e.preventDefault(); state.filter = filter.value; state.page = 0; state.tokens = [''];
      load().catch(err => status(err.message, true)); } },
      h('label', { htmlFor: 'filter' }, 'Filter'), filter, h('button', { type: 'submit', id: 'apply-filter' }, 'Apply'),
      h('label', { htmlFor: 'group-by' }, 'Best row per'), groupBy,
      h('button', { type: 'button', id: 'download-csv', onclick: () => download('/experiments/' + encodeURIComponent(name) + '/table.csv',
        { filter: state.filter, sort: state.sort.map(s => s.column + (s.desc ? ':desc' : '')), group_by: state.groupBy, column: visible() },
        name + '.csv').catch(e => status(e.message, true)) }, 'Download CSV')),
    filterError,
    h('details', {}, h('summary', {}, 'Columns'), columnList),
    h('div', { className: 'scroll' }, h('table', { className: 'grid', id: 'table' }, head, body)),
    h('div', { className: 'toolbar' }, prev, next, pageInfo),
    h('h2', {}, 'Curves of the selected rows'),
    h('div', { className: 'toolbar' }, h('label', { htmlFor: 'chart-metric' }, 'Metric'), metricSelect,
      h('button', { type: 'button', id: 'chart-selected', onclick: () => chartSelected().catch(e => status(e.message, true)) }, 'Chart selected')),
    chartBox,
    h('h2', {}, 'Parameters against a metric'),
    h('div', { className: 'toolbar' }, h('label', { htmlFor: 'pc-metric' }, 'Metric'), pcMetric),
    pcBox);
  await Promise.all([load(), experimentAnswer]);
  return () => { if (chart) chart.destroy(); };
}
