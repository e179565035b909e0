import type { PluginModuleEntry } from '../plugins/sdk/index.js';

/**
 * Built-in agent plugins: the host loads these (DESIGN.md §7). A static list, so a build or a
 * bundle sees every plugin, and nothing is loaded from a path a user could write to.
 */
export const BUILTIN_AGENT_PLUGINS: readonly PluginModuleEntry[] = [
  { id: 'plugins/apt', load: () => import('../plugins/apt/index.js') },
  { id: 'plugins/dnf', load: () => import('../plugins/dnf/index.js') },
  { id: 'plugins/pacman', load: () => import('../plugins/pacman/index.js') },
  { id: 'plugins/flatpak', load: () => import('../plugins/flatpak/index.js') },
  { id: 'plugins/snap', load: () => import('../plugins/snap/index.js') },
  { id: 'plugins/packagekit', load: () => import('../plugins/packagekit/index.js') },
  { id: 'plugins/docker', load: () => import('../plugins/docker/index.js') },
];
