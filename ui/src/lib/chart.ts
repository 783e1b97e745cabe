// The Trends chart (Chart.js, canvas: nothing inline, fine under the app's CSP). Loaded with
// a dynamic import by the Trends view, so Chart.js stays out of the main bundle.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type ChartDataset,
} from "chart.js";
import type { Trends } from "./bindings/Trends";
import type { TrendChart } from "./bindings/TrendChart";
import type { TrendMode } from "./bindings/TrendMode";
import { colour, seriesStyle, values } from "./trends";

Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  CategoryScale,
  Legend,
  Tooltip,
);

export type PointClick = (seriesIndex: number, yearIndex: number) => void;

type Kind = "line" | "bar";

function dataset(trends: Trends, i: number, mode: TrendMode, kind: Kind, read: (n: string) => string) {
  const c = colour(read, i);
  const base = { label: trends.series[i]?.label ?? "", data: values(trends, i, mode), borderColor: c };
  if (kind === "bar") {
    return { ...base, backgroundColor: c, borderWidth: 0, borderRadius: 2, maxBarThickness: 28 };
  }
  // Lines that coincide (two series with the same counts) stay apart to the eye: each series
  // has its own point shape and dash pattern besides its colour.
  const { pointStyle, borderDash } = seriesStyle(i);
  return {
    ...base,
    backgroundColor: c,
    borderWidth: 2,
    borderDash,
    pointStyle,
    pointRadius: 4,
    pointHoverRadius: 7,
    cubicInterpolationMode: "monotone" as const,
  };
}

function config(trends: Trends, mode: TrendMode, chart: TrendChart, onPoint: PointClick): ChartConfiguration<Kind> {
  const css = getComputedStyle(document.documentElement);
  const read = (name: string) => css.getPropertyValue(name);
  const fg = read("--fg-muted").trim() || "#666";
  const grid = read("--border").trim() || "#ddd";
  const font = read("--font-ui").trim() || "system-ui, sans-serif";
  const kind: Kind = chart === "bars" ? "bar" : "line";
  return {
    type: kind,
    data: {
      labels: trends.years.map(String),
      datasets: trends.series.map((_, i) => dataset(trends, i, mode, kind, read)) as ChartDataset<Kind>[],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      // The tooltip lists every series of the year under the pointer (also the ones hidden
      // behind another line); a click takes the one point or bar under it.
      interaction: { mode: "index", intersect: false },
      onClick: (event, _elements, c) => {
        const native = event.native;
        if (!native) return;
        const hit = c.getElementsAtEventForMode(native, "nearest", { intersect: true }, false)[0];
        if (hit) onPoint(hit.datasetIndex, hit.index);
      },
      onHover: (event, _elements, c) => {
        const target = event.native?.target as HTMLElement | undefined;
        if (!target || !event.native) return;
        const over = c.getElementsAtEventForMode(event.native, "nearest", { intersect: true }, false);
        target.style.cursor = over.length ? "pointer" : "default";
      },
      font: { family: font },
      color: fg,
      scales: {
        x: { grid: { color: grid, display: kind === "line" }, ticks: { color: fg } },
        y: {
          beginAtZero: true,
          grid: { color: grid },
          ticks: { color: fg, precision: 0, callback: (v) => (mode === "share" ? `${v}%` : `${v}`) },
          title: {
            display: true,
            text: mode === "share" ? "Share of the year's case studies" : "Case studies",
            color: fg,
          },
        },
      },
      plugins: {
        legend: { position: "bottom", labels: { color: fg, usePointStyle: true, boxHeight: 8 } },
        tooltip: {
          callbacks: {
            label: (ctx) => {
              const s = trends.series[ctx.datasetIndex];
              const n = s?.counts[ctx.dataIndex] ?? 0;
              const total = trends.totals_per_year[ctx.dataIndex] ?? 0;
              const pct = Math.round((s?.share[ctx.dataIndex] ?? 0) * 100);
              return `${ctx.dataset.label}: ${n} of ${total} (${pct}%)`;
            },
          },
        },
      },
    },
  };
}

/** Draws `trends` on `canvas` (replacing what was there); returns the chart. */
export function drawTrends(
  canvas: HTMLCanvasElement,
  trends: Trends,
  mode: TrendMode,
  chart: TrendChart,
  onPoint: PointClick,
): Chart<Kind> {
  Chart.getChart(canvas)?.destroy();
  const drawn = new Chart<Kind>(canvas, config(trends, mode, chart, onPoint));
  // For the UI tests and debugging: the chart behind the canvas (point positions).
  (canvas as HTMLCanvasElement & { casebookChart?: Chart<Kind> }).casebookChart = drawn;
  return drawn;
}
