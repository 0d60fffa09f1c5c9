/**
 * The layer rules of DESIGN.md, checked in `npm run lint`.
 * Environment-free code (common, drivers, signal, rules, sync merge, FHIR mapping)
 * imports nothing from Electron, Node or native addons (DOM and Node globals are kept out
 * by tsconfig.pure.json); the renderer never imports main-process code; only native/
 * loads native addons.
 */
const PURE = [
  '^common/',
  '^electron/devices/drivers/',
  '^electron/devices/session/',
  '^renderer/src/engine/insights/',
  '^renderer/src/engine/baselines/(?!stored-readings\\.ts$)',
  '^native/simulators/',
  '^renderer/src/engine/signal/',
  '^renderer/src/engine/rules/',
  '^renderer/src/engine/sync/merge/',
  '^renderer/src/engine/fhir/',
  '^renderer/src/engine/workflows/(workflow|events|decide|defaults|clock)\\.ts$',
];
const NATIVE_ADDONS = '^(node-hid|@abandonware/noble|usb|@abandonware/bluetooth-hci-socket)$|node_modules/(node-hid|@abandonware/noble|usb|@abandonware/bluetooth-hci-socket)/';

module.exports = {
  forbidden: [
    {
      name: 'pure-code-no-electron-or-node',
      comment: 'Environment-free code runs anywhere: no Electron, no Node built-ins.',
      severity: 'error',
      from: { path: PURE },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'pure-code-no-electron-package',
      severity: 'error',
      from: { path: PURE },
      to: { path: '^electron$|node_modules/electron/' },
    },
    {
      name: 'pure-code-stays-pure',
      comment: 'Environment-free code may only import other environment-free code and npm packages.',
      severity: 'error',
      from: { path: PURE },
      to: { path: '^(electron|renderer|native|server|cli)/', pathNot: PURE },
    },
    {
      name: 'renderer-not-main-process',
      comment: 'The renderer talks to the main process only through the contract in common/contract.',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^(electron|native|server|cli)/', pathNot: '^electron/devices/drivers/' },
    },
    {
      name: 'renderer-no-node',
      severity: 'error',
      from: { path: '^renderer/src/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'only-native-loads-addons',
      severity: 'error',
      from: { pathNot: '^native/' },
      to: { path: NATIVE_ADDONS },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { pathNot: '^renderer/src/db/migrations/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(out|node_modules|test-results)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.vue', '.js', '.mjs', '.json'] },
  },
};
