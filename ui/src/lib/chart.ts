// The Trends chart (Chart.js, canvas: nothing inline, fine under the app's CSP). Loaded with
// a dynamic import by the Trends view, so Chart.js stays out of the main bundle.
import {
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from "chart.js";
import type { Trends } from "./bindings/Trends";
import { colour, values, type TrendMode } from "./trends";

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

export type PointClick = (seriesIndex: number, yearIndex: number) => void;

function config(trends: Trends, mode: TrendMode, onPoint: PointClick): ChartConfiguration<"line"> {
  const css = getComputedStyle(document.documentElement);
  const read = (name: string) => css.getPropertyValue(name);
  const fg = read("--fg-muted").trim() || "#666";
  const grid = read("--border").trim() || "#ddd";
  const font = read("--font-ui").trim() || "system-ui, sans-serif";
  return {
    type: "line",
    data: {
      labels: trends.years.map(String),
      datasets: trends.series.map((s, i) => ({
        label: s.label,
        data: values(trends, i, mode),
        borderColor: colour(read, i),
        backgroundColor: colour(read, i),
        borderWidth: 2,
        pointRadius: 4,
        pointHoverRadius: 6,
        cubicInterpolationMode: "monotone",
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "nearest", intersect: true },
      onClick: (_event, elements) => {
        const hit = elements[0];
        if (hit) onPoint(hit.datasetIndex, hit.index);
      },
      onHover: (event, elements) => {
        const target = event.native?.target as HTMLElement | undefined;
        if (target) target.style.cursor = elements.length ? "pointer" : "default";
      },
      font: { family: font },
      color: fg,
      scales: {
        x: { grid: { color: grid }, ticks: { color: fg } },
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
export function drawTrends(canvas: HTMLCanvasElement, trends: Trends, mode: TrendMode, onPoint: PointClick): Chart {
  Chart.getChart(canvas)?.destroy();
  const chart = new Chart(canvas, config(trends, mode, onPoint));
  // For the UI tests and debugging: the chart behind the canvas (point positions).
  (canvas as HTMLCanvasElement & { casebookChart?: Chart }).casebookChart = chart;
  return chart;
}
