// The package manager tool install-example-plugin.ts drives, for install-example.test.ts: its
// packages live in a JSON file (the first argument), every call is logged there.
//   { installed: { name: version }, available: { name: version }, held: [name],
//     lands?: { name: version }  (what `upgrade` really installs, when not the available one),
//     broken?: [name]             (`upgrade` fails on these, after upgrading the others) }
const { readFileSync, writeFileSync } = require('node:fs');

const [statePath, command, ...rest] = process.argv.slice(2);
const state = JSON.parse(readFileSync(statePath, 'utf8'));
state.calls = [...(state.calls ?? []), [command, ...rest].join(' ')];
let exitCode = 0;

if (command === 'list') {
  for (const [name, version] of Object.entries(state.available))
    if (state.installed[name] !== undefined && state.installed[name] !== version)
      console.log(`${name} ${state.installed[name]} ${version}`);
} else if (command === 'installed') {
  for (const [name, version] of Object.entries(state.installed)) console.log(`${name} ${version}`);
} else if (command === 'held') {
  for (const name of state.held) console.log(name);
} else if (command === 'upgrade' && rest[0] === '--') {
  for (const name of rest.slice(1)) {
    if ((state.broken ?? []).includes(name)) {
      console.error(`error: ${name} failed to unpack`);
      exitCode = 1;
      continue;
    }
    state.installed[name] = state.lands?.[name] ?? state.available[name];
    console.log(`upgraded ${name} to ${state.installed[name]}`);
  }
} else {
  console.error(`unknown command: ${command}`);
  exitCode = 2;
}
writeFileSync(statePath, JSON.stringify(state));
process.exitCode = exitCode;
