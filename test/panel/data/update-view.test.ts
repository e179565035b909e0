import assert from 'node:assert/strict';
import {
  ariaSort,
  DEFAULT_VIEW,
  filterKey,
  filterOf,
  OPEN_STATUSES,
  queryFromView,
  toggleSort,
  type UpdateView,
  viewFromQuery,
  viewMayInclude,
} from '../../../panel/src/data/update-view.js';

const view = (qs: string) => viewFromQuery(new URLSearchParams(qs));

describe('panel data: the updates view in the address', () => {
  it('reads every filter, the sort and the page size, and writes them back the same', () => {
    const qs =
      'agent=6f1c0000-0000-4000-8000-000000000001&plugin=apt,dnf&severity=critical,high&status=failed' +
      '&security=true&label=prod&q=openssl&sort=name&order=desc&limit=500';
    const v = view(qs);
    assert.deepEqual(v, {
      agent: ['6f1c0000-0000-4000-8000-000000000001'],
      plugin: ['apt', 'dnf'],
      severity: ['critical', 'high'],
      status: ['failed'],
      security: true,
      label: 'prod',
      q: 'openssl',
      sort: 'name',
      order: 'desc',
      limit: 500,
    });
    assert.deepEqual(view(queryFromView(v).toString()), v, 'a link restores the same view');
  });

  it('is the default view with an empty address, and writes nothing for it', () => {
    assert.deepEqual(view(''), DEFAULT_VIEW);
    assert.equal(queryFromView(DEFAULT_VIEW).toString(), '');
    // The default order goes with the sort: a name sort without `order` is A to Z.
    assert.equal(view('sort=name').order, 'asc');
    assert.equal(queryFromView({ ...DEFAULT_VIEW, sort: 'name', order: 'asc' }).toString(), 'sort=name');
  });

  it('drops values it does not know instead of sending them to be refused', () => {
    const v = view('severity=loud,high&status=done&sort=size&order=up&limit=7&security=maybe');
    assert.deepEqual(v.severity, ['high']);
    assert.equal(v.status, 'open');
    assert.equal(v.sort, 'severity');
    assert.equal(v.order, 'desc');
    assert.equal(v.limit, 100);
    assert.equal(v.security, null);
    // Repeated keys mean the same as commas.
    assert.deepEqual(view('severity=low&severity=medium').severity, ['low', 'medium']);
  });

  it('asks the API for what still needs doing by default, every state with status=any', () => {
    assert.deepEqual(filterOf(view('')), { status: OPEN_STATUSES });
    assert.deepEqual(filterOf(view('status=any')), {});
    assert.deepEqual(filterOf(view('status=held&q=%20ssl%20')), { status: ['held'], q: 'ssl' });
    assert.deepEqual(filterOf(view('security=false')), { status: OPEN_STATUSES, security: false });
  });

  it('keys a filter apart from its sort and page size', () => {
    assert.equal(filterKey(view('severity=high&sort=name')), filterKey(view('severity=high&limit=500')));
    assert.notEqual(filterKey(view('severity=high')), filterKey(view('severity=low')));
  });

  it('flips the order of the column sorted on and starts a new one in its natural order', () => {
    let v: UpdateView = DEFAULT_VIEW;
    assert.equal(ariaSort(v, 'severity'), 'descending');
    assert.equal(ariaSort(v, 'name'), 'none');
    v = toggleSort(v, 'name');
    assert.deepEqual([v.sort, v.order, ariaSort(v, 'name')], ['name', 'asc', 'ascending']);
    v = toggleSort(v, 'name');
    assert.deepEqual([v.sort, v.order, ariaSort(v, 'name')], ['name', 'desc', 'descending']);
    v = toggleSort(v, 'firstSeen');
    assert.deepEqual([v.sort, v.order], ['firstSeen', 'desc'], 'newest first');
  });

  it('tells whether a host, package manager and state can belong to the view', () => {
    const v = view('agent=a1&plugin=apt');
    assert.equal(viewMayInclude(v, { agentId: 'a1', plugin: 'apt', status: 'pending' }), true);
    assert.equal(viewMayInclude(v, { agentId: 'a2', plugin: 'apt' }), false);
    assert.equal(viewMayInclude(v, { agentId: 'a1', plugin: 'dnf' }), false);
    assert.equal(viewMayInclude(v, { agentId: 'a1', plugin: 'apt', status: 'updated' }), false, 'closed');
    assert.equal(viewMayInclude(view('status=any'), { agentId: 'x', status: 'updated' }), true);
  });
});
