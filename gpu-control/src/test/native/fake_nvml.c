/*
 * A fake libnvidia-ml.so.1 for tests: the production jnr-ffi binding loads it unchanged.
 *
 * GPUs live in memory: count, names, UUIDs, constraints, limits, power, an energy counter that
 * grows with the power drawn, processes. Tests drive it through the fakeNvml* exports (a second
 * jnr-ffi interface loaded from the same path shares this state) or through the environment:
 *
 *   FAKE_NVML_DEVICE_COUNT  number of GPUs (default 2)
 *   FAKE_NVML_FAIL          "fn=code[:count],fn@idx=code[:count],..." injected return codes
 *   FAKE_NVML_PROC_STRIDE   24 or 32: entry size written by ..._v3 (32 is what R535 shipped)
 *   FAKE_NVML_STATE         a key=value file holding the GPUs' mutable state, re-read when it changes
 *                           and rewritten (temp + rename, under an fcntl lock on FILE.lock) on
 *                           every change. GPU limits outlive a process as real ones do, so a
 *                           killed daemon's limits can be checked, and another process can play
 *                           nvidia-smi -pl by rewriting the file.
 *
 * Built by the test build: gcc -shared -fPIC -Wl,-soname,libnvidia-ml.so.1. Compile with
 * -DFAKE_NVML_MINIMAL for an old driver without the optional symbols.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAXDEV 64
#define MAXPROC 256
#define MAXFAIL 32

enum {
  OK = 0, UNINITIALIZED = 1, INVALID_ARGUMENT = 2, NOT_SUPPORTED = 3, NO_PERMISSION = 4,
  NOT_FOUND = 6, INSUFFICIENT_SIZE = 7, GPU_IS_LOST = 15, ARGUMENT_VERSION_MISMATCH = 25, UNKNOWN = 999
};

#define MAGIC 0x6e766d6cu

struct proc { unsigned pid; unsigned long long mem; };

struct dev {
  unsigned magic;
  char name[96];
  char uuid[96];
  unsigned min_mw, max_mw, default_mw, limit_mw, oob_cap_mw, draw_mw;
  unsigned long long energy_mj;
  double energy_frac; /* sub-millijoule remainder */
  int energy_supported, lost, mig_current, mig_pending, util_gpu, util_mem, sm_clock;
  unsigned set_calls, nprocs, grow_procs;
  struct proc procs[MAXPROC];
};

struct fail { char fn[80]; int dev; int code; int count; };

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct dev devs[MAXDEV];
static unsigned ndev;
static int refcount;
static struct fail fails[MAXFAIL];
static int nfail;
static int proc_stride = 24;
static int manual_clock;
static long long clock_ms;     /* fake time for energy, ms */
static long long integrated_ms; /* energy is integrated up to this time */
static char state_path[4096];
static struct stat state_seen;
static int state_seen_valid;
static int lock_fd = -1;

/* ---------- time and energy ---------- */

static long long now_ms(void) {
  if (manual_clock) return clock_ms;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts); /* wall time: shared by every process using the state file */
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static unsigned enforced(const struct dev *d) {
  unsigned e = d->limit_mw;
  if (d->oob_cap_mw && d->oob_cap_mw < e) e = d->oob_cap_mw;
  return e;
}

static unsigned drawn(const struct dev *d) {
  unsigned e = enforced(d);
  return d->draw_mw < e ? d->draw_mw : e;
}

static void integrate(void) {
  long long now = now_ms();
  if (now > integrated_ms) {
    double s = (now - integrated_ms) / 1000.0;
    for (unsigned i = 0; i < ndev; i++) {
      double add = drawn(&devs[i]) * s + devs[i].energy_frac;
      unsigned long long whole = (unsigned long long)add;
      devs[i].energy_mj += whole;
      devs[i].energy_frac = add - whole;
    }
  }
  integrated_ms = now;
}

/* ---------- defaults ---------- */

static int env_int(const char *name, int dflt) {
  const char *v = getenv(name);
  return v && *v ? atoi(v) : dflt;
}

static void add_fail(const char *fn, int dev, int code, int count);

static void parse_fails(const char *spec) {
  char buf[2048];
  snprintf(buf, sizeof buf, "%s", spec);
  for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    char *eq = strchr(tok, '=');
    if (!eq) continue;
    *eq = 0;
    int dev = -1, count = -1;
    char *at = strchr(tok, '@');
    if (at) { *at = 0; dev = atoi(at + 1); }
    char *colon = strchr(eq + 1, ':');
    if (colon) { *colon = 0; count = atoi(colon + 1); }
    add_fail(tok, dev, atoi(eq + 1), count);
  }
}

static void init_device(unsigned i) {
  struct dev *d = &devs[i];
  memset(d, 0, sizeof *d);
  d->magic = MAGIC;
  snprintf(d->name, sizeof d->name, "NVIDIA A40 (fake)");
  snprintf(d->uuid, sizeof d->uuid, "GPU-fa4e0000-0000-4000-8000-%012x", i);
  d->min_mw = 100000;
  d->max_mw = 300000;
  d->default_mw = 300000;
  d->limit_mw = 300000;
  d->draw_mw = 250000;
  d->energy_supported = 1;
  d->util_gpu = 97;
  d->util_mem = 41;
  d->sm_clock = 1740;
}

static void set_defaults(void) {
  int n = env_int("FAKE_NVML_DEVICE_COUNT", 2);
  ndev = n < 0 ? 0 : n > MAXDEV ? MAXDEV : (unsigned)n;
  for (unsigned i = 0; i < MAXDEV; i++) init_device(i);
  nfail = 0;
  const char *f = getenv("FAKE_NVML_FAIL");
  if (f) parse_fails(f);
  proc_stride = env_int("FAKE_NVML_PROC_STRIDE", 24);
  manual_clock = 0;
  clock_ms = 0;
  integrated_ms = now_ms();
  const char *s = getenv("FAKE_NVML_STATE");
  snprintf(state_path, sizeof state_path, "%s", s ? s : "");
  state_seen_valid = 0;
}

__attribute__((constructor)) static void fake_load(void) { set_defaults(); }

/* ---------- the state file ---------- */

static void lock_state(void) {
  if (!state_path[0]) return;
  char lp[4200];
  snprintf(lp, sizeof lp, "%s.lock", state_path);
  lock_fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd < 0) return;
  struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
  while (fcntl(lock_fd, F_SETLKW, &fl) < 0 && errno == EINTR) {}
}

static void unlock_state(void) {
  if (lock_fd >= 0) { close(lock_fd); lock_fd = -1; } /* closing drops the fcntl lock */
}

static void write_procs(FILE *f, unsigned i) {
  fprintf(f, "procs.%u=", i);
  for (unsigned p = 0; p < devs[i].nprocs; p++)
    fprintf(f, "%s%u:%llu", p ? ";" : "", devs[i].procs[p].pid, devs[i].procs[p].mem);
  fputc('\n', f);
}

static void save_state(void) {
  if (!state_path[0]) return;
  char tmp[4200];
  snprintf(tmp, sizeof tmp, "%s.tmp.%d", state_path, (int)getpid());
  FILE *f = fopen(tmp, "w");
  if (!f) return;
  /* The GPUs' state only: injected failures, the entry stride and the clock mode belong to each
     process (its environment and backdoor calls). */
  fprintf(f, "count=%u\nintegrated_ms=%lld\n", ndev, integrated_ms);
  for (unsigned i = 0; i < ndev; i++) {
    struct dev *d = &devs[i];
    fprintf(f, "name.%u=%s\nuuid.%u=%s\nmin_mw.%u=%u\nmax_mw.%u=%u\ndefault_mw.%u=%u\nlimit_mw.%u=%u\n"
               "oob_cap_mw.%u=%u\ndraw_mw.%u=%u\nenergy_mj.%u=%llu\nenergy_supported.%u=%d\nlost.%u=%d\n"
               "mig_current.%u=%d\nmig_pending.%u=%d\nset_calls.%u=%u\n",
            i, d->name, i, d->uuid, i, d->min_mw, i, d->max_mw, i, d->default_mw, i, d->limit_mw,
            i, d->oob_cap_mw, i, d->draw_mw, i, d->energy_mj, i, d->energy_supported, i, d->lost,
            i, d->mig_current, i, d->mig_pending, i, d->set_calls);
    write_procs(f, i);
  }
  fflush(f);
  fsync(fileno(f));
  fclose(f);
  rename(tmp, state_path);
  if (stat(state_path, &state_seen) == 0) state_seen_valid = 1;
}

static void apply_key(const char *key, const char *val) {
  const char *dot = strrchr(key, '.');
  if (!dot) {
    if (!strcmp(key, "count")) { int n = atoi(val); ndev = n < 0 ? 0 : n > MAXDEV ? MAXDEV : (unsigned)n; }
    else if (!strcmp(key, "integrated_ms") && !manual_clock) integrated_ms = atoll(val);
    return;
  }
  unsigned i = (unsigned)atoi(dot + 1);
  if (i >= MAXDEV) return;
  struct dev *d = &devs[i];
  size_t n = (size_t)(dot - key);
#define IS(k) (n == strlen(k) && !strncmp(key, k, n))
  if (IS("name")) snprintf(d->name, sizeof d->name, "%s", val);
  else if (IS("uuid")) snprintf(d->uuid, sizeof d->uuid, "%s", val);
  else if (IS("min_mw")) d->min_mw = (unsigned)strtoul(val, NULL, 10);
  else if (IS("max_mw")) d->max_mw = (unsigned)strtoul(val, NULL, 10);
  else if (IS("default_mw")) d->default_mw = (unsigned)strtoul(val, NULL, 10);
  else if (IS("limit_mw")) d->limit_mw = (unsigned)strtoul(val, NULL, 10);
  else if (IS("oob_cap_mw")) d->oob_cap_mw = (unsigned)strtoul(val, NULL, 10);
  else if (IS("draw_mw")) d->draw_mw = (unsigned)strtoul(val, NULL, 10);
  else if (IS("energy_mj")) d->energy_mj = strtoull(val, NULL, 10);
  else if (IS("energy_supported")) d->energy_supported = atoi(val);
  else if (IS("lost")) d->lost = atoi(val);
  else if (IS("mig_current")) d->mig_current = atoi(val);
  else if (IS("mig_pending")) d->mig_pending = atoi(val);
  else if (IS("set_calls")) d->set_calls = (unsigned)strtoul(val, NULL, 10);
  else if (IS("procs")) {
    d->nprocs = 0;
    char buf[8192];
    snprintf(buf, sizeof buf, "%s", val);
    for (char *save = NULL, *t = strtok_r(buf, ";", &save); t && d->nprocs < MAXPROC; t = strtok_r(NULL, ";", &save)) {
      char *c = strchr(t, ':');
      d->procs[d->nprocs].pid = (unsigned)strtoul(t, NULL, 10);
      d->procs[d->nprocs].mem = c ? strtoull(c + 1, NULL, 10) : 0;
      d->nprocs++;
    }
  }
#undef IS
}

/* Re-reads the state file when another process replaced it (inode, size or mtime changed). */
static void load_state(void) {
  if (!state_path[0]) return;
  struct stat st;
  if (stat(state_path, &st) != 0) {
    save_state(); /* first user: publish the initial GPUs */
    return;
  }
  if (state_seen_valid && st.st_ino == state_seen.st_ino && st.st_size == state_seen.st_size &&
      st.st_mtim.tv_sec == state_seen.st_mtim.tv_sec && st.st_mtim.tv_nsec == state_seen.st_mtim.tv_nsec)
    return;
  FILE *f = fopen(state_path, "r");
  if (!f) return;
  char line[16384];
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = 0;
    char *eq = strchr(line, '=');
    if (!eq) continue;
    *eq = 0;
    apply_key(line, eq + 1);
  }
  fclose(f);
  int first = !state_seen_valid;
  state_seen = st;
  state_seen_valid = 1;
  /* A file a test seeded with a few keys: publish every key, so readers see the whole state. */
  if (first) save_state();
}

/* ---------- failure injection ---------- */

static void add_fail(const char *fn, int dev, int code, int count) {
  for (int k = 0; k < nfail; k++) {
    if (!strcmp(fails[k].fn, fn) && fails[k].dev == dev) {
      if (code == 0 || count == 0) { fails[k] = fails[--nfail]; return; }
      fails[k].code = code; fails[k].count = count; return;
    }
  }
  if (nfail < MAXFAIL && code != 0 && count != 0) {
    snprintf(fails[nfail].fn, sizeof fails[nfail].fn, "%s", fn);
    fails[nfail].dev = dev; fails[nfail].code = code; fails[nfail].count = count;
    nfail++;
  }
}

/* The code injected for fn on device idx (-1: no device), consuming one count; 0 for none. */
static int injected(const char *fn, int idx) {
  for (int k = 0; k < nfail; k++) {
    if (strcmp(fails[k].fn, fn) != 0 || (fails[k].dev >= 0 && fails[k].dev != idx)) continue;
    int code = fails[k].code;
    if (fails[k].count > 0 && --fails[k].count == 0) fails[k] = fails[--nfail];
    return code;
  }
  return 0;
}

static struct dev *D(void *h) {
  struct dev *d = (struct dev *)h;
  if (d < devs || d >= devs + ndev || ((char *)d - (char *)devs) % sizeof *d || d->magic != MAGIC) return NULL;
  return d;
}

/* Every entry point runs under the lock, with the state file's latest values. */
#define BEGIN pthread_mutex_lock(&mu); lock_state(); load_state(); integrate(); int rc_ = 0
#define END_RC(x) do { rc_ = (x); goto out_; } while (0)
#define FINISH out_: unlock_state(); pthread_mutex_unlock(&mu); return rc_
#define ENTER(fn, idx) do { int r_ = injected(fn, idx); if (r_) END_RC(r_); if (refcount <= 0) END_RC(UNINITIALIZED); } while (0)
#define DEV(h, fn) struct dev *d = D(h); if (!d) END_RC(INVALID_ARGUMENT); \
  { int r_ = injected(fn, (int)(d - devs)); if (r_) END_RC(r_); } \
  if (refcount <= 0) END_RC(UNINITIALIZED); \
  if (d->lost) END_RC(GPU_IS_LOST)

static int copy_string(char *out, unsigned len, const char *s) {
  if (!out) return INVALID_ARGUMENT;
  if (strlen(s) + 1 > len) return INSUFFICIENT_SIZE;
  memcpy(out, s, strlen(s) + 1);
  return OK;
}

/* ---------- NVML API ---------- */

int nvmlInit_v2(void) {
  BEGIN;
  { int r = injected("nvmlInit_v2", -1); if (r) END_RC(r); }
  refcount++;
  FINISH;
}

int nvmlInitWithFlags(unsigned flags) {
  (void)flags;
  BEGIN;
  { int r = injected("nvmlInitWithFlags", -1); if (r) END_RC(r); }
  refcount++;
  FINISH;
}

int nvmlShutdown(void) {
  BEGIN;
  { int r = injected("nvmlShutdown", -1); if (r) END_RC(r); }
  if (refcount > 0) refcount--; /* extra calls succeed, as the header says */
  FINISH;
}

const char *nvmlErrorString(int result) {
  switch (result) {
    case 0: return "Success";
    case 1: return "Uninitialized";
    case 2: return "Invalid Argument";
    case 3: return "Not Supported";
    case 4: return "Insufficient Permissions";
    case 5: return "Already Initialized";
    case 6: return "Not Found";
    case 7: return "Insufficient Size";
    case 8: return "Insufficient External Power";
    case 9: return "Driver Not Loaded";
    case 10: return "Timeout";
    case 13: return "Function Not Found";
    case 15: return "GPU is lost";
    case 16: return "GPU requires restart";
    case 17: return "The operating system has blocked the request.";
    case 18: return "RM has detected an NVML/RM version mismatch.";
    case 25: return "Argument version mismatch";
    case 999: return "Unknown Error";
    default: return "Unknown Error";
  }
}

int nvmlSystemGetDriverVersion(char *version, unsigned length) {
  BEGIN;
  ENTER("nvmlSystemGetDriverVersion", -1);
  END_RC(copy_string(version, length, "535.999.99-fake"));
  FINISH;
}

int nvmlSystemGetNVMLVersion(char *version, unsigned length) {
  BEGIN;
  ENTER("nvmlSystemGetNVMLVersion", -1);
  END_RC(copy_string(version, length, "12.535.999.99-fake"));
  FINISH;
}

int nvmlDeviceGetCount_v2(unsigned *count) {
  BEGIN;
  ENTER("nvmlDeviceGetCount_v2", -1);
  if (!count) END_RC(INVALID_ARGUMENT);
  *count = ndev;
  FINISH;
}

int nvmlDeviceGetHandleByIndex_v2(unsigned index, void **device) {
  BEGIN;
  ENTER("nvmlDeviceGetHandleByIndex_v2", (int)index);
  if (index >= ndev || !device) END_RC(INVALID_ARGUMENT);
  if (devs[index].lost) END_RC(GPU_IS_LOST);
  *device = &devs[index];
  FINISH;
}

int nvmlDeviceGetHandleByUUID(const char *uuid, void **device) {
  BEGIN;
  ENTER("nvmlDeviceGetHandleByUUID", -1);
  if (!uuid || !device) END_RC(INVALID_ARGUMENT);
  for (unsigned i = 0; i < ndev; i++) {
    if (!strcmp(devs[i].uuid, uuid)) {
      if (devs[i].lost) END_RC(GPU_IS_LOST);
      *device = &devs[i];
      END_RC(OK);
    }
  }
  END_RC(NOT_FOUND);
  FINISH;
}

int nvmlDeviceGetName(void *h, char *name, unsigned length) {
  BEGIN;
  DEV(h, "nvmlDeviceGetName");
  END_RC(copy_string(name, length, d->name));
  FINISH;
}

int nvmlDeviceGetUUID(void *h, char *uuid, unsigned length) {
  BEGIN;
  DEV(h, "nvmlDeviceGetUUID");
  END_RC(copy_string(uuid, length, d->uuid));
  FINISH;
}

int nvmlDeviceGetIndex(void *h, unsigned *index) {
  BEGIN;
  DEV(h, "nvmlDeviceGetIndex");
  *index = (unsigned)(d - devs);
  FINISH;
}

int nvmlDeviceGetPowerUsage(void *h, unsigned *mw) {
  BEGIN;
  DEV(h, "nvmlDeviceGetPowerUsage");
  *mw = drawn(d);
  FINISH;
}

#ifndef FAKE_NVML_MINIMAL
int nvmlDeviceGetTotalEnergyConsumption(void *h, unsigned long long *mj) {
  BEGIN;
  DEV(h, "nvmlDeviceGetTotalEnergyConsumption");
  if (!d->energy_supported) END_RC(NOT_SUPPORTED);
  *mj = d->energy_mj;
  FINISH;
}
#endif

int nvmlDeviceGetPowerManagementLimit(void *h, unsigned *mw) {
  BEGIN;
  DEV(h, "nvmlDeviceGetPowerManagementLimit");
  *mw = d->limit_mw;
  FINISH;
}

int nvmlDeviceGetPowerManagementLimitConstraints(void *h, unsigned *min, unsigned *max) {
  BEGIN;
  DEV(h, "nvmlDeviceGetPowerManagementLimitConstraints");
  *min = d->min_mw;
  *max = d->max_mw;
  FINISH;
}

int nvmlDeviceGetPowerManagementDefaultLimit(void *h, unsigned *mw) {
  BEGIN;
  DEV(h, "nvmlDeviceGetPowerManagementDefaultLimit");
  *mw = d->default_mw;
  FINISH;
}

int nvmlDeviceGetEnforcedPowerLimit(void *h, unsigned *mw) {
  BEGIN;
  DEV(h, "nvmlDeviceGetEnforcedPowerLimit");
  *mw = enforced(d);
  FINISH;
}

int nvmlDeviceSetPowerManagementLimit(void *h, unsigned mw) {
  BEGIN;
  struct dev *d = D(h);
  if (d) { d->set_calls++; save_state(); } /* counted even when refused: shadow tests need 0 */
  {
    DEV(h, "nvmlDeviceSetPowerManagementLimit");
    if (mw < d->min_mw || mw > d->max_mw) END_RC(INVALID_ARGUMENT);
    d->limit_mw = mw;
    save_state();
  }
  FINISH;
}

int nvmlDeviceGetUtilizationRates(void *h, unsigned *util /* nvmlUtilization_t: gpu, memory */) {
  BEGIN;
  DEV(h, "nvmlDeviceGetUtilizationRates");
  if (d->mig_current) END_RC(NOT_SUPPORTED);
  util[0] = (unsigned)d->util_gpu;
  util[1] = (unsigned)d->util_mem;
  FINISH;
}

int nvmlDeviceGetClockInfo(void *h, int type, unsigned *mhz) {
  BEGIN;
  DEV(h, "nvmlDeviceGetClockInfo");
  if (type != 1 /* NVML_CLOCK_SM */ && type != 0) END_RC(NOT_SUPPORTED);
  /* Below the default limit the clock drops with the limit: a crude DVFS. */
  *mhz = (unsigned)((unsigned long long)d->sm_clock * enforced(d) / (d->default_mw ? d->default_mw : 1));
  if (*mhz > (unsigned)d->sm_clock) *mhz = (unsigned)d->sm_clock;
  FINISH;
}

#ifndef FAKE_NVML_MINIMAL
int nvmlDeviceGetMigMode(void *h, unsigned *current, unsigned *pending) {
  BEGIN;
  DEV(h, "nvmlDeviceGetMigMode");
  *current = (unsigned)d->mig_current;
  *pending = (unsigned)d->mig_pending;
  FINISH;
}
#endif

/* The NVML process query: too small a buffer gives INSUFFICIENT_SIZE and the needed count. */
static int processes(void *h, const char *fn, unsigned *count, unsigned char *infos, int stride) {
  BEGIN;
  DEV(h, fn);
  if (!count) END_RC(INVALID_ARGUMENT);
  unsigned need = d->nprocs;
  if (*count < need || (need > 0 && !infos)) {
    *count = need;
    if (d->grow_procs) { /* the list grows between the size query and the fetch */
      for (unsigned g = 0; g < d->grow_procs && d->nprocs < MAXPROC; g++) {
        d->procs[d->nprocs].pid = 50000 + d->nprocs;
        d->procs[d->nprocs].mem = 1ull << 20;
        d->nprocs++;
      }
      d->grow_procs = 0;
      save_state();
    }
    END_RC(INSUFFICIENT_SIZE);
  }
  for (unsigned p = 0; p < need; p++) {
    unsigned char *e = infos + (size_t)p * stride;
    memset(e, 0, (size_t)stride);
    memcpy(e, &d->procs[p].pid, 4);
    memcpy(e + 8, &d->procs[p].mem, 8);
    if (stride >= 24) {
      unsigned none = 0xFFFFFFFFu; /* gpuInstanceId, computeInstanceId: MIG off */
      memcpy(e + 16, &none, 4);
      memcpy(e + 20, &none, 4);
    }
  }
  *count = need;
  FINISH;
}

int nvmlDeviceGetComputeRunningProcesses(void *h, unsigned *count, void *infos) {
  return processes(h, "nvmlDeviceGetComputeRunningProcesses", count, infos, 16);
}

#ifndef FAKE_NVML_MINIMAL
int nvmlDeviceGetComputeRunningProcesses_v2(void *h, unsigned *count, void *infos) {
  return processes(h, "nvmlDeviceGetComputeRunningProcesses_v2", count, infos, 24);
}

int nvmlDeviceGetComputeRunningProcesses_v3(void *h, unsigned *count, void *infos) {
  return processes(h, "nvmlDeviceGetComputeRunningProcesses_v3", count, infos, proc_stride == 32 ? 32 : 24);
}
#endif

/* ---------- backdoors for tests ---------- */

#define BACKDOOR(body) do { pthread_mutex_lock(&mu); lock_state(); load_state(); integrate(); body; save_state(); \
  unlock_state(); pthread_mutex_unlock(&mu); } while (0)

static struct dev *dev_at(unsigned idx) { return idx < MAXDEV ? &devs[idx] : NULL; }

/* Back to the defaults and the environment; drops the refcount and the state file. */
void fakeNvmlReset(void) {
  pthread_mutex_lock(&mu);
  set_defaults();
  refcount = 0;
  pthread_mutex_unlock(&mu);
}

void fakeNvmlUseStateFile(const char *path) {
  pthread_mutex_lock(&mu);
  snprintf(state_path, sizeof state_path, "%s", path ? path : "");
  state_seen_valid = 0;
  pthread_mutex_unlock(&mu);
}

void fakeNvmlSetDeviceCount(unsigned n) { BACKDOOR(ndev = n > MAXDEV ? MAXDEV : n); }
void fakeNvmlFail(const char *fn, int code, int count) { BACKDOOR(add_fail(fn, -1, code, count)); }
void fakeNvmlFailDevice(const char *fn, unsigned idx, int code, int count) { BACKDOOR(add_fail(fn, (int)idx, code, count)); }
void fakeNvmlSetLost(unsigned idx, int lost) { BACKDOOR(struct dev *d = dev_at(idx); if (d) d->lost = lost); }
void fakeNvmlSetDraw(unsigned idx, unsigned mw) { BACKDOOR(struct dev *d = dev_at(idx); if (d) d->draw_mw = mw); }
void fakeNvmlSetLimitExternally(unsigned idx, unsigned mw) { BACKDOOR(struct dev *d = dev_at(idx); if (d) d->limit_mw = mw); }
void fakeNvmlSetOobCap(unsigned idx, unsigned mw) { BACKDOOR(struct dev *d = dev_at(idx); if (d) d->oob_cap_mw = mw); }
void fakeNvmlSetConstraints(unsigned idx, unsigned min, unsigned max, unsigned dflt) {
  BACKDOOR(struct dev *d = dev_at(idx); if (d) { d->min_mw = min; d->max_mw = max; d->default_mw = dflt; d->limit_mw = dflt; });
}
void fakeNvmlSetEnergySupported(unsigned idx, int supported) { BACKDOOR(struct dev *d = dev_at(idx); if (d) d->energy_supported = supported); }
void fakeNvmlResetEnergy(unsigned idx) { BACKDOOR(struct dev *d = dev_at(idx); if (d) { d->energy_mj = 0; d->energy_frac = 0; }); }
void fakeNvmlSetMig(unsigned idx, int current, int pending) {
  BACKDOOR(struct dev *d = dev_at(idx); if (d) { d->mig_current = current; d->mig_pending = pending; });
}
void fakeNvmlAddProcess(unsigned idx, unsigned pid, unsigned long long mem) {
  BACKDOOR(struct dev *d = dev_at(idx); if (d && d->nprocs < MAXPROC) { d->procs[d->nprocs].pid = pid; d->procs[d->nprocs].mem = mem; d->nprocs++; });
}
void fakeNvmlGrowProcessesOnNextQuery(unsigned idx, unsigned extra) { BACKDOOR(struct dev *d = dev_at(idx); if (d) d->grow_procs = extra); }
void fakeNvmlSetProcStride(int bytes) { BACKDOOR(proc_stride = bytes); }
/* Energy then grows only when the test advances the fake's clock. No integration on the way in:
   the wall-clock milliseconds since the reset would otherwise show up as energy (0.25 J per ms). */
void fakeNvmlUseManualClock(void) {
  pthread_mutex_lock(&mu); lock_state(); load_state();
  manual_clock = 1; clock_ms = 0; integrated_ms = 0;
  save_state(); unlock_state(); pthread_mutex_unlock(&mu);
}
void fakeNvmlAdvanceMs(long long ms) { BACKDOOR(clock_ms += ms); }

int fakeNvmlRefcount(void) { pthread_mutex_lock(&mu); int r = refcount; pthread_mutex_unlock(&mu); return r; }
unsigned fakeNvmlSetCalls(unsigned idx) {
  pthread_mutex_lock(&mu); lock_state(); load_state(); unsigned r = idx < MAXDEV ? devs[idx].set_calls : 0;
  unlock_state(); pthread_mutex_unlock(&mu); return r;
}
unsigned fakeNvmlLimit(unsigned idx) {
  pthread_mutex_lock(&mu); lock_state(); load_state(); unsigned r = idx < MAXDEV ? devs[idx].limit_mw : 0;
  unlock_state(); pthread_mutex_unlock(&mu); return r;
}
