# Sourced by the scripts that write bench/results/: what a result was measured on, for its header.
# stamp_start before the measurement, stamp_end after it, then stamp_header COMMAND prints the
# header's Markdown table, between <!-- stamp ... --> and <!-- /stamp --> lines. Run from the
# repository root.

# The commit measured; "-dirty" when the tree differs from it outside bench/results/ (results
# written by an earlier run do not change what is measured).
stamp_commit() {
  local commit
  commit=$(git rev-parse --short HEAD)
  if [ -n "$(git status --porcelain -- . ':(exclude)bench/results')" ]; then
    commit="$commit-dirty"
  fi
  printf '%s' "$commit"
}

stamp_load() {
  uptime | sed 's/.*load average: //'
}

stamp_start() {
  STAMP_COMMIT=$(stamp_commit)
  STAMP_STARTED=$(date -u '+%Y-%m-%d %H:%M UTC')
  STAMP_LOAD_START=$(stamp_load)
  STAMP_NPROC=$(nproc)
  STAMP_JVM=$(java -version 2>&1 | sed -n 2p)
}

stamp_end() {
  STAMP_FINISHED=$(date -u '+%Y-%m-%d %H:%M UTC')
  STAMP_LOAD_END=$(stamp_load)
}

# stamp_header COMMAND: the header. BENCH_MACHINE, when set, says more about the machine (shared
# with other work, a VM, ...).
stamp_header() {
  local machine="$STAMP_NPROC CPUs (nproc)"
  if [ -n "${BENCH_MACHINE:-}" ]; then
    machine="$machine, $BENCH_MACHINE"
  fi
  cat <<HEADER
<!-- stamp: what this page was measured on -->
| | |
|---|---|
| command | \`$1\` (from the repository root, after \`mvn -B -q -DskipTests package\`) |
| commit | \`$STAMP_COMMIT\` |
| run | $STAMP_STARTED to $STAMP_FINISHED |
| JVM | $STAMP_JVM |
| machine | $machine |
| load average (1, 5, 15 min, \`uptime\`) | $STAMP_LOAD_START at start; $STAMP_LOAD_END at end |
<!-- /stamp -->
HEADER
}
