// One chart on a canvas. The canvas is an image to assistive technology, named
// by a one-line summary; every chart in the console has a table with the same
// numbers next to it, which is what a screen reader reads.
import type { ChartConfiguration } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';

export function ChartCanvas({ config, summary, height = 320 }: { config: ChartConfiguration; summary: string; height?: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    let chart: { destroy(): void } | null = null;
    let cancelled = false;
    void import('./chart-setup').then(({ Chart }) => {
      if (cancelled || !canvas.current) return;
      chart = new Chart(canvas.current, { ...config, options: { ...config.options, responsive: true, maintainAspectRatio: false } });
    });
    return () => {
      cancelled = true;
      chart?.destroy();
    };
  }, [config]);
  return (
    <div class="chart" style={{ height: `${height}px` }}>
      <canvas ref={canvas} role="img" aria-label={summary} />
    </div>
  );
}
