/**
 * src/render/charts.ts: inline SVG charts (and Markdown's text bars) as pure functions. Lengths are
 * proportional to the values on one scale; every label is escaped; no number is NaN or Infinity.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BAR_CHART, COLUMN_CHART, barChart, clip, columnChart, intervalChart, niceAxis, scaled, svgNumber, textBar } from '../src/render/charts.js';
import { escapeHtml } from '../src/render/safe.js';

const HOSTILE = ['<script>alert(1)</script>', '"><svg onload=alert(1)>', "'", '&amp;', '</title><script>x</script>', ']]><!--'];

/** The attribute `name` of every `<tag class="cls" …>` in `svg`, as numbers. */
function attrs(svg: string, tag: string, cls: string, name: string): number[] {
  const out: number[] = [];
  for (const m of svg.matchAll(new RegExp(`<${tag} class="${cls}"[^>]*>`, 'g'))) {
    const v = new RegExp(`\\s${name}="([^"]*)"`).exec(m[0])?.[1];
    out.push(Number(v));
  }
  return out;
}

const pct = (v: number) => `${Math.round(v * 1000) / 10}%`;

describe('scales', () => {
  it('scales lengths in proportion, from 0, capped at the maximum, and draws nothing for what is not a positive number', () => {
    expect(scaled(50, 200, 400)).toBe(100);
    expect(scaled(200, 200, 400)).toBe(400);
    expect(scaled(300, 200, 400)).toBe(400);
    for (const bad of [0, -5, NaN, Infinity, -Infinity]) expect(scaled(bad, 200, 400)).toBe(0);
    expect(scaled(5, 0, 400)).toBe(0);
    expect(scaled(5, NaN, 400)).toBe(0);
  });

  it('rounds axes up to a round end with at most five steps', () => {
    expect(niceAxis(0.29)).toEqual({ max: 0.3, step: 0.1 });
    expect(niceAxis(0.49)).toEqual({ max: 0.5, step: 0.1 });
    expect(niceAxis(639002)).toEqual({ max: 800000, step: 200000 });
    expect(niceAxis(0)).toEqual({ max: 1, step: 0.25 });
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e12, noNaN: true }), (max) => {
        const axis = niceAxis(max);
        expect(axis.max).toBeGreaterThanOrEqual(max * (1 - 1e-9));
        expect(Math.round(axis.max / axis.step)).toBeLessThanOrEqual(5);
        expect(axis.max).toBeLessThan(max * 5.0001);
      }),
      { seed: 13 },
    );
  });

  it('writes attribute numbers with one decimal and never NaN, Infinity or -0', () => {
    expect(svgNumber(12.345)).toBe('12.3');
    expect(svgNumber(NaN)).toBe('0');
    expect(svgNumber(Infinity)).toBe('0');
    expect(svgNumber(-0.01)).toBe('0');
  });

  it('clips by characters, not UTF-16 units', () => {
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(clip('😀😀😀😀😀', 3)).toBe('😀😀…');
    expect(clip('abc', 3)).toBe('abc');
  });
});

describe('barChart', () => {
  const bars = [
    { name: 'Lead', value: 600, text: '600', part: 100 },
    { name: 'MQL', value: 330, text: '330', tone: 'good' as const },
    { name: 'SQL', value: 0, text: '0', tone: 'bad' as const },
  ];
  const svg = barChart({ label: 'Funnel', bars, legend: [{ cls: 'swatch', text: 'reached' }] });
  const plot = BAR_CHART.width - BAR_CHART.nameWidth - BAR_CHART.valueWidth;

  it('draws one bar per value, as long as the value on one scale, with its part as a segment at its end', () => {
    expect(svg.match(/<g class="bar /g)).toHaveLength(3);
    const widths = attrs(svg, 'rect', 'value', 'width');
    expect(widths).toEqual([plot, Math.round((plot * 330) / 600 * 10) / 10, 0]);
    const [partWidth] = attrs(svg, 'rect', 'part', 'width');
    const [partX] = attrs(svg, 'rect', 'part', 'x');
    expect(partWidth).toBeCloseTo(plot / 6, 0);
    expect(partX! + partWidth!).toBeCloseTo(BAR_CHART.nameWidth + plot, 0);
    expect(svg).toContain('<g class="bar tone-good">');
    expect(svg).toContain('<g class="bar tone-bad">');
    expect(svg).toContain('<g class="bar tone-neutral">');
  });

  it('shares a scale when given one, so charts of groups compare', () => {
    const half = barChart({ label: 'x', bars: [{ name: 'a', value: 300, text: '300' }], max: 600 });
    expect(attrs(half, 'rect', 'value', 'width')).toEqual([plot / 2]);
  });

  it('is labelled for screen readers and sized by its rows', () => {
    expect(svg).toMatch(/^<svg class="chart bars" role="img" aria-label="Funnel" viewBox="0 0 640 (\d+)" width="640" height="\1"><title>Funnel<\/title>/);
    const height = Number(/height="(\d+)"/.exec(svg)?.[1]);
    expect(height).toBe(24 + 3 * BAR_CHART.rowHeight + 4);
  });

  it('escapes hostile names, value texts and titles after clipping', () => {
    for (const name of HOSTILE) {
      const out = barChart({ label: name, bars: [{ name, value: 1, text: name, title: name }] });
      expect(out).not.toContain('<script');
      expect(out.replace(/"[^"]*"/g, '""')).not.toMatch(/<[^>]*onload/);
      expect(out).toContain(`<title>${escapeHtml(name)}</title>`);
      expect(out.split('<').length).toBe(barChart({ label: 'x', bars: [{ name: 'x', value: 1, text: 'x', title: 'x' }] }).split('<').length);
    }
    const long = barChart({ label: 'x', bars: [{ name: '<'.repeat(40), value: 1, text: '1' }] });
    expect(long).toContain(`>${'&lt;'.repeat(24)}…</text>`);
  });

  it('stays finite whatever the values', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double(), fc.constantFrom(NaN, Infinity, -Infinity, 0, -1)), { maxLength: 8 }), (values) => {
        const out = barChart({ label: 'x', bars: values.map((value, i) => ({ name: `n${i}`, value, text: 't', part: value / 2 })) });
        expect(out).not.toMatch(/NaN|Infinity|undefined|="-/);
      }),
      { seed: 13 },
    );
  });
});

describe('intervalChart', () => {
  const points = [
    { name: 'Paid', value: 0.2, low: 0.1, high: 0.3, text: '20%', tone: 'good' as const },
    { name: 'Email', value: 0.05, low: 0.02, high: 0.11, text: '5%', tone: 'bad' as const, hollow: true },
    { name: 'None', value: 0.1, low: null, high: null, text: '10%' },
  ];
  const svg = intervalChart({ label: 'Win rate', points, reference: { value: 0.1, text: 'overall 10%' }, tick: pct });

  it('puts each dot at its rate and its whiskers at the interval ends, on a round 0-based axis', () => {
    const cx = attrs(svg, 'circle', 'dot', 'cx').concat(attrs(svg, 'circle', 'dot hollow', 'cx'));
    expect(cx).toHaveLength(3);
    // axis 0–30% over 190…570 (nameWidth to width - valueWidth)
    const x = (v: number) => 190 + (v / 0.3) * 380;
    expect(attrs(svg, 'circle', 'dot', 'cx')).toEqual([Math.round(x(0.2) * 10) / 10, Math.round(x(0.1) * 10) / 10]);
    expect(attrs(svg, 'circle', 'dot hollow', 'cx')).toEqual([Math.round(x(0.05) * 10) / 10]);
    const x1 = attrs(svg, 'line', 'ci', 'x1');
    expect(x1[0]).toBeCloseTo(x(0.1), 0);
    expect(attrs(svg, 'line', 'ci', 'x2')[0]).toBeCloseTo(x(0.3), 0);
    expect(attrs(svg, 'line', 'ref', 'x1')[0]).toBeCloseTo(x(0.1), 0);
    expect(svg).toContain('>30%</text>');
    expect(svg).not.toContain('>40%</text>');
  });

  it('draws no whisker without an interval, and colours a row by its tone', () => {
    expect(svg.match(/<g class="interval /g)).toHaveLength(3);
    expect(svg.match(/<line class="ci"/g)).toHaveLength(6); // two rows, a bar and two caps each
    expect(svg).toContain('<g class="interval tone-good">');
    expect(svg).toContain('<g class="interval tone-bad">');
  });

  it('escapes hostile names', () => {
    for (const name of HOSTILE) {
      const out = intervalChart({ label: name, points: [{ name, value: 0.1, low: 0, high: 0.2, text: name }], tick: pct });
      expect(out).not.toContain('<script');
      expect(out).toContain(`<title>${escapeHtml(name)}: ${escapeHtml(name)}</title>`);
    }
  });
});

describe('columnChart', () => {
  const points = ['2024-01', '2024-02', '2024-03', '2024-04'].map((name, i) => ({ name, value: [0.2, 0.1, 0, 0.05][i]!, text: 'x', tone: i === 3 ? ('muted' as const) : undefined }));
  const svg = columnChart({ label: 'Win rate by month', points, tick: pct, legend: [{ cls: 'swatch tone-muted', text: 'still closing' }] });

  it('draws columns as tall as their values from a shared baseline', () => {
    const heights = attrs(svg, 'rect', 'value', 'height');
    expect(heights).toEqual([COLUMN_CHART.plotHeight, COLUMN_CHART.plotHeight / 2, 0, COLUMN_CHART.plotHeight / 4]);
    const bottoms = attrs(svg, 'rect', 'value', 'y').map((y, i) => y + heights[i]!);
    expect(new Set(bottoms).size).toBe(1);
    expect(svg).toContain('<g class="column tone-muted">');
    expect(svg).toContain('>2024-01</text>');
  });

  it('escapes hostile period names', () => {
    const out = columnChart({ label: 'x', points: HOSTILE.map((name) => ({ name, value: 1, text: '1' })), tick: pct });
    expect(out).not.toContain('<script');
    expect(out.replace(/"[^"]*"/g, '""')).not.toMatch(/<[^>]*onload/);
  });
});

describe('textBar', () => {
  it('is as many cells as the value is of the maximum, to an eighth', () => {
    expect(textBar(600, 600)).toBe('█'.repeat(20));
    expect(textBar(300, 600)).toBe('█'.repeat(10));
    expect(textBar(600 * (10.5 / 20), 600)).toBe(`${'█'.repeat(10)}▌`);
    expect(textBar(1, 600)).toBe('▏');
    expect(textBar(0, 600)).toBe('');
    expect(textBar(NaN, 600)).toBe('');
    expect(textBar(-3, 600)).toBe('');
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (share) => {
        const bar = textBar(share, 1, 20);
        const cells = [...bar].reduce((sum, c) => sum + (c === '█' ? 1 : ('▏▎▍▌▋▊▉'.indexOf(c) + 1) / 8), 0);
        expect(Math.abs(cells - share * 20)).toBeLessThanOrEqual(share > 0 ? 1 / 8 : 0);
      }),
      { seed: 13 },
    );
  });
});
