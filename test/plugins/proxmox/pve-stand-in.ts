import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endpointKey, schemaProblems } from './pve-schema.js';

/** A guest of the stand-in; MACs as PVE generates them (upper case in the config). */
export interface FakeGuest {
  vmid: number;
  type: 'lxc' | 'qemu';
  name: string;
  status: 'running' | 'stopped';
  template?: boolean;
  tags?: string[];
  macs: string[];
  /** What its interfaces (LXC) or guest agent (QEMU) report while it runs. */
  ips?: string[];
  /** QEMU: a guest agent configured and running. */
  guestAgent?: boolean;
}

export interface FakeNode {
  name: string;
  ip: string;
  online?: boolean;
  guests: FakeGuest[];
}

export interface FakeCluster {
  /** null: a single node outside any cluster. */
  name: string | null;
  nodes: FakeNode[];
}

/** What a proxy or a broken server might send instead of PVE's answer, for one path. */
export type Fault = 'html' | 'truncated' | 'wrong-type' | 'unavailable';

export interface StandInOptions {
  tokenId: string;
  secret: string;
  /** Paths the token may not read: PVE's 403 naming the ACL path and the privilege. */
  denied?: Record<string, { aclPath: string; privilege: string }>;
  faults?: Record<string, Fault>;
}

export interface PveStandIn {
  url: string;
  /** SHA-256 fingerprint of its certificate, as PVE's GUI shows it. */
  fingerprint: string;
  caFile: string;
  cluster: FakeCluster;
  options: StandInOptions;
  /** Every path served, in order. */
  requests: string[];
  /** Answers that broke the published schema (must stay empty: the test asserts it). */
  violations: string[];
  close(): Promise<void>;
}

/** A self-signed certificate for 127.0.0.1, made with openssl at test time. */
export function makeCertificate(dir: string, name = 'pve'): { key: Buffer; cert: Buffer; certFile: string } {
  const keyFile = join(dir, `${name}.key`);
  const certFile = join(dir, `${name}.crt`);
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', `/CN=${name}`,
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ], { stdio: 'ignore' }); // prettier-ignore
  return { key: readFileSync(keyFile), cert: readFileSync(certFile), certFile };
}

const configMac = (mac: string) => mac.toUpperCase();
const digest = (vmid: number) => `${vmid}`.padStart(40, '0');

function guestResource(node: string, g: FakeGuest) {
  return {
    id: `${g.type}/${g.vmid}`,
    type: g.type,
    vmid: g.vmid,
    node,
    name: g.name,
    status: g.status,
    template: g.template ? 1 : 0,
    uptime: g.status === 'running' ? 3600 : 0,
    maxmem: 536870912,
    ...(g.tags?.length ? { tags: g.tags.join(';') } : {}),
  };
}

function lxcConfig(g: FakeGuest): Record<string, unknown> {
  const config: Record<string, unknown> = {
    digest: digest(g.vmid),
    hostname: g.name,
    ostype: 'debian',
    arch: 'amd64',
    memory: 512,
  };
  g.macs.forEach((mac, i) => {
    config[`net${i}`] = `name=eth${i},bridge=vmbr0,hwaddr=${configMac(mac)},ip=dhcp,type=veth`;
  });
  if (g.tags?.length) config.tags = g.tags.join(';');
  if (g.template) config.template = 1;
  return config;
}

function qemuConfig(g: FakeGuest): Record<string, unknown> {
  const config: Record<string, unknown> = { digest: digest(g.vmid), name: g.name, ostype: 'l26' };
  g.macs.forEach((mac, i) => {
    config[`net${i}`] = `virtio=${configMac(mac)},bridge=vmbr0,firewall=1`;
  });
  if (g.guestAgent) config.agent = 'enabled=1,fstrim_cloned_disks=1';
  if (g.tags?.length) config.tags = g.tags.join(';');
  if (g.template) config.template = 1;
  return config;
}

function lxcInterfaces(g: FakeGuest) {
  if (g.status !== 'running') return null; // PVE: a stopped container has no interfaces
  return g.macs.map((mac, i) => {
    const ip = g.ips?.[i];
    return {
      name: `eth${i}`,
      hwaddr: mac.toLowerCase(),
      'hardware-address': mac.toLowerCase(),
      ...(ip ? { inet: `${ip}/24` } : {}),
      'ip-addresses': ip ? [{ 'ip-address-type': 'inet', 'ip-address': ip, prefix: 24 }] : [],
    };
  });
}

function qemuAgentInterfaces(g: FakeGuest) {
  return {
    result: g.macs.map((mac, i) => ({
      name: `ens${18 + i}`,
      'hardware-address': mac.toLowerCase(),
      'ip-addresses': g.ips?.[i] ? [{ 'ip-address': g.ips[i], 'ip-address-type': 'ipv4', prefix: 24 }] : [],
    })),
  };
}

type Answer = { status: number; data: unknown; message?: string };

/** PVE's routing for the endpoints discovery uses; `{status: 404}` for anything else. */
function answer(cluster: FakeCluster, path: string, query: URLSearchParams): Answer {
  const find = (node: string, vmid: string, type: string) =>
    cluster.nodes
      .find((n) => n.name === node)
      ?.guests.find((g) => g.vmid === Number(vmid) && g.type === type);
  if (path === '/version')
    return { status: 200, data: { version: '9.1.3', release: '9.1', repoid: 'e5010dce' } };
  if (path === '/cluster/status') {
    const nodes = cluster.nodes.map((n, i) => ({
      type: 'node',
      id: `node/${n.name}`,
      name: n.name,
      ip: n.ip,
      nodeid: i + 1,
      online: n.online === false ? 0 : 1,
      local: i === 0 ? 1 : 0,
      level: '',
    }));
    const head = cluster.name
      ? [
          {
            type: 'cluster',
            id: 'cluster',
            name: cluster.name,
            nodes: cluster.nodes.length,
            quorate: 1,
            version: 3,
          },
        ]
      : [];
    return { status: 200, data: [...head, ...nodes] };
  }
  if (path === '/cluster/resources') {
    if (query.get('type') !== 'vm') return { status: 400, data: null, message: 'only type=vm here' };
    return {
      status: 200,
      data: cluster.nodes.flatMap((n) =>
        n.online === false ? [] : n.guests.map((g) => guestResource(n.name, g)),
      ),
    };
  }
  if (path === '/nodes')
    return {
      status: 200,
      data: cluster.nodes.map((n) => ({
        node: n.name,
        status: n.online === false ? 'offline' : 'online',
        maxcpu: 8,
        uptime: 86400,
      })),
    };
  let m = /^\/nodes\/([^/]+)\/(lxc|qemu)\/(\d+)\/config$/.exec(path);
  if (m) {
    const g = find(m[1]!, m[3]!, m[2]!);
    if (!g)
      return {
        status: 500,
        data: null,
        message: `Configuration file 'nodes/${m[1]}/${m[3]}.conf' does not exist\n`,
      };
    return { status: 200, data: g.type === 'lxc' ? lxcConfig(g) : qemuConfig(g) };
  }
  m = /^\/nodes\/([^/]+)\/lxc\/(\d+)\/interfaces$/.exec(path);
  if (m) {
    const g = find(m[1]!, m[2]!, 'lxc');
    return g
      ? { status: 200, data: lxcInterfaces(g) }
      : { status: 500, data: null, message: 'no such container' };
  }
  m = /^\/nodes\/([^/]+)\/qemu\/(\d+)\/agent\/network-get-interfaces$/.exec(path);
  if (m) {
    const g = find(m[1]!, m[2]!, 'qemu');
    if (!g) return { status: 500, data: null, message: 'no such VM' };
    if (!g.guestAgent) return { status: 500, data: null, message: 'No QEMU guest agent configured\n' };
    if (g.status !== 'running') return { status: 500, data: null, message: `VM ${g.vmid} is not running\n` };
    return { status: 200, data: qemuAgentInterfaces(g) };
  }
  return { status: 404, data: null, message: 'Not Found' };
}

/**
 * An HTTPS server of the test's own standing in for one PVE endpoint (a cluster, or one node),
 * with PVE's token authentication, its 403 for a missing privilege, and faults a proxy could
 * cause. Every answer it serves with a 2xx is checked against the published schema first.
 */
export async function startPveStandIn(cluster: FakeCluster, options: StandInOptions): Promise<PveStandIn> {
  const dir = mkdtempSync(join(tmpdir(), 'pve-stand-in-'));
  const { key, cert, certFile } = makeCertificate(dir);
  const requests: string[] = [];
  const violations: string[] = [];
  const send = (
    res: ServerResponse,
    status: number,
    body: string,
    type = 'application/json;charset=UTF-8',
  ) => {
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  };
  const server: Server = createServer({ key, cert }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://pve');
    const path = url.pathname.replace(/^\/api2\/json/, '');
    requests.push(`${path}${url.search}`);
    if (req.headers.authorization !== `PVEAPIToken=${options.tokenId}=${options.secret}`)
      return send(res, 401, JSON.stringify({ data: null, message: 'authentication failure' }));
    const denied = options.denied?.[path];
    if (denied)
      return send(
        res,
        403,
        JSON.stringify({
          data: null,
          message: `Permission check failed (${denied.aclPath}, ${denied.privilege})\n`,
        }),
      );
    const result = answer(cluster, path, url.searchParams);
    const fault = options.faults?.[path];
    if (fault === 'html')
      return send(res, 200, '<html><body><h1>502 Bad Gateway</h1></body></html>', 'text/html');
    if (fault === 'unavailable') return send(res, 503, '<html>Service Unavailable</html>', 'text/html');
    if (fault === 'truncated') return send(res, 200, JSON.stringify({ data: result.data }).slice(0, 40));
    if (fault === 'wrong-type') {
      // A drift the schema must catch, so the fault cannot pass for a real answer.
      const broken = JSON.parse(JSON.stringify(result.data)) as Array<Record<string, unknown>>;
      if (Array.isArray(broken) && broken[0]) broken[0].vmid = String(broken[0].vmid ?? 'x');
      const key = endpointKey(path);
      if (!key || schemaProblems(key, broken).length === 0)
        violations.push(`fault on ${path} passes the schema`);
      return send(res, 200, JSON.stringify({ data: broken }));
    }
    if (result.status >= 200 && result.status < 300) {
      const key = endpointKey(path);
      const problems = key ? schemaProblems(key, result.data) : [`no published schema for ${path}`];
      // A stopped container's interfaces are `null`, which PVE's own schema does not allow.
      const nullInterfaces = result.data === null && key === 'GET /nodes/{node}/lxc/{vmid}/interfaces';
      if (problems.length && !nullInterfaces) violations.push(`${path}: ${problems.join('; ')}`);
    }
    send(
      res,
      result.status,
      JSON.stringify({ data: result.data, ...(result.message ? { message: result.message } : {}) }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    fingerprint: new X509Certificate(cert).fingerprint256,
    caFile: certFile,
    cluster,
    options,
    requests,
    violations,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
