// One chart on a canvas. Chart.js and the chart's own code load with the first
// chart shown, so the first page does not wait for them. The canvas is an image
// to assistive technology, named by a one-line summary; every chart in the
// console has a table with the same numbers next to it, which is what a screen
// reader reads.
import type { ChartConfiguration } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';

export function ChartCanvas({ load, summary, height = 320 }: { load: () => Promise<ChartConfiguration>; summary: string; height?: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    let chart: { destroy(): void } | null = null;
    let cancelled = false;
    void Promise.all([import('./chart-setup'), load()]).then(([{ Chart }, config]) => {
      if (cancelled || !canvas.current) return;
      chart = new Chart(canvas.current, { ...config, options: { ...config.options, responsive: true, maintainAspectRatio: false } });
      // Says the chart is drawn, for whoever waits for it (the browser tests do).
      canvas.current.dataset.drawn = 'true';
    });
    return () => {
      cancelled = true;
      chart?.destroy();
    };
  }, [load]);
  return (
    <div class="chart" style={{ height: `${height}px` }}>
      <canvas ref={canvas} role="img" aria-label={summary} />
    </div>
  );
}
