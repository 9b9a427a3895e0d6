// The console's entry point: Pico's styles, the console's own, and the app.
import '@picocss/pico/css/pico.min.css';
import './styles.css';
import { render } from 'preact';
import { App } from './app';

const root = document.getElementById('console');
if (root) render(<App />, root);
