// Requests per minute and version: during a rotation, one line falling (the previous version) and
// one rising (the current one) answer "can I retire it yet?". uPlot draws on a canvas; the same
// numbers are in a table below it for screen readers and keyboard users.
import { useEffect, useRef, useState } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { Usage } from "./api.js";

const COLORS = ["#2563eb", "#d97706", "#059669", "#9333ea", "#dc2626"];

function css(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || "#888";
}

/**
 * Aligned columns for uPlot: every minute (or hour) of the asked window, so a quiet minute is a
 * zero rather than a gap, and one series of totals per version.
 */
export function toColumns(usage: Usage): { xs: number[]; series: { version: number; ys: number[] }[] } {
  const step = usage.granularity === "hour" ? 3600 : 60;
  const from = Math.floor(Date.parse(usage.from) / 1000 / step) * step;
  const to = Math.floor(Date.parse(usage.to) / 1000 / step) * step;
  const xs: number[] = [];
  for (let t = from; t <= to && xs.length < 2000; t += step) xs.push(t);
  const series = usage.versions.map((v) => {
    const by = new Map(v.series.map((p) => [Math.floor(Date.parse(p.at) / 1000 / step) * step, p.total]));
    return { version: v.version, ys: xs.map((x) => by.get(x) ?? 0) };
  });
  return { xs, series };
}

export function UsageChart(props: { usage: Usage; label: string }) {
  const el = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const { xs, series } = toColumns(props.usage);
  // the axes take their colours from the theme: a switch to dark (or back) draws the chart anew
  const [dark, setDark] = useState(() => matchMedia("(prefers-color-scheme: dark)").matches);
  useEffect(() => {
    const m = matchMedia("(prefers-color-scheme: dark)");
    const on = () => setDark(m.matches);
    m.addEventListener("change", on);
    return () => m.removeEventListener("change", on);
  }, []);
  const shape = `${series.map((s) => s.version).join(",")}:${dark}`;

  useEffect(() => {
    const host = el.current!;
    const axis = { stroke: css("--fg-muted"), grid: { stroke: css("--border"), width: 1 } };
    const opts: uPlot.Options = {
      width: Math.max(280, host.clientWidth),
      height: 220,
      series: [
        {},
        ...series.map((s, i) => ({
          label: `v${s.version}`,
          stroke: COLORS[i % COLORS.length]!,
          width: 2,
          points: { show: false },
        })),
      ],
      axes: [axis, { ...axis, size: 48 }],
      scales: { x: { time: true } },
      legend: { show: true },
    };
    plot.current = new uPlot(opts, [xs, ...series.map((s) => s.ys)] as uPlot.AlignedData, host);
    const resize = new ResizeObserver(() => {
      plot.current?.setSize({ width: Math.max(280, host.clientWidth), height: 220 });
    });
    resize.observe(host);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // a new chart only when the versions change; new numbers go through setData below
  }, [shape]);

  useEffect(() => {
    plot.current?.setData([xs, ...series.map((s) => s.ys)] as uPlot.AlignedData);
  });

  return (
    <figure class="chart">
      <div
        ref={el}
        role="img"
        aria-label={`${props.label}: ${series.map((s) => `version ${s.version}, ${s.ys.reduce((a, b) => a + b, 0)} requests`).join("; ")}`}
        data-series={series.length}
      />
      <figcaption class="muted">Requests per minute, one line per version (last hour)</figcaption>
      <table class="sr-only">
        <caption>Requests per version in the last hour</caption>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Requests</th>
          </tr>
        </thead>
        <tbody>
          {props.usage.versions.map((v) => (
            <tr key={v.version}>
              <td>v{v.version}</td>
              <td>{Object.values(v.totals).reduce((a, b) => a + b, 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
