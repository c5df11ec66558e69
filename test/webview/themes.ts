// The theme variables VS Code's bundled themes give a webview, for the tests that render under each
// one. Values resolved by hand for VS Code 1.139 (the code-server 4.139.1 of the integration tier) from
// extensions/theme-defaults/themes/*.json, following each "include", and, for keys a theme leaves
// unset, the colour registry's defaults in out/vs/code/browser/workbench/workbench.js:
//   charts.blue = editorInfo.foreground (dark #59a4f9, light #0063d3, hcDark #59a4f9, hcLight #0063d3);
//   charts.orange = minimap.findMatchHighlight = editor.findMatchHighlightBackground
//     (#EA5C0055 in dark and light, null in both high-contrast kinds, so VS Code sets no variable);
//   charts.purple (dark #B180D7, light #652D90, hcDark #B180D7, hcLight #652D90);
//   foreground (dark #CCCCCC, light #616161, hcDark #FFFFFF, hcLight #292929);
//   descriptionForeground (light #717171, others foreground at 0.7 alpha);
//   editor.background (dark #1E1E1E, light #ffffff, hcDark black, hcLight white);
//   panel.border (dark and light #808080 at 0.35, high contrast = contrastBorder #6FC3DF / #0F4A85);
//   editorWarning.foreground (dark #CCA700, light #BF8803, hcDark #FFD370, hcLight #895503).
// VS Code (webview/browser/pre/index.html, applyStyles) sets them on <html> as --vscode-* properties and
// puts the theme kind on <body> as a class (high-contrast light gets both high-contrast classes).
// The dropdown, button, badge and focus colours only make the screenshots look like the real panel;
// the assertions read the background, foreground and chart colours.

export type ThemeKind = 'vscode-dark' | 'vscode-light' | 'vscode-high-contrast' | 'vscode-high-contrast-light';

export interface BundledTheme {
  readonly id: string;
  readonly label: string;
  readonly kind: ThemeKind;
  /** Variable name without the leading "--vscode-" → CSS value. */
  readonly colors: Readonly<Record<string, string>>;
}

const DARK_CHARTS = {
  'charts-blue': '#59a4f9',
  'charts-orange': 'rgba(234, 92, 0, 0.333)',
  'charts-purple': '#b180d7',
  'charts-green': '#89d185',
  'charts-red': '#f14c4c',
  'charts-yellow': '#cca700',
};
const LIGHT_CHARTS = {
  'charts-blue': '#0063d3',
  'charts-orange': 'rgba(234, 92, 0, 0.333)',
  'charts-purple': '#652d90',
  'charts-green': '#388a34',
  'charts-red': '#e51400',
  'charts-yellow': '#bf8803',
};

const DEFINED: readonly BundledTheme[] = [
  {
    id: 'dark-modern',
    label: 'Dark Modern',
    kind: 'vscode-dark',
    colors: {
      'editorWarning-foreground': '#cca700',
      'dropdown-background': '#313131',
      'dropdown-foreground': '#cccccc',
      'dropdown-border': '#3c3c3c',
      'button-background': '#0078d4',
      'button-foreground': '#ffffff',
      'button-secondaryBackground': '#313131',
      'button-secondaryForeground': '#cccccc',
      'badge-background': '#616161',
      'badge-foreground': '#f8f8f8',
      focusBorder: '#0078d4',
      'editor-background': '#1f1f1f',
      foreground: '#cccccc',
      'editor-foreground': '#cccccc',
      descriptionForeground: '#9d9d9d',
      'panel-border': '#2b2b2b',
      'widget-border': '#313131',
      'editorWidget-background': '#202020',
      ...DARK_CHARTS,
    },
  },
  {
    id: 'dark-plus',
    label: 'Dark+',
    kind: 'vscode-dark',
    colors: {
      'editorWarning-foreground': '#cca700',
      'dropdown-background': '#3c3c3c',
      'dropdown-foreground': '#f0f0f0',
      'dropdown-border': '#3c3c3c',
      'button-background': '#0e639c',
      'button-foreground': '#ffffff',
      'button-secondaryBackground': '#3a3d41',
      'button-secondaryForeground': '#ffffff',
      'badge-background': '#4d4d4d',
      'badge-foreground': '#ffffff',
      focusBorder: '#007fd4',
      'editor-background': '#1e1e1e',
      foreground: '#cccccc',
      'editor-foreground': '#d4d4d4',
      descriptionForeground: 'rgba(204, 204, 204, 0.7)',
      'panel-border': 'rgba(128, 128, 128, 0.35)',
      'widget-border': '#303031',
      'editorWidget-background': '#252526',
      ...DARK_CHARTS,
    },
  },
  {
    id: 'light-modern',
    label: 'Light Modern',
    kind: 'vscode-light',
    colors: {
      'editorWarning-foreground': '#bf8803',
      'dropdown-background': '#ffffff',
      'dropdown-foreground': '#3b3b3b',
      'dropdown-border': '#cecece',
      'button-background': '#005fb8',
      'button-foreground': '#ffffff',
      'button-secondaryBackground': '#e5e5e5',
      'button-secondaryForeground': '#3b3b3b',
      'badge-background': '#cccccc',
      'badge-foreground': '#3b3b3b',
      focusBorder: '#005fb8',
      'editor-background': '#ffffff',
      foreground: '#3b3b3b',
      'editor-foreground': '#3b3b3b',
      descriptionForeground: '#3b3b3b',
      'panel-border': '#e5e5e5',
      'widget-border': '#e5e5e5',
      'editorWidget-background': '#f8f8f8',
      ...LIGHT_CHARTS,
    },
  },
  {
    id: 'light-plus',
    label: 'Light+',
    kind: 'vscode-light',
    colors: {
      'editorWarning-foreground': '#bf8803',
      'dropdown-background': '#ffffff',
      'dropdown-foreground': '#616161',
      'dropdown-border': '#cecece',
      'button-background': '#007acc',
      'button-foreground': '#ffffff',
      'button-secondaryBackground': '#5f6a79',
      'button-secondaryForeground': '#ffffff',
      'badge-background': '#c4c4c4',
      'badge-foreground': '#333333',
      focusBorder: '#0090f1',
      'editor-background': '#ffffff',
      foreground: '#616161',
      'editor-foreground': '#000000',
      descriptionForeground: '#717171',
      'panel-border': 'rgba(128, 128, 128, 0.35)',
      'widget-border': '#d4d4d4',
      'editorWidget-background': '#f3f3f3',
      ...LIGHT_CHARTS,
    },
  },
  {
    id: 'hc-dark',
    label: 'Dark High Contrast',
    kind: 'vscode-high-contrast',
    colors: {
      'editorWarning-foreground': '#ffd370',
      'dropdown-background': '#000000',
      'dropdown-foreground': '#ffffff',
      'dropdown-border': '#6fc3df',
      'button-background': '#000000',
      'button-foreground': '#ffffff',
      'button-border': '#6fc3df',
      'button-secondaryBackground': '#000000',
      'button-secondaryForeground': '#ffffff',
      'badge-background': '#000000',
      'badge-foreground': '#ffffff',
      focusBorder: '#f38518',
      'editor-background': '#000000',
      foreground: '#ffffff',
      'editor-foreground': '#ffffff',
      descriptionForeground: 'rgba(255, 255, 255, 0.7)',
      'panel-border': '#6fc3df',
      contrastBorder: '#6fc3df',
      'editorWidget-background': '#0c141f',
      'charts-blue': '#59a4f9',
      'charts-purple': '#b180d7',
      'charts-green': '#89d185',
      'charts-red': '#f48771',
      'charts-yellow': '#ffd370',
    },
  },
  {
    id: 'hc-light',
    label: 'Light High Contrast',
    kind: 'vscode-high-contrast-light',
    colors: {
      'editorWarning-foreground': '#895503',
      'dropdown-background': '#ffffff',
      'dropdown-foreground': '#292929',
      'dropdown-border': '#0f4a85',
      'button-background': '#0f4a85',
      'button-foreground': '#ffffff',
      'button-border': '#0f4a85',
      'button-secondaryBackground': '#ffffff',
      'button-secondaryForeground': '#292929',
      'badge-background': '#0f4a85',
      'badge-foreground': '#ffffff',
      focusBorder: '#006bbd',
      'editor-background': '#ffffff',
      foreground: '#292929',
      'editor-foreground': '#292929',
      descriptionForeground: 'rgba(41, 41, 41, 0.7)',
      'panel-border': '#0f4a85',
      contrastBorder: '#0f4a85',
      'editorWidget-background': '#ffffff',
      'charts-blue': '#0063d3',
      'charts-purple': '#652d90',
      'charts-green': '#374e06',
      'charts-red': '#b5200d',
      'charts-yellow': '#895503',
    },
  },
];

/** settings.dropdown* default to dropdown.* in the colour registry; vscode-single-select reads the former. */
export const BUNDLED_THEMES: readonly BundledTheme[] = DEFINED.map((t) => ({
  ...t,
  colors: {
    ...t.colors,
    'settings-dropdownBackground': t.colors['dropdown-background'],
    'settings-dropdownForeground': t.colors['dropdown-foreground'],
    'settings-dropdownBorder': t.colors['dropdown-border'],
  },
}));
