// Server-rendered SVG charts for the operator dashboard: no script, no build step, scale to any width.
// The plot stretches to its box (preserveAspectRatio="none"), so the words around it are HTML, placed in
// percent of the same box: stretched SVG text would be squeezed on a phone and smeared on a wide screen.

export interface Series {
  name: string;
  values: number[];
  color: string;
}

const W = 640;
const H = 200;
const PAD = { left: 44, right: 12, top: 10, bottom: 6 };
const plotW = W - PAD.left - PAD.right;
const plotH = H - PAD.top - PAD.bottom;
const pct = (x: number, of: number) => `${((x / of) * 100).toFixed(3)}%`;

function niceMax(max: number): number {
  if (max <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(max));
  return Math.ceil(max / step) * step;
}

/** Each label's slot is an equal share of the plot's width, so a label sits under its group or point. */
const slotCenter = (i: number, n: number) => PAD.left + ((i + 0.5) / Math.max(1, n)) * plotW;

/** "morning-2026-11-23" reads as its date with the schedule under it; any other id is shown as it is. */
function EditionLabel(props: { id: string }) {
  const m = /^(.*)-(\d{4})-(\d{2})-(\d{2})$/.exec(props.id);
  return (
    <span title={props.id}>
      {m ? `${m[3]}-${m[4]}` : props.id}
      {m ? <small>{m[1]}</small> : null}
    </span>
  );
}

function Plot(props: { title: string; max: number; format: (v: number) => string; labels: string[]; children: unknown }) {
  const ticks = [0, 0.5, 1].map((f) => f * props.max);
  const y = (v: number) => PAD.top + plotH - (v / props.max) * plotH;
  return (
    <>
      <div class="plot">
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.title} preserveAspectRatio="none">
          {ticks.map((v) => (
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} stroke="#e5e5e5" vector-effect="non-scaling-stroke" />
          ))}
          {props.children}
        </svg>
        {ticks.map((v) => (
          <span class="y-tick" style={`top:${pct(y(v), H)};width:${pct(PAD.left - 6, W)}`}>
            {props.format(v)}
          </span>
        ))}
      </div>
      {props.labels.length <= 14 ? (
        <div class="x-labels" style={`margin-left:${pct(PAD.left, W)};margin-right:${pct(PAD.right, W)}`}>
          {props.labels.map((label) => (
            <EditionLabel id={label} />
          ))}
        </div>
      ) : null}
    </>
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
  const n = props.labels.length;
  const group = plotW / Math.max(1, n);
  const bar = Math.max(1, (group * 0.8) / props.series.length);
  return (
    <figure class="chart" data-chart={props.title}>
      <figcaption>{props.title}</figcaption>
      <Plot title={props.title} max={max} format={(v) => String(Math.round(v))} labels={props.labels}>
        {props.labels.map((label, i) =>
          props.series.map((s, j) => {
            const v = s.values[i] ?? 0;
            const h = (v / max) * plotH;
            return (
              <rect
                x={slotCenter(i, n) - group * 0.4 + j * bar}
                y={PAD.top + plotH - h}
                width={bar}
                height={h}
                fill={s.color}
                data-value={v}
              >
                <title>{`${label}: ${s.name} ${v}`}</title>
              </rect>
            );
          }),
        )}
      </Plot>
      <Legend series={props.series} />
    </figure>
  );
}

/** A line with points: one value per label, e.g. click-through per edition, each point over its label. */
export function LineChart(props: { title: string; labels: string[]; series: Series[]; format?: (v: number) => string }) {
  const format = props.format ?? ((v: number) => String(v));
  const max = niceMax(Math.max(0, ...props.series.flatMap((s) => s.values)));
  const n = props.labels.length;
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  return (
    <figure class="chart" data-chart={props.title}>
      <figcaption>{props.title}</figcaption>
      <Plot title={props.title} max={max} format={format} labels={props.labels}>
        {props.series.map((s) => (
          <g>
            <polyline
              fill="none"
              stroke={s.color}
              stroke-width="2"
              vector-effect="non-scaling-stroke"
              points={s.values.map((v, i) => `${slotCenter(i, n)},${y(v)}`).join(' ')}
            />
            {s.values.map((v, i) => (
              <circle cx={slotCenter(i, n)} cy={y(v)} r="3.5" fill={s.color} data-value={v}>
                <title>{`${props.labels[i]}: ${format(v)}`}</title>
              </circle>
            ))}
          </g>
        ))}
      </Plot>
      <Legend series={props.series} />
    </figure>
  );
}
