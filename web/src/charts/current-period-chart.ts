// The open period of one feature over the organization's local days: its
// quota windows shaded (each day or ISO week, or the whole period), a bar per
// day up to today with the day's usage (0 on days without any), and on a
// second scale the period's usage to date at today with the estimate's
// projection from today to the period's last day. A day and a period differ by
// a month's worth, so they do not share a scale.
import type { ChartConfiguration } from 'chart.js';
import type { AnnotationOptions } from 'chartjs-plugin-annotation';
import { DateTime } from 'luxon';
import type { CostEstimate, DailyUsageLine, FeatureUsage } from '../api/tally-api';
import { dayIndexOf, localDaysOf, quotaWindowsOf, type LocalDay, type QuotaWindowSpan } from '../calendar/organization-calendar';

export interface CurrentPeriodInput {
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly feature: FeatureUsage;
  readonly estimate: CostEstimate['features'][number] | undefined;
  /** The feature's lines of the period's usage per local day. */
  readonly daily: readonly DailyUsageLine[];
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

export function currentPeriodChart(input: CurrentPeriodInput): ChartConfiguration<'bar' | 'line'> {
  const days = localDaysOf(input.periodStart, input.periodEnd, input.timeZone);
  const series: CurrentPeriodSeries = { ...input, days, windows: quotaWindowsOf(days, input.feature.resetPeriod, input.timeZone) };
  const { feature, estimate } = series;
  const today = Math.max(0, dayIndexOf(days, series.now));
  const last = days.length - 1;
  const projected = estimate?.projectedQuantity ?? feature.totalQuantity;
  // The estimate continues at its daily rate; between today and the period's end that is a straight line.
  const projection = days.map((_, index) => (index < today ? null : feature.totalQuantity + ((projected - feature.totalQuantity) * (index - today)) / Math.max(1, last - today)));
  const perDay = new Map(input.daily.map((line) => [line.day, line.quantity]));
  // Days to come have no bar; past days without usage have one of height 0.
  const dayBars = days.map((day, index) => (index <= today ? (perDay.get(day.day) ?? 0) : null));
  const annotations: AnnotationOptions[] = [...windowBoxes(series, today)];
  // A daily quota is a line on the per-day scale; a period's quota one on the period's. A week is on neither.
  const includedOn = feature.resetPeriod === 'DAILY' ? 'y' : feature.resetPeriod === 'WEEKLY' ? null : 'y1';
  if (includedOn !== null) {
    annotations.push({
      type: 'line',
      yScaleID: includedOn,
      yMin: feature.includedQuantity,
      yMax: feature.includedQuantity,
      borderColor: '#b91c1c',
      borderWidth: 2,
      borderDash: [4, 4],
      label: { display: true, content: `included: ${feature.includedQuantity}`, position: 'start', backgroundColor: '#b91c1c' },
    });
  }
  return {
    type: 'bar',
    data: {
      labels: days.map((day) => DateTime.fromISO(day.day).toFormat('ccc d')),
      datasets: [
        {
          type: 'bar',
          label: 'Used that day',
          data: dayBars,
          yAxisID: 'y',
          backgroundColor: 'rgba(29, 78, 216, 0.55)',
        },
        {
          type: 'line',
          label: 'Period to date',
          data: days.map((_, index) => (index === today ? feature.totalQuantity : null)),
          yAxisID: 'y1',
          borderColor: '#0f172a',
          backgroundColor: '#0f172a',
          pointRadius: 6,
          showLine: false,
        },
        {
          type: 'line',
          label: "Projected at the estimate's run-rate",
          data: projection,
          yAxisID: 'y1',
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
        y: { beginAtZero: true, position: 'left', title: { display: true, text: `${feature.unit} per day` } },
        // Its grid would cross the per-day one at other heights.
        y1: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: `${feature.unit} period to date` } },
      },
      plugins: { legend: { position: 'bottom' }, annotation: { annotations } },
    },
  };
}
