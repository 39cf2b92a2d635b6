// Renderer entry: connect to the store host, create the training queue, mount the app.
import { createApp } from 'vue';
import App from './App.vue';
import { APP_CONTEXT } from './app-context.ts';
import './charts/echarts.ts';
import './styles.css';
import { createTrainingQueue } from './training/queue.ts';
import { connectWorkbench } from './workbench.ts';

const { api } = connectWorkbench();
const queue = createTrainingQueue(api);
window.addEventListener('pagehide', () => queue.abandon());
const app = createApp(App);
app.provide(APP_CONTEXT, { api, queue });
app.mount('#app');
