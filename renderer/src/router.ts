import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router';

export interface NavItem {
  path: string;
  label: string;
  /** Alt+key jumps there. */
  key: string;
}

export const navItems: NavItem[] = [
  { path: '/patients', label: 'Patients', key: '1' },
  { path: '/schedule', label: 'Schedule', key: '2' },
  { path: '/inbox', label: 'Inbox', key: '3' },
  { path: '/alerts', label: 'Alerts', key: '4' },
  { path: '/devices', label: 'Devices', key: '5' },
  { path: '/dashboard', label: 'Dashboard', key: '6' },
  { path: '/settings', label: 'Settings', key: '7' },
  { path: '/worklist', label: 'Worklist', key: '8' },
];

const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/patients' },
  { path: '/patients', component: () => import('./views/PatientsView.vue') },
  { path: '/patients/new', component: () => import('./views/PatientFormView.vue') },
  { path: '/patients/:id', component: () => import('./views/PatientProfileView.vue'), props: true },
  { path: '/patients/:id/edit', component: () => import('./views/PatientFormView.vue'), props: true },
  { path: '/schedule', component: () => import('./views/ScheduleView.vue') },
  { path: '/inbox', component: () => import('./views/InboxView.vue') },
  { path: '/inbox/:patientId', component: () => import('./views/InboxView.vue'), props: true },
  { path: '/alerts', component: () => import('./views/AlertsView.vue') },
  { path: '/alerts/rules', component: () => import('./views/RulesView.vue') },
  { path: '/devices', component: () => import('./views/DevicesView.vue') },
  { path: '/worklist', component: () => import('./views/WorklistView.vue') },
  { path: '/workflows', component: () => import('./views/WorkflowsView.vue') },
  { path: '/dashboard', component: () => import('./views/DashboardView.vue') },
  { path: '/settings', component: () => import('./views/SettingsView.vue') },
  { path: '/:pathMatch(.*)*', redirect: '/patients' },
];

// Hash history: works unchanged from careloop://app/index.html and from the browser-mode host.
export const router = createRouter({ history: createWebHashHistory(), routes });
