// The experiments list: search by name prefix, counts of trials and jobs, last activity.
import { get } from './api.js';
import { h, link, status } from './util.js';

export async function experimentsPage() {
  const main = document.getElementById('app');
  const prefix = h('input', { id: 'prefix', type: 'search', placeholder: 'name starts with' });
  const body = h('tbody');
  const more = h('button', { type: 'button', hidden: true }, 'More');
  let next = '';

  async function load(reset) {
    if (reset) { body.replaceChildren(); next = ''; }
    const answer = await get('/experiments', { name_prefix: prefix.value.trim(), page_size: 100, page_token: next });
    for (const e of answer.experiments) {
      body.append(h('tr', {},
        h('td', {}, link('#/experiments/' + encodeURIComponent(e.name), e.name)),
        h('td', {}, e.display_name || ''),
        h('td', { className: 'num' }, e.trial_count),
        h('td', { className: 'num' }, e.job_count ?? ''),
        h('td', { className: 'num' }, e.running_job_count ?? ''),
        h('td', {}, e.last_activity ? new Date(e.last_activity).toLocaleString() : ''),
        h('td', { className: 'muted' }, e.description || '')));
    }
    next = answer.next_page_token;
    more.hidden = !next;
    status(body.children.length + ' experiments');
  }

  let timer;
  prefix.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => load(true).catch(e => status(e.message, true)), 200); });
  more.addEventListener('click', () => load(false).catch(e => status(e.message, true)));
  main.append(h('h1', {}, 'Experiments'),
    h('div', { className: 'toolbar' }, h('label', { htmlFor: 'prefix' }, 'Search'), prefix),
    h('table', { className: 'grid', id: 'experiments' },
      h('thead', {}, h('tr', {}, ...['Name', 'Display name', 'Trials', 'Jobs', 'Running', 'Last activity', 'Hypothesis']
        .map(t => h('th', { scope: 'col' }, t)))), body),
    more);
  await load(true);
}
