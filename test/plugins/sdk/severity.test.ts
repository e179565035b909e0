import assert from 'node:assert/strict';
import {
  APT_ARCHIVE_SEVERITY,
  ARCH_ASA_SEVERITY,
  compareSeverity,
  DEBIAN_URGENCY_SEVERITY,
  DNF_UPDATEINFO_SEVERITY,
  highestSeverity,
  isSeverity,
  MSRC_SEVERITY,
  PACKAGEKIT_INFO_SEVERITY,
  type SeverityRating,
  SEVERITIES,
  severityFrom,
  severityFromAptArchive,
  UBUNTU_PRIORITY_SEVERITY,
} from '../../../plugins/sdk/index.js';

describe('severity mapping (plugins/sdk/severity.ts)', () => {
  const tables: Record<string, Readonly<Record<string, SeverityRating>>> = {
    apt: APT_ARCHIVE_SEVERITY,
    dnf: DNF_UPDATEINFO_SEVERITY,
    packagekit: PACKAGEKIT_INFO_SEVERITY,
    debian: DEBIAN_URGENCY_SEVERITY,
    ubuntu: UBUNTU_PRIORITY_SEVERITY,
    arch: ARCH_ASA_SEVERITY,
    msrc: MSRC_SEVERITY,
  };

  it('maps every entry of every table onto the one scale', () => {
    for (const [source, table] of Object.entries(tables))
      for (const [label, rating] of Object.entries(table)) {
        assert.ok(isSeverity(rating.severity), `${source} ${label}`);
        assert.equal(label, label.toLowerCase(), `${source}: labels are stored lower case`);
      }
  });

  it('APT: the security archive is high, everything else unknown (APT has no severity)', () => {
    assert.deepEqual(severityFromAptArchive(true), { severity: 'high', security: true });
    assert.deepEqual(severityFromAptArchive(false), { severity: 'unknown', security: false });
  });

  it('DNF updateinfo labels as dnf prints them', () => {
    assert.deepEqual(severityFrom(DNF_UPDATEINFO_SEVERITY, 'Critical/Sec.'), {
      severity: 'critical',
      security: true,
    });
    assert.deepEqual(severityFrom(DNF_UPDATEINFO_SEVERITY, 'Important/Sec.'), {
      severity: 'high',
      security: true,
    });
    assert.deepEqual(severityFrom(DNF_UPDATEINFO_SEVERITY, 'Moderate/Sec.'), {
      severity: 'medium',
      security: true,
    });
    assert.deepEqual(severityFrom(DNF_UPDATEINFO_SEVERITY, ' Low/Sec. '), {
      severity: 'low',
      security: true,
    });
    assert.deepEqual(severityFrom(DNF_UPDATEINFO_SEVERITY, 'Unknown/Sec.'), {
      severity: 'high',
      security: true,
    });
    assert.deepEqual(severityFrom(DNF_UPDATEINFO_SEVERITY, 'bugfix'), { severity: 'low', security: false });
  });

  it('keeps security apart from severity (PackageKit: important is urgent but not a security fix)', () => {
    assert.deepEqual(severityFrom(PACKAGEKIT_INFO_SEVERITY, 'important'), {
      severity: 'high',
      security: false,
    });
    assert.deepEqual(severityFrom(PACKAGEKIT_INFO_SEVERITY, 'security'), {
      severity: 'high',
      security: true,
    });
  });

  it('rates an unmapped label unknown rather than guessing', () => {
    assert.deepEqual(severityFrom(MSRC_SEVERITY, 'Spicy'), { severity: 'unknown', security: false });
  });

  it('orders severities most urgent first, unknown last', () => {
    assert.deepEqual([...SEVERITIES].reverse().sort(compareSeverity), [
      'critical',
      'high',
      'medium',
      'low',
      'unknown',
    ]);
    assert.equal(highestSeverity(['low', 'unknown', 'high', 'medium']), 'high');
    assert.equal(highestSeverity([]), 'unknown');
  });
});
