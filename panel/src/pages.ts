import { html, type TemplateResult } from 'lit';
import type { Role } from './data/api-types.js';
import type { RfContext } from './data/context.js';
import './components/rf-containers-page.js';
import { routeParam } from './data/proxmox.js';
import './components/rf-dashboard-page.js';
import './components/rf-enrollment-page.js';
import './components/rf-history-page.js';
import './components/rf-host-page.js';
import './components/rf-hosts-page.js';
import './components/rf-operations-page.js';
import './components/rf-proxmox-node.js';
import './components/rf-settings-page.js';
import './components/rf-updates-page.js';

export interface PageDefinition {
  /** A URLPattern pathname (`/hosts/:id`), matched against the hash (`#/hosts/abc`). */
  path: string;
  /** Shown in the navigation when set. */
  label?: string;
  /** Hidden from the navigation (and refused) below this role. */
  role?: Role;
  render(ctx: RfContext, params: Record<string, string | undefined>): TemplateResult;
}

/**
 * Every page of the panel, in navigation order. Adding a page: write `rf-<name>-page.ts` in
 * components/, import it here and add a row (panel/README.md).
 */
export const PAGES: PageDefinition[] = [
  {
    path: '/',
    label: 'Dashboard',
    render: (ctx) => html`<rf-dashboard-page .ctx=${ctx}></rf-dashboard-page>`,
  },
  {
    path: '/updates',
    label: 'Updates',
    render: (ctx) => html`<rf-updates-page .ctx=${ctx}></rf-updates-page>`,
  },
  {
    path: '/operations',
    label: 'Operations',
    render: (ctx) => html`<rf-operations-page .ctx=${ctx}></rf-operations-page>`,
  },
  {
    path: '/hosts',
    label: 'Hosts',
    render: (ctx) => html`<rf-hosts-page .ctx=${ctx}></rf-hosts-page>`,
  },
  {
    path: '/containers',
    label: 'Containers',
    render: (ctx) => html`<rf-containers-page .ctx=${ctx}></rf-containers-page>`,
  },
  {
    path: '/hosts/:id',
    render: (ctx, params) => html`<rf-host-page .ctx=${ctx} .agentId=${params.id ?? ''}></rf-host-page>`,
  },
  {
    path: '/hosts/proxmox/:endpoint/:node',
    render: (ctx, p) =>
      html`<rf-proxmox-node
        .ctx=${ctx}
        .endpoint=${routeParam(p.endpoint)}
        .node=${routeParam(p.node)}
      ></rf-proxmox-node>`,
  },
  {
    path: '/history',
    label: 'History',
    render: (ctx) => html`<rf-history-page .ctx=${ctx}></rf-history-page>`,
  },
  {
    path: '/enrollment',
    label: 'Enrollment',
    role: 'admin',
    render: (ctx) => html`<rf-enrollment-page .ctx=${ctx}></rf-enrollment-page>`,
  },
  {
    path: '/settings',
    label: 'Settings',
    role: 'admin',
    render: (ctx) => html`<rf-settings-page .ctx=${ctx}></rf-settings-page>`,
  },
];
