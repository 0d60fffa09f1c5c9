import { createRouter, createWebHashHistory, type RouteLocationNormalized, type RouteLocationRaw, type RouteRecordRaw } from 'vue-router';

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
  { path: '/segments', label: 'Segments', key: '9' },
  { path: '/audit', label: 'Audit', key: '0' },
  { path: '/population', label: 'Population', key: 'p' },
];

const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/patients' },
  { path: '/patients', component: () => import('./views/PatientsView.vue') },
  { path: '/patients/new', component: () => import('./views/PatientFormView.vue') },
  { path: '/patients/:id', component: () => import('./views/PatientProfileView.vue'), props: true },
  { path: '/patients/:id/edit', component: () => import('./views/PatientFormView.vue'), props: true },
  { path: '/patients/:id/summary', component: () => import('./views/PatientSummaryView.vue'), props: true },
  { path: '/patients/:id/report/:month', component: () => import('./views/MonthlyReportView.vue'), props: true },
  { path: '/schedule', component: () => import('./views/ScheduleView.vue') },
  { path: '/inbox', component: () => import('./views/InboxView.vue') },
  { path: '/inbox/:patientId', component: () => import('./views/InboxView.vue'), props: true },
  { path: '/alerts', component: () => import('./views/AlertsView.vue') },
  { path: '/alerts/rules', component: () => import('./views/RulesView.vue') },
  { path: '/devices', component: () => import('./views/DevicesView.vue') },
  { path: '/worklist', component: () => import('./views/WorklistView.vue') },
  { path: '/workflows', component: () => import('./views/WorkflowsView.vue') },
  { path: '/dashboard', component: () => import('./views/DashboardView.vue') },
  { path: '/segments', component: () => import('./views/SegmentsView.vue') },
  { path: '/population', component: () => import('./views/PopulationView.vue') },
  { path: '/settings', component: () => import('./views/SettingsView.vue') },
  { path: '/audit', component: () => import('./views/AuditView.vue') },
  { path: '/access/:patientId', component: () => import('./views/BreakGlassView.vue'), props: true },
  { path: '/:pathMatch(.*)*', redirect: '/patients' },
];

// Hash history: works unchanged from careloop://app/index.html and from the browser-mode host.
export const router = createRouter({ history: createWebHashHistory(), routes });

/** Decides whether a route may open now; the session sets it (sign-in, break-glass). */
export type RouteGate = (to: RouteLocationNormalized) => boolean | RouteLocationRaw | Promise<boolean | RouteLocationRaw>;
let gate: RouteGate = () => true;
export function setRouteGate(next: RouteGate): void {
  gate = next;
}
router.beforeEach((to) => gate(to));
