import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { router } from './router';
import { useAppStore } from './stores/app';
import './styles.css';

const app = createApp(App);
app.use(createPinia());
app.use(router);
void useAppStore().boot();
app.mount('#app');

// Every screen's code is fetched once the first one is up, so moving between screens never
// waits on the network, and works while the connection (or the browser-mode host) is away.
const warmScreens = () => {
  for (const route of router.getRoutes()) {
    const load = route.components?.default;
    if (typeof load === 'function') void (load as () => Promise<unknown>)().catch(() => undefined);
  }
};
if ('requestIdleCallback' in window) requestIdleCallback(warmScreens, { timeout: 3000 });
else setTimeout(warmScreens, 1000);
