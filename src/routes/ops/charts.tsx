// Server-rendered SVG charts for the operator dashboard: no script, no build step, scale to any width.

export interface Series {
  name: string;
  values: number[];
  color: string;
}

const W = 640;
const H = 220;
const PAD = { left: 44, right: 12, top: 12, bottom: 28 };

function niceMax(max: number): number {
  if (max <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(max));
  return Math.ceil(max / step) * step;
}

function Axis(props: { max: number; format: (v: number) => string }) {
  const ticks = [0, 0.5, 1].map((f) => f * props.max);
  const plotH = H - PAD.top - PAD.bottom;
  return (
    <g class="axis">
      {ticks.map((v) => {
        const y = PAD.top + plotH - (v / props.max) * plotH;
        return (
          <g>
            <line x1={PAD.left} x2={W - PAD.right} y1={y} y2={y} stroke="#e5e5e5" />
            <text x={PAD.left - 6} y={y + 4} text-anchor="end" font-size="11" fill="#5f6368">
              {props.format(v)}
            </text>
          </g>
        );
      })}
    </g>
  );
}

function Legend(props: { series: Series[] }) {
  return (
    <p class="legend">
      {props.series.map((s) => (
        <span>
          <svg width="10" height="10" aria-hidden="true">
            <rect width="10" height="10" fill={s.color} />
          </svg>{' '}
          {s.name}
        </span>
      ))}
    </p>
  );
}

/** Grouped bars: one group per label (an edition), one bar per series. */
export function BarChart(props: { title: string; labels: string[]; series: Series[] }) {
  const max = niceMax(Math.max(0, ...props.series.flatMap((s) => s.values)));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const group = plotW / Math.max(1, props.labels.length);
  const bar = Math.max(1, (group * 0.8) / props.series.length);
  return (
    <figure class="chart" data-chart={props.title}>
      <figcaption>{props.title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.title} preserveAspectRatio="none">
        <Axis max={max} format={(v) => String(Math.round(v))} />
        {props.labels.map((label, i) => (
          <g>
            {props.series.map((s, j) => {
              const v = s.values[i] ?? 0;
              const h = (v / max) * plotH;
              return (
                <rect
                  x={PAD.left + i * group + group * 0.1 + j * bar}
                  y={PAD.top + plotH - h}
                  width={bar}
                  height={h}
                  fill={s.color}
                  data-value={v}
                >
                  <title>{`${label}: ${s.name} ${v}`}</title>
                </rect>
              );
            })}
            {props.labels.length <= 12 ? (
              <text x={PAD.left + i * group + group / 2} y={H - 10} text-anchor="middle" font-size="10" fill="#5f6368">
                {label.slice(-10)}
              </text>
            ) : null}
          </g>
        ))}
      </svg>
      <Legend series={props.series} />
    </figure>
  );
}

/** A line with points: one value per label, e.g. click-through per edition. */
export function LineChart(props: { title: string; labels: string[]; series: Series[]; format?: (v: number) => string }) {
  const format = props.format ?? ((v: number) => String(v));
  const max = niceMax(Math.max(0, ...props.series.flatMap((s) => s.values)));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (props.labels.length <= 1 ? plotW / 2 : (i / (props.labels.length - 1)) * plotW);
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  return (
    <figure class="chart" data-chart={props.title}>
      <figcaption>{props.title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.title} preserveAspectRatio="none">
        <Axis max={max} format={format} />
        {props.series.map((s) => (
          <g>
            <polyline fill="none" stroke={s.color} stroke-width="2" points={s.values.map((v, i) => `${x(i)},${y(v)}`).join(' ')} />
            {s.values.map((v, i) => (
              <circle cx={x(i)} cy={y(v)} r="3.5" fill={s.color} data-value={v}>
                <title>{`${props.labels[i]}: ${format(v)}`}</title>
              </circle>
            ))}
          </g>
        ))}
      </svg>
      <Legend series={props.series} />
    </figure>
  );
}
