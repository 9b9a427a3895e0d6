// The open period of one feature over the organization's local days: its
// quota windows shaded (each day or ISO week, or the whole period), the usage
// to date at today, and the estimate's projection from today to the period's
// last day. The API answers the period's total, the current window and the
// run-rate, not a breakdown of past days, so nothing before today is drawn.
import type { ChartConfiguration } from 'chart.js';
import type { AnnotationOptions } from 'chartjs-plugin-annotation';
import { DateTime } from 'luxon';
import type { CostEstimate, FeatureUsage } from '../api/tally-api';
import { dayIndexOf, localDaysOf, quotaWindowsOf, type LocalDay, type QuotaWindowSpan } from '../calendar/organization-calendar';

export interface CurrentPeriodInput {
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly feature: FeatureUsage;
  readonly estimate: CostEstimate['features'][number] | undefined;
  readonly now: string;
  readonly timeZone: string;
}

interface CurrentPeriodSeries extends CurrentPeriodInput {
  readonly days: readonly LocalDay[];
  readonly windows: readonly QuotaWindowSpan[];
}

const WINDOW_SHADES = ['rgba(29, 78, 216, 0.06)', 'rgba(29, 78, 216, 0.13)'];

// The current window's figures are in the table below the chart; a label on a one-day band would not fit.
function windowBoxes(series: CurrentPeriodSeries, today: number): AnnotationOptions[] {
  return series.windows.map((window, index) => {
    const current = window.firstDay <= today && today <= window.lastDay;
    return {
      type: 'box',
      xMin: window.firstDay - 0.5,
      xMax: window.lastDay + 0.5,
      backgroundColor: current ? 'rgba(180, 83, 9, 0.14)' : WINDOW_SHADES[index % 2],
      borderWidth: 0,
      drawTime: 'beforeDatasetsDraw',
    };
  });
}

export function currentPeriodChart(input: CurrentPeriodInput): ChartConfiguration<'line'> {
  const days = localDaysOf(input.periodStart, input.periodEnd, input.timeZone);
  const series: CurrentPeriodSeries = { ...input, days, windows: quotaWindowsOf(days, input.feature.resetPeriod, input.timeZone) };
  const { feature, estimate } = series;
  const today = Math.max(0, dayIndexOf(days, series.now));
  const last = days.length - 1;
  const projected = estimate?.projectedQuantity ?? feature.totalQuantity;
  // The estimate continues at its daily rate; between today and the period's end that is a straight line.
  const projection = days.map((_, index) => (index < today ? null : feature.totalQuantity + ((projected - feature.totalQuantity) * (index - today)) / Math.max(1, last - today)));
  const annotations: AnnotationOptions[] = [...windowBoxes(series, today)];
  if (feature.resetPeriod !== 'DAILY' && feature.resetPeriod !== 'WEEKLY') {
    annotations.push({ type: 'line', yMin: feature.includedQuantity, yMax: feature.includedQuantity, borderColor: '#b91c1c', borderWidth: 2, borderDash: [4, 4], label: { display: true, content: `included: ${feature.includedQuantity}`, position: 'start', backgroundColor: '#b91c1c' } });
  }
  return {
    type: 'line',
    data: {
      labels: days.map((day) => DateTime.fromISO(day.day).toFormat('ccc d')),
      datasets: [
        {
          label: 'Used to date',
          data: days.map((_, index) => (index === today ? feature.totalQuantity : null)),
          borderColor: '#1d4ed8',
          backgroundColor: '#1d4ed8',
          pointRadius: 6,
          showLine: false,
        },
        {
          label: "Projected at the estimate's run-rate",
          data: projection,
          borderColor: '#334155',
          borderDash: [6, 4],
          pointRadius: 0,
          spanGaps: false,
        },
      ],
    },
    options: {
      scales: {
        x: { title: { display: true, text: `Local day (${series.timeZone})` }, ticks: { autoSkip: true, maxRotation: 0 } },
        y: { beginAtZero: true, title: { display: true, text: `${feature.unit} (period to date)` } },
      },
      plugins: { legend: { position: 'bottom' }, annotation: { annotations } },
    },
  };
}
