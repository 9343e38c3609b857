// Curves of one metric of several components (uPlot): zoom re-reads the zoomed range from the
// server (its min/max-keeping downsampling at the chart's width), pan, EMA smoothing, x by step or
// time, and live points pushed by the server.
import uPlot from '/webjars/uplot/1.6.30/dist/uPlot.esm.js';
import { events, get } from './api.js';
import { h, status } from './util.js';

const COLORS = ['#2459c4', '#d1495b', '#2a9d8f', '#e9c46a', '#8e44ad', '#f4a261', '#264653', '#6a994e', '#bc4749', '#577590'];

export class Chart {
  constructor(box, components, metric) {
    this.box = box; this.components = components; this.metric = metric;
    this.series = new Map(); // component -> {steps, values, timestamps}
    this.range = null; this.byTime = false; this.smoothing = 0; this.live = null; this.plot = null;
  }

  maxPoints() { return Math.max(200, Math.min(4000, Math.round(this.box.clientWidth || 800))); }

  async load() {
    const started = performance.now();
    const answer = await get('/series', { component: this.components, metric: this.metric, max_points: this.maxPoints(),
      min_step: this.range ? Math.floor(this.range[0]) : '', max_step: this.range ? Math.ceil(this.range[1]) : '' });
    for (const s of answer.series) {
      if (s.error) { this.series.delete(s.trial_component_name); continue; }
      this.series.set(s.trial_component_name, { steps: s.steps, values: s.values, timestamps: s.timestamps });
    }
    this.draw();
    this.box.dataset.paintMs = String(Math.round(performance.now() - started));
    if (!this.live) this.follow();
  }

  follow() {
    const names = [...this.series.keys()];
    if (names.length === 0) return;
    const after = names.map(c => { const s = this.series.get(c); return s.steps.length ? s.steps[s.steps.length - 1] : -1; });
    this.live = events('/series/live', { component: names, metric: this.metric, after_step: after }, (name, data) => {
      if (name !== 'points') return;
      const update = JSON.parse(data);
      const s = this.series.get(update.trial_component_name);
      if (!s) return;
      s.steps.push(...update.steps); s.values.push(...update.values); s.timestamps.push(...update.timestamps);
      this.box.dataset.liveUpdates = String(Number(this.box.dataset.liveUpdates || 0) + 1);
      // When the newest step arrived (epoch ms): what the live-lag benchmark reads.
      this.box.dataset.lastLiveStep = String(update.steps[update.steps.length - 1]);
      this.box.dataset.lastLiveAt = String(Date.now());
      if (!this.range) this.draw();
    }, error => { if (error) status('Live updates stopped: ' + error.message, true); });
  }

  data() {
    const names = [...this.series.keys()];
    const tables = names.map(c => {
      const s = this.series.get(c);
      const xs = this.byTime ? s.timestamps.map(t => t / 1000) : s.steps;
      const ys = this.smooth(s.values);
      // uPlot.join needs ascending x; steps come sorted, timestamps nearly so.
      const order = xs.map((x, i) => i).sort((a, b) => xs[a] - xs[b]);
      return [order.map(i => xs[i]), order.map(i => ys[i])];
    });
    return { names, data: tables.length ? uPlot.join(tables) : [[]] };
  }

  smooth(values) {
    if (!this.smoothing) return values;
    const out = []; let ema = null;
    for (const v of values) {
      if (v === null) { out.push(null); continue; }
      ema = ema === null ? v : this.smoothing * ema + (1 - this.smoothing) * v;
      out.push(ema);
    }
    return out;
  }

  draw() {
    const { names, data } = this.data();
    if (this.plot) this.plot.destroy();
    this.box.replaceChildren(this.controls());
    const self = this;
    const opts = {
      width: Math.max(400, this.box.clientWidth || 900), height: 320, title: this.metric,
      scales: { x: { time: this.byTime } },
      series: [{ label: this.byTime ? 'time' : 'step' },
        ...names.map((n, i) => ({ label: n, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: true }))],
      cursor: { drag: { x: true, y: false } },
      hooks: { setSelect: [u => {
        if (u.select.width < 5) return;
        const min = u.posToVal(u.select.left, 'x'), max = u.posToVal(u.select.left + u.select.width, 'x');
        u.setSelect({ width: 0, height: 0 }, false);
        self.zoom(min, max);
      }] },
    };
    this.plot = new uPlot(opts, data, this.box);
    this.box.dataset.seriesCount = String(names.length);
    this.box.dataset.points = String(data[0].length);
  }

  controls() {
    const smoothing = h('input', { type: 'range', min: 0, max: 0.99, step: 0.01, value: this.smoothing, id: 'smoothing',
      onchange: e => { this.smoothing = Number(e.target.value); this.draw(); } });
    return h('div', { className: 'toolbar' },
      h('label', {}, h('input', { type: 'checkbox', id: 'by-time', checked: this.byTime,
        onchange: e => { this.byTime = e.target.checked; this.range = null; this.load(); } }), ' x by time'),
      h('label', { htmlFor: 'smoothing' }, 'Smoothing (EMA)'), smoothing,
      h('button', { type: 'button', onclick: () => this.pan(-0.5), disabled: !this.range }, '◀ Pan'),
      h('button', { type: 'button', onclick: () => this.pan(0.5), disabled: !this.range }, 'Pan ▶'),
      h('button', { type: 'button', id: 'reset-zoom', onclick: () => { this.range = null; this.load(); }, disabled: !this.range }, 'Reset zoom'),
      h('span', { className: 'muted' }, 'Drag across the chart to zoom: the server downsamples the range again.'));
  }

  zoom(min, max) {
    if (this.byTime) {
      // The server reads ranges by step: map the time range to the steps inside it.
      const steps = [...this.series.values()].flatMap(s => s.steps.filter((x, i) => s.timestamps[i] / 1000 >= min && s.timestamps[i] / 1000 <= max));
      if (steps.length === 0) return;
      min = Math.min(...steps); max = Math.max(...steps);
    }
    this.range = [Math.max(0, min), Math.max(0, max)];
    this.load().catch(e => status(e.message, true));
  }

  pan(fraction) {
    const [min, max] = this.range, shift = (max - min) * fraction;
    this.range = [Math.max(0, min + shift), Math.max(0, max + shift)];
    this.load().catch(e => status(e.message, true));
  }

  destroy() {
    if (this.live) this.live.abort();
    if (this.plot) this.plot.destroy();
  }
}
