/**
 * electron-builder configuration, used by `npm run dist` (scripts/dist.ts passes it with --config). Plain data on
 * purpose: tests/packaging/builder-config.test.ts loads it as electron-builder does and validates it against
 * electron-builder's own JSON schema. Nothing here was built or run on the development machine (no Electron).
 */
module.exports = {
  // Fixed once shipped: Windows derives the installer's GUID and the taskbar identity from it.
  appId: 'com.gridcommandcenter.app',
  // ASCII keeps install folders, AppImage names and process names safe on Windows, Kylin and UOS; people see the
  // Chinese name on shortcuts and in the menu (nsis.shortcutName, linux.desktop).
  productName: 'Grid Command Center',
  copyright: 'Grid Command Center',
  directories: { output: 'out/dist' },
  // package.json has no "main"; the packaged app starts the bundle scripts/build-electron.ts writes.
  extraMetadata: { main: 'dist/electron/main.js' },
  // What `npm run build` makes: main, preload and sync worker (dist/electron), the renderer (dist/renderer).
  // Runtime dependencies from node_modules are added by electron-builder.
  files: ['package.json', 'dist/electron/**/*', 'dist/renderer/**/*'],
  asar: true,
  // A native add-on cannot be loaded from inside app.asar.
  asarUnpack: ['**/node_modules/better-sqlite3/**/*.node'],
  // Rebuild better-sqlite3 against Electron's Node ABI for each target (prebuilt binary when one exists).
  npmRebuild: true,
  buildDependenciesFromSource: false,
  nodeGypRebuild: false,
  // District outline and division names for the embedded demo server, outside the asar: <resources>/data.
  extraResources: [
    { from: 'resources/data', to: 'data' },
    { from: 'resources/openapi.json', to: 'openapi.json' },
  ],
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    // Windows (and macOS) check app.asar against the hash electron-builder embeds; Linux has no such check.
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  },
  // electron-updater reads this as the default feed. The .invalid host never resolves, so an unconfigured install
  // never updates; the Settings page's update server (settings.updateUrl) replaces it at run time.
  publish: [{ provider: 'generic', url: 'https://updates.example.invalid/grid-command-center/' }],

  win: {
    target: [{ target: 'nsis', arch: ['x64'] }],
    icon: 'resources/icons/icon.ico',
    artifactName: 'grid-command-center-${version}-win-${arch}-setup.${ext}',
  },
  nsis: {
    // IT installs it once for every account of a command-center PC.
    oneClick: false,
    perMachine: true,
    allowElevation: true,
    allowToChangeInstallationDirectory: true,
    shortcutName: '网格化服务管理指挥中心',
    uninstallDisplayName: '网格化服务管理指挥中心 (Grid Command Center) ${version}',
    createDesktopShortcut: true,
    createStartMenuShortcut: true,
    installerLanguages: ['zh_CN', 'en_US'],
    language: '2052',
    // The cache and settings survive an uninstall (a reinstall starts with the wall's data in place).
    deleteAppDataOnUninstall: false,
  },

  // x64 and arm64: many government offices run Kylin or UOS (Debian-based) on Phytium or Kunpeng arm64 machines.
  linux: {
    target: [
      { target: 'AppImage', arch: ['x64', 'arm64'] },
      { target: 'deb', arch: ['x64', 'arm64'] },
    ],
    // A folder of <size>x<size>.png files.
    icon: 'resources/icons',
    executableName: 'grid-command-center',
    category: 'Office',
    synopsis: 'Wall dashboard for district grid-based social governance',
    description:
      'Grid Command Center (网格化服务管理指挥中心): the video wall, the weekly briefing and the weekly notification report of a district command center.',
    maintainer: 'Grid Command Center <gcc@example.invalid>',
    vendor: 'Grid Command Center',
    desktop: {
      entry: {
        Name: 'Grid Command Center',
        'Name[zh_CN]': '网格化服务管理指挥中心',
        Comment: 'Wall dashboard for district grid-based social governance',
        'Comment[zh_CN]': '网格化服务管理指挥中心大屏、周报研判与通报导出',
      },
    },
  },
  appImage: { artifactName: 'grid-command-center-${version}-linux-${arch}.${ext}' },
  deb: { priority: 'optional' },
};
