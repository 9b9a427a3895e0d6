// Closed periods as stacked bars: each period's amount, split by feature,
// oldest on the left. Amounts in the organization's currency only; a feature
// billed in another currency is left to the table.
import type { ChartConfiguration } from 'chart.js';
import type { HistoryPeriod } from '../api/tally-api';
import { periodKeyOf } from '../calendar/period-key';
import { colourOf } from './feature-colours';

export function historyChart(periods: readonly HistoryPeriod[], currency: string, timeZone: string): ChartConfiguration<'bar'> {
  const oldestFirst = [...periods].reverse();
  const features = [...new Set(oldestFirst.flatMap((period) => period.features.filter((line) => line.currency === currency).map((line) => line.feature)))].sort();
  return {
    type: 'bar',
    data: {
      labels: oldestFirst.map((period) => periodKeyOf(period.periodStart, timeZone)),
      datasets: features.map((feature) => ({
        label: feature,
        backgroundColor: colourOf(feature, features),
        // For drawing only: the table shows the exact decimal amounts.
        data: oldestFirst.map((period) => period.features.find((line) => line.feature === feature && line.currency === currency)?.overageAmount ?? 0),
      })),
    },
    options: {
      scales: {
        x: { stacked: true, title: { display: true, text: 'Billing period' } },
        y: { stacked: true, beginAtZero: true, title: { display: true, text: `Amount (${currency})` } },
      },
      plugins: { legend: { position: 'bottom' } },
    },
  };
}
