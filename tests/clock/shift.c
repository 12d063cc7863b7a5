// Moves the wall clock of a process and its children by MQL_CLOCK_SHIFT_MS milliseconds, loaded
// with LD_PRELOAD by scripts/test-shifted-clock.sh: Node, Chromium and workerd all read
// the time through these three calls. Debian's faketime does the same for Node but deadlocks
// workerd at start (its own init asks the clock from inside workerd's allocator), so this
// shim allocates nothing, takes no lock and leaves the monotonic clocks alone.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static long long shift_ns(void) {
  static volatile long long shift;
  static volatile int known;
  if (!known) {
    const char *text = getenv("MQL_CLOCK_SHIFT_MS");
    shift = text ? strtoll(text, NULL, 10) * 1000000LL : 0;
    known = 1;
  }
  return shift;
}

typedef int (*clock_fn)(clockid_t, struct timespec *);

// The real clock_gettime (the vDSO's, through libc); a raw system call until it is found.
static int real_clock_gettime(clockid_t clock, struct timespec *ts) {
  static clock_fn real;
  static volatile int looking;
  if (!real && !looking) {
    looking = 1;
    real = (clock_fn)dlsym(RTLD_NEXT, "clock_gettime");
    looking = 0;
  }
  if (real) return real(clock, ts);
  return (int)syscall(SYS_clock_gettime, clock, ts);
}

static void shifted(struct timespec *ts) {
  long long ns = (long long)ts->tv_sec * 1000000000LL + ts->tv_nsec + shift_ns();
  ts->tv_sec = (time_t)(ns / 1000000000LL);
  ts->tv_nsec = (long)(ns % 1000000000LL);
  if (ts->tv_nsec < 0) {
    ts->tv_nsec += 1000000000L;
    ts->tv_sec -= 1;
  }
}

int clock_gettime(clockid_t clock, struct timespec *ts) {
  int r = real_clock_gettime(clock, ts);
  if (r == 0 && (clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE)) shifted(ts);
  return r;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz) {
  (void)tz;
  struct timespec ts;
  int r = clock_gettime(CLOCK_REALTIME, &ts);
  if (r == 0 && tv) {
    tv->tv_sec = ts.tv_sec;
    tv->tv_usec = ts.tv_nsec / 1000;
  }
  return r;
}

time_t time(time_t *out) {
  struct timespec ts;
  if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return (time_t)-1;
  if (out) *out = ts.tv_sec;
  return ts.tv_sec;
}
