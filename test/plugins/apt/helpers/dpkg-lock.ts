import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';

// dpkg locks with fcntl(2), which flock(1) does not see; perl's File::FcntlLock (a dependency
// of dpkg-dev's tooling) takes the same kind of lock dpkg and apt do.
const HOLD = `
use File::FcntlLock; $| = 1;
open(my $fh, '+<', $ARGV[0]) or die "open $ARGV[0]: $!";
my $lock = File::FcntlLock->new(l_type => F_WRLCK, l_whence => SEEK_SET, l_start => 0, l_len => 0);
$lock->lock($fh, F_SETLK) or die "lock: " . $lock->error;
print "locked\\n";
while (<STDIN>) {}
`;

/** Holds a dpkg lock file like another apt would, until release(). */
export class DpkgLockHolder {
  private constructor(private readonly child: ChildProcessWithoutNullStreams) {}

  static async hold(path = '/var/lib/dpkg/lock-frontend'): Promise<DpkgLockHolder> {
    const child = spawn('perl', ['-e', HOLD, path]);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const locked = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && resolve());
      child.once('exit', (code) => reject(new Error(`the lock holder exited (${code}): ${stderr}`)));
    });
    await locked;
    return new DpkgLockHolder(child);
  }

  async release(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.stdin.end();
    await exited;
  }
}
