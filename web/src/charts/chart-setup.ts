// Chart.js with only the parts the console draws (bars, lines, the annotation
// plugin for quota windows and limits), loaded with the first page that shows
// a chart so the overview does not wait for it.
import { BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import annotationPlugin from 'chartjs-plugin-annotation';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Filler, Legend, Tooltip, annotationPlugin);
// The console's text colour and font, so charts read like the page around them.
Chart.defaults.color = '#373c44';
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
// Charts redraw on every live refresh; animating each redraw only distracts.
Chart.defaults.animation = false;

export { Chart };
