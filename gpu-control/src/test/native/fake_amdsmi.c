/*
 * A fake libamd_smi.so for tests: the production jnr-ffi binding loads it unchanged. Signatures,
 * struct layouts and units are those of AMD SMI's include/amd_smi/amdsmi.h (ROCm 6.0 to 6.2; the
 * structs used here did not change between them):
 *
 *   amdsmi_power_cap_info_t  64 bytes: power_cap @0, default_power_cap @8, dpm_cap @16,
 *                            min_power_cap @24, max_power_cap @32 (uint64_t, microwatts; dpm: MHz)
 *   amdsmi_power_info_t      68 bytes: current_socket_power @0, average_socket_power @4 (uint32_t, W)
 *   amdsmi_proc_info_t       224 bytes: name[32] @0, pid @32 (uint32_t), mem @40 (uint64_t, bytes)
 *   amdsmi_asic_info_t       456 bytes: market_name[256] @0
 *   amdsmi_engine_usage_t    64 bytes: gfx_activity @0 (percent)
 *   amdsmi_clk_info_t        32 bytes: clk @0 (MHz)
 *   amdsmi_driver_info_t     192 bytes: driver_version[64] @0
 *   energy: accumulator * counter_resolution = microjoules; timestamp in ns
 *
 * One socket per GPU. A GPU in compute partition mode CPX shows 8 processors on its socket, as an
 * MI300X does. Tests drive the fake through the fakeAmdsmi* exports (a second jnr-ffi interface
 * loaded from the same path shares this state) or through the environment:
 *
 *   FAKE_AMDSMI_DEVICE_COUNT  number of GPUs (default 2)
 *   FAKE_AMDSMI_FAIL          "fn=code[:count],fn@idx=code[:count],..." injected status codes
 *   FAKE_AMDSMI_STATE         a key=value file holding the GPUs' mutable state, re-read when it
 *                             changes and rewritten (temp + rename, under an fcntl lock on
 *                             FILE.lock) on every change, so power caps outlive a killed process as
 *                             real ones do and another process can play amd-smi set --power-cap.
 *
 * Built by the test build: gcc -shared -fPIC -Wl,-soname,libamd_smi.so.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAXDEV 32
#define MAXPART 8
#define MAXPROC 256
#define MAXFAIL 32

enum {
  OK = 0, INVAL = 1, NOT_SUPPORTED = 2, NO_PERM = 10, OUT_OF_RESOURCES = 15, INPUT_OUT_OF_BOUNDS = 17,
  NOT_FOUND = 31, NOT_INIT = 32, INSUFFICIENT_SIZE = 41
};
#define INIT_AMD_GPUS (1ull << 1)
#define PROCESSOR_TYPE_AMD_GPU 1
#define CLK_TYPE_GFX 0
#define MAGIC 0x616d6473u

struct proc { uint32_t pid; uint64_t mem; };

struct dev {
  char name[96];
  char uuid[64];
  char partition[8];
  uint64_t min_uw, max_uw, default_uw, cap_uw;
  uint32_t draw_w;
  uint64_t energy_uj;
  double energy_frac;
  int energy_supported, lost, util_gfx, gfx_clock;
  unsigned set_calls, nprocs;
  struct proc procs[MAXPROC];
};

struct handle { unsigned magic, dev, part; };

struct fail { char fn[80]; int dev; int code; int count; };

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct dev devs[MAXDEV];
static struct handle sockets[MAXDEV];
static struct handle procs_h[MAXDEV][MAXPART];
static unsigned ndev;
static int refcount;
static struct fail fails[MAXFAIL];
static int nfail;
static int manual_clock;
static long long clock_ms, integrated_ms;
static char state_path[4096];
static struct stat state_seen;
static int state_seen_valid;
static int lock_fd = -1;

/* The energy counter's resolution: 15.3 uJ, as MI200 and MI300 report it. */
static const float RESOLUTION_UJ = 15.3f;

static long long now_ms(void) {
  if (manual_clock) return clock_ms;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint32_t drawn_w(const struct dev *d) {
  uint32_t cap_w = (uint32_t)(d->cap_uw / 1000000);
  return d->draw_w < cap_w ? d->draw_w : cap_w;
}

static void integrate(void) {
  long long now = now_ms();
  if (now > integrated_ms) {
    double s = (now - integrated_ms) / 1000.0;
    for (unsigned i = 0; i < ndev; i++) {
      double add = drawn_w(&devs[i]) * 1e6 * s + devs[i].energy_frac;
      uint64_t whole = (uint64_t)add;
      devs[i].energy_uj += whole;
      devs[i].energy_frac = add - whole;
    }
  }
  integrated_ms = now;
}

static int env_int(const char *name, int dflt) {
  const char *v = getenv(name);
  return v && *v ? atoi(v) : dflt;
}

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

static int injected(const char *fn, int idx) {
  for (int k = 0; k < nfail; k++) {
    if (strcmp(fails[k].fn, fn) != 0 || (fails[k].dev >= 0 && fails[k].dev != idx)) continue;
    int code = fails[k].code;
    if (fails[k].count > 0 && --fails[k].count == 0) fails[k] = fails[--nfail];
    return code;
  }
  return 0;
}

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
  snprintf(d->name, sizeof d->name, "AMD Instinct MI300X (fake)");
  snprintf(d->uuid, sizeof d->uuid, "fa4e0000-0000-1000-80ff-%012x", i);
  snprintf(d->partition, sizeof d->partition, "SPX");
  d->min_uw = 200000000ull;
  d->max_uw = 750000000ull;
  d->default_uw = 750000000ull;
  d->cap_uw = 750000000ull;
  d->draw_w = 600;
  d->energy_supported = 1;
  d->util_gfx = 93;
  d->gfx_clock = 2100;
  sockets[i] = (struct handle){MAGIC, i, 0};
  for (unsigned p = 0; p < MAXPART; p++) procs_h[i][p] = (struct handle){MAGIC + 1, i, p};
}

static void set_defaults(void) {
  int n = env_int("FAKE_AMDSMI_DEVICE_COUNT", 2);
  ndev = n < 0 ? 0 : n > MAXDEV ? MAXDEV : (unsigned)n;
  for (unsigned i = 0; i < MAXDEV; i++) init_device(i);
  nfail = 0;
  const char *f = getenv("FAKE_AMDSMI_FAIL");
  if (f) parse_fails(f);
  manual_clock = 0;
  clock_ms = 0;
  integrated_ms = now_ms();
  const char *s = getenv("FAKE_AMDSMI_STATE");
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
  if (lock_fd >= 0) { close(lock_fd); lock_fd = -1; }
}

static void save_state(void) {
  if (!state_path[0]) return;
  char tmp[4200];
  snprintf(tmp, sizeof tmp, "%s.tmp.%d", state_path, (int)getpid());
  FILE *f = fopen(tmp, "w");
  if (!f) return;
  fprintf(f, "count=%u\nintegrated_ms=%lld\n", ndev, integrated_ms);
  for (unsigned i = 0; i < ndev; i++) {
    struct dev *d = &devs[i];
    fprintf(f, "name.%u=%s\nuuid.%u=%s\npartition.%u=%s\nmin_uw.%u=%llu\nmax_uw.%u=%llu\ndefault_uw.%u=%llu\n"
               "cap_uw.%u=%llu\ndraw_w.%u=%u\nenergy_uj.%u=%llu\nenergy_supported.%u=%d\nlost.%u=%d\nset_calls.%u=%u\n",
            i, d->name, i, d->uuid, i, d->partition, i, (unsigned long long)d->min_uw, i, (unsigned long long)d->max_uw,
            i, (unsigned long long)d->default_uw, i, (unsigned long long)d->cap_uw, i, d->draw_w,
            i, (unsigned long long)d->energy_uj, i, d->energy_supported, i, d->lost, i, d->set_calls);
    fprintf(f, "procs.%u=", i);
    for (unsigned p = 0; p < d->nprocs; p++)
      fprintf(f, "%s%u:%llu", p ? ";" : "", d->procs[p].pid, (unsigned long long)d->procs[p].mem);
    fputc('\n', f);
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
  else if (IS("partition")) snprintf(d->partition, sizeof d->partition, "%s", val);
  else if (IS("min_uw")) d->min_uw = strtoull(val, NULL, 10);
  else if (IS("max_uw")) d->max_uw = strtoull(val, NULL, 10);
  else if (IS("default_uw")) d->default_uw = strtoull(val, NULL, 10);
  else if (IS("cap_uw")) d->cap_uw = strtoull(val, NULL, 10);
  else if (IS("draw_w")) d->draw_w = (uint32_t)strtoul(val, NULL, 10);
  else if (IS("energy_uj")) d->energy_uj = strtoull(val, NULL, 10);
  else if (IS("energy_supported")) d->energy_supported = atoi(val);
  else if (IS("lost")) d->lost = atoi(val);
  else if (IS("set_calls")) d->set_calls = (unsigned)strtoul(val, NULL, 10);
  else if (IS("procs")) {
    d->nprocs = 0;
    char buf[8192];
    snprintf(buf, sizeof buf, "%s", val);
    for (char *save = NULL, *t = strtok_r(buf, ";", &save); t && d->nprocs < MAXPROC; t = strtok_r(NULL, ";", &save)) {
      char *c = strchr(t, ':');
      d->procs[d->nprocs].pid = (uint32_t)strtoul(t, NULL, 10);
      d->procs[d->nprocs].mem = c ? strtoull(c + 1, NULL, 10) : 0;
      d->nprocs++;
    }
  }
#undef IS
}

static void load_state(void) {
  if (!state_path[0]) return;
  struct stat st;
  if (stat(state_path, &st) != 0) {
    save_state();
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
  if (first) save_state();
}

static int parts(const struct dev *d) { return strcmp(d->partition, "CPX") ? 1 : MAXPART; }

/* The device behind a processor handle, or NULL. */
static struct dev *D(void *h) {
  struct handle *p = (struct handle *)h;
  if (!p || (char *)p < (char *)procs_h || (char *)p >= (char *)procs_h + sizeof procs_h ||
      ((char *)p - (char *)procs_h) % sizeof *p || p->magic != MAGIC + 1 || p->dev >= ndev ||
      (int)p->part >= parts(&devs[p->dev]))
    return NULL;
  return &devs[p->dev];
}

#define BEGIN pthread_mutex_lock(&mu); lock_state(); load_state(); integrate(); int rc_ = 0
#define END_RC(x) do { rc_ = (x); goto out_; } while (0)
#define FINISH out_: unlock_state(); pthread_mutex_unlock(&mu); return rc_
#define ENTER(fn) do { int r_ = injected(fn, -1); if (r_) END_RC(r_); if (refcount <= 0) END_RC(NOT_INIT); } while (0)
#define DEV(h, fn) struct dev *d = D(h); if (!d) END_RC(INVAL); \
  { int r_ = injected(fn, (int)(d - devs)); if (r_) END_RC(r_); } \
  if (refcount <= 0) END_RC(NOT_INIT); \
  if (d->lost) END_RC(NOT_FOUND)

/* ---------- AMD SMI API ---------- */

int amdsmi_init(uint64_t flags) {
  BEGIN;
  { int r = injected("amdsmi_init", -1); if (r) END_RC(r); }
  if (!(flags & INIT_AMD_GPUS)) END_RC(INVAL);
  refcount++;
  FINISH;
}

int amdsmi_shut_down(void) {
  BEGIN;
  { int r = injected("amdsmi_shut_down", -1); if (r) END_RC(r); }
  if (refcount > 0) refcount--;
  FINISH;
}

int amdsmi_status_code_to_string(int status, const char **out) {
  if (!out) return INVAL;
  switch (status) {
    case OK: *out = "AMDSMI_STATUS_SUCCESS: Call succeeded"; break;
    case INVAL: *out = "AMDSMI_STATUS_INVAL: Invalid parameters"; break;
    case NOT_SUPPORTED: *out = "AMDSMI_STATUS_NOT_SUPPORTED: Command not supported"; break;
    case NO_PERM: *out = "AMDSMI_STATUS_NO_PERM: Permission Denied"; break;
    case OUT_OF_RESOURCES: *out = "AMDSMI_STATUS_OUT_OF_RESOURCES: Not enough memory"; break;
    case INPUT_OUT_OF_BOUNDS: *out = "AMDSMI_STATUS_INPUT_OUT_OF_BOUNDS: Input out of bounds"; break;
    case NOT_FOUND: *out = "AMDSMI_STATUS_NOT_FOUND: Device Not found"; break;
    case NOT_INIT: *out = "AMDSMI_STATUS_NOT_INIT: Device not initialized"; break;
    default: *out = "An unknown error occurred"; break;
  }
  return OK;
}

int amdsmi_get_socket_handles(uint32_t *count, void **handles) {
  BEGIN;
  ENTER("amdsmi_get_socket_handles");
  if (!count) END_RC(INVAL);
  if (!handles) { *count = ndev; END_RC(OK); }
  uint32_t n = *count < ndev ? *count : ndev;
  for (uint32_t i = 0; i < n; i++) handles[i] = &sockets[i];
  *count = n;
  FINISH;
}

int amdsmi_get_processor_handles(void *socket, uint32_t *count, void **handles) {
  BEGIN;
  ENTER("amdsmi_get_processor_handles");
  struct handle *s = (struct handle *)socket;
  if (!count || s < sockets || s >= sockets + ndev || s->magic != MAGIC) END_RC(INVAL);
  int np = parts(&devs[s->dev]);
  if (!handles) { *count = (uint32_t)np; END_RC(OK); }
  uint32_t n = *count < (uint32_t)np ? *count : (uint32_t)np;
  for (uint32_t p = 0; p < n; p++) handles[p] = &procs_h[s->dev][p];
  *count = n;
  FINISH;
}

int amdsmi_get_processor_type(void *h, int *type) {
  BEGIN;
  ENTER("amdsmi_get_processor_type");
  if (!D(h) || !type) END_RC(INVAL);
  *type = PROCESSOR_TYPE_AMD_GPU;
  FINISH;
}

int amdsmi_get_gpu_device_uuid(void *h, unsigned *len, char *uuid) {
  BEGIN;
  DEV(h, "amdsmi_get_gpu_device_uuid");
  if (!len || !uuid) END_RC(INVAL);
  char buf[80];
  struct handle *p = (struct handle *)h;
  /* A partition has its own UUID; the first is the GPU's. */
  if (p->part == 0) snprintf(buf, sizeof buf, "%s", d->uuid);
  else snprintf(buf, sizeof buf, "%.30s%06x", d->uuid, p->part);
  if (strlen(buf) + 1 > *len) { *len = (unsigned)strlen(buf) + 1; END_RC(INSUFFICIENT_SIZE); }
  memcpy(uuid, buf, strlen(buf) + 1);
  *len = (unsigned)strlen(buf);
  FINISH;
}

int amdsmi_get_gpu_asic_info(void *h, void *info) {
  BEGIN;
  DEV(h, "amdsmi_get_gpu_asic_info");
  if (!info) END_RC(INVAL);
  memset(info, 0, 456);
  snprintf((char *)info, 256, "%s", d->name);
  FINISH;
}

int amdsmi_get_gpu_driver_info(void *h, void *info) {
  BEGIN;
  DEV(h, "amdsmi_get_gpu_driver_info");
  if (!info) END_RC(INVAL);
  memset(info, 0, 192);
  snprintf((char *)info, 64, "6.8.5-fake");
  snprintf((char *)info + 128, 64, "amdgpu");
  FINISH;
}

int amdsmi_get_gpu_compute_partition(void *h, char *out, uint32_t len) {
  BEGIN;
  DEV(h, "amdsmi_get_gpu_compute_partition");
  if (!out || len == 0) END_RC(INVAL);
  snprintf(out, len, "%s", d->partition);
  if (strlen(d->partition) + 1 > len) END_RC(INSUFFICIENT_SIZE);
  FINISH;
}

int amdsmi_get_power_cap_info(void *h, uint32_t sensor, void *info) {
  BEGIN;
  DEV(h, "amdsmi_get_power_cap_info");
  if (!info || sensor != 0) END_RC(INVAL);
  uint64_t *v = (uint64_t *)info;
  memset(info, 0, 64);
  v[0] = d->cap_uw;
  v[1] = d->default_uw;
  v[2] = 2100; /* dpm_cap, MHz */
  v[3] = d->min_uw;
  v[4] = d->max_uw;
  FINISH;
}

int amdsmi_set_power_cap(void *h, uint32_t sensor, uint64_t cap) {
  BEGIN;
  struct dev *c = D(h);
  if (c) { c->set_calls++; save_state(); } /* counted even when refused: shadow tests need 0 */
  {
    DEV(h, "amdsmi_set_power_cap");
    if (sensor != 0) END_RC(INVAL);
    if (cap < d->min_uw || cap > d->max_uw) END_RC(INPUT_OUT_OF_BOUNDS);
    d->cap_uw = cap;
    save_state();
  }
  FINISH;
}

int amdsmi_get_power_info(void *h, void *info) {
  BEGIN;
  DEV(h, "amdsmi_get_power_info");
  if (!info) END_RC(INVAL);
  uint32_t *v = (uint32_t *)info;
  memset(info, 0, 68);
  v[0] = drawn_w(d);  /* current_socket_power, W (MI300) */
  v[1] = 0xFFFF;      /* average_socket_power: not available on MI300 */
  v[5] = (uint32_t)(d->cap_uw / 1000000);
  FINISH;
}

int amdsmi_get_energy_count(void *h, uint64_t *energy, float *resolution, uint64_t *timestamp) {
  BEGIN;
  DEV(h, "amdsmi_get_energy_count");
  if (!d->energy_supported) END_RC(NOT_SUPPORTED);
  if (!energy || !resolution || !timestamp) END_RC(INVAL);
  *energy = (uint64_t)(d->energy_uj / RESOLUTION_UJ);
  *resolution = RESOLUTION_UJ;
  *timestamp = (uint64_t)now_ms() * 1000000ull;
  FINISH;
}

int amdsmi_get_gpu_activity(void *h, void *info) {
  BEGIN;
  DEV(h, "amdsmi_get_gpu_activity");
  if (!info) END_RC(INVAL);
  memset(info, 0, 64);
  ((uint32_t *)info)[0] = (uint32_t)d->util_gfx;
  FINISH;
}

int amdsmi_get_clock_info(void *h, int type, void *info) {
  BEGIN;
  DEV(h, "amdsmi_get_clock_info");
  if (!info || type != CLK_TYPE_GFX) END_RC(INVAL);
  memset(info, 0, 32);
  ((uint32_t *)info)[0] = (uint32_t)d->gfx_clock;
  FINISH;
}

int amdsmi_get_gpu_process_list(void *h, uint32_t *max, void *list) {
  BEGIN;
  DEV(h, "amdsmi_get_gpu_process_list");
  if (!max) END_RC(INVAL);
  uint32_t room = *max;
  *max = d->nprocs;
  if (room == 0) END_RC(OK);
  if (!list) END_RC(INVAL);
  uint32_t n = room < d->nprocs ? room : d->nprocs;
  for (uint32_t i = 0; i < n; i++) {
    char *e = (char *)list + (size_t)i * 224;
    memset(e, 0, 224);
    snprintf(e, 32, "python3");
    memcpy(e + 32, &d->procs[i].pid, 4);
    memcpy(e + 40, &d->procs[i].mem, 8);
    memcpy(e + 128, &d->procs[i].mem, 8); /* memory_usage.vram_mem */
  }
  if (room < d->nprocs) END_RC(OUT_OF_RESOURCES);
  FINISH;
}

/* ---------- backdoors for tests ---------- */

#define BACKDOOR(body) do { pthread_mutex_lock(&mu); lock_state(); load_state(); integrate(); body; save_state(); \
  unlock_state(); pthread_mutex_unlock(&mu); } while (0)

static struct dev *dev_at(unsigned idx) { return idx < MAXDEV ? &devs[idx] : NULL; }

void fakeAmdsmiReset(void) {
  pthread_mutex_lock(&mu);
  set_defaults();
  refcount = 0;
  pthread_mutex_unlock(&mu);
}

void fakeAmdsmiUseStateFile(const char *path) {
  pthread_mutex_lock(&mu);
  snprintf(state_path, sizeof state_path, "%s", path ? path : "");
  state_seen_valid = 0;
  pthread_mutex_unlock(&mu);
}

void fakeAmdsmiSetDeviceCount(unsigned n) { BACKDOOR(ndev = n > MAXDEV ? MAXDEV : n); }
void fakeAmdsmiFail(const char *fn, int code, int count) { BACKDOOR(add_fail(fn, -1, code, count)); }
void fakeAmdsmiFailDevice(const char *fn, unsigned idx, int code, int count) { BACKDOOR(add_fail(fn, (int)idx, code, count)); }
void fakeAmdsmiSetLost(unsigned idx, int lost) { BACKDOOR(struct dev *d = dev_at(idx); if (d) d->lost = lost); }
void fakeAmdsmiSetDraw(unsigned idx, unsigned watts) { BACKDOOR(struct dev *d = dev_at(idx); if (d) d->draw_w = watts); }
void fakeAmdsmiSetCapExternally(unsigned idx, uint64_t uw) { BACKDOOR(struct dev *d = dev_at(idx); if (d) d->cap_uw = uw); }
void fakeAmdsmiSetCapRange(unsigned idx, uint64_t min, uint64_t max, uint64_t dflt) {
  BACKDOOR(struct dev *d = dev_at(idx); if (d) { d->min_uw = min; d->max_uw = max; d->default_uw = dflt; d->cap_uw = dflt; });
}
void fakeAmdsmiSetName(unsigned idx, const char *name) {
  BACKDOOR(struct dev *d = dev_at(idx); if (d && name) snprintf(d->name, sizeof d->name, "%s", name));
}
void fakeAmdsmiSetPartition(unsigned idx, const char *mode) {
  BACKDOOR(struct dev *d = dev_at(idx); if (d && mode) snprintf(d->partition, sizeof d->partition, "%s", mode));
}
void fakeAmdsmiSetEnergySupported(unsigned idx, int supported) { BACKDOOR(struct dev *d = dev_at(idx); if (d) d->energy_supported = supported); }
void fakeAmdsmiAddProcess(unsigned idx, unsigned pid, unsigned long long mem) {
  BACKDOOR(struct dev *d = dev_at(idx); if (d && d->nprocs < MAXPROC) { d->procs[d->nprocs].pid = pid; d->procs[d->nprocs].mem = mem; d->nprocs++; });
}
void fakeAmdsmiUseManualClock(void) {
  pthread_mutex_lock(&mu); lock_state(); load_state();
  manual_clock = 1; clock_ms = 0; integrated_ms = 0;
  save_state(); unlock_state(); pthread_mutex_unlock(&mu);
}
void fakeAmdsmiAdvanceMs(long long ms) { BACKDOOR(clock_ms += ms); }

int fakeAmdsmiRefcount(void) { pthread_mutex_lock(&mu); int r = refcount; pthread_mutex_unlock(&mu); return r; }
unsigned fakeAmdsmiSetCalls(unsigned idx) {
  pthread_mutex_lock(&mu); lock_state(); load_state(); unsigned r = idx < MAXDEV ? devs[idx].set_calls : 0;
  unlock_state(); pthread_mutex_unlock(&mu); return r;
}
uint64_t fakeAmdsmiCap(unsigned idx) {
  pthread_mutex_lock(&mu); lock_state(); load_state(); uint64_t r = idx < MAXDEV ? devs[idx].cap_uw : 0;
  unlock_state(); pthread_mutex_unlock(&mu); return r;
}
