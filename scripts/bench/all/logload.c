/*
 * The helper of scripts/bench/all/logload.sh (a steady log load), compiled by
 * it with cc: small and exact, so the writers and the probes cost the machine
 * little and the same for every suite.
 *
 *   logload write SLOTS INDEX RATE LEN
 *     writes RATE lines a second of LEN bytes (newline included) to stdout,
 *     one write(2) each, on a fixed schedule; a tick missed (the write
 *     blocked: the pipe was full) is skipped, not made up. The count of lines
 *     written is kept in slot INDEX of the file SLOTS (mapped shared: no
 *     system call to count).
 *   logload sum SLOTS                 the lines written by every writer so far
 *   logload svct SVC DIR [TIMEOUT_MS] runs `SVC -t DIR` and prints the ms
 *     until DIR/supervise/status names another pid (polled every 0.1 ms);
 *     "timeout" after TIMEOUT_MS (default 30000)
 *   logload first T0_US TIMEOUT_MS FILE...  waits until every FILE is not
 *     empty (polled every 5 ms) and prints the ms since T0_US (microseconds
 *     of the realtime clock, as `date +%s%6N`); "timeout" after TIMEOUT_MS
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SLOTS_MAX 4096

static double now_ms(clockid_t c) {
  struct timespec t;
  clock_gettime(c, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static volatile uint64_t *slots(const char *path, int create) {
  int fd = open(path, O_RDWR | (create ? O_CREAT : 0), 0644);
  if (fd < 0) { perror(path); exit(111); }
  if (create && ftruncate(fd, SLOTS_MAX * 8) != 0) { perror("ftruncate"); exit(111); }
  void *p = mmap(0, SLOTS_MAX * 8, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) { perror("mmap"); exit(111); }
  close(fd);
  return p;
}

static int write_lines(char **a) {
  volatile uint64_t *s = slots(a[0], 1);
  int idx = atoi(a[1]), rate = atoi(a[2]), len = atoi(a[3]);
  if (idx < 0 || idx >= SLOTS_MAX || rate <= 0 || len < 20 || len > 4000) return 100;
  char line[4096];
  long step = 1000000000L / rate;
  struct timespec next;
  clock_gettime(CLOCK_MONOTONIC, &next);
  for (uint64_t seq = 0;; seq++) {
    int n = snprintf(line, sizeof line, "w%04d %010llu ", idx, (unsigned long long)seq);
    memset(line + n, 'x', len - 1 - n);
    line[len - 1] = '\n';
    for (int off = 0; off < len;) {
      ssize_t w = write(1, line + off, len - off);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return 111;
      off += w;
    }
    s[idx] = seq + 1;
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    do { /* the next tick not yet past */
      next.tv_nsec += step;
      if (next.tv_nsec >= 1000000000L) { next.tv_nsec -= 1000000000L; next.tv_sec++; }
    } while (next.tv_sec < t.tv_sec || (next.tv_sec == t.tv_sec && next.tv_nsec <= t.tv_nsec));
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, 0) == EINTR) {}
  }
}

static uint32_t status_pid(const char *status) {
  unsigned char b[18];
  int fd = open(status, O_RDONLY);
  if (fd < 0) return 0;
  ssize_t n = pread(fd, b, sizeof b, 0);
  close(fd);
  if (n < 16) return 0;
  return b[12] | b[13] << 8 | b[14] << 16 | (uint32_t)b[15] << 24;
}

static int svct(char **a, int argc) {
  char status[4096];
  snprintf(status, sizeof status, "%s/supervise/status", a[1]);
  double timeout = argc > 2 ? atof(a[2]) : 30000;
  uint32_t old = status_pid(status);
  double t0 = now_ms(CLOCK_MONOTONIC);
  pid_t c = fork();
  if (c == 0) {
    execl(a[0], a[0], "-t", a[1], (char *)0);
    _exit(127);
  }
  int reaped = 0;
  struct timespec tick = {0, 100000};
  for (;;) {
    uint32_t p = status_pid(status);
    if (p != 0 && p != old) break;
    if (!reaped && waitpid(c, 0, WNOHANG) == c) reaped = 1;
    if (now_ms(CLOCK_MONOTONIC) - t0 > timeout) {
      puts("timeout");
      if (!reaped) waitpid(c, 0, 0);
      return 1;
    }
    nanosleep(&tick, 0);
  }
  printf("%.2f\n", now_ms(CLOCK_MONOTONIC) - t0);
  if (!reaped) waitpid(c, 0, 0);
  return 0;
}

static int first(char **a, int argc) {
  double t0 = atof(a[0]) / 1e3, timeout = atof(a[1]);
  int n = argc - 2, left = n;
  char *done = calloc(n, 1);
  struct timespec tick = {0, 5000000};
  double start = now_ms(CLOCK_REALTIME);
  while (left > 0) {
    for (int i = 0; i < n; i++) {
      struct stat st;
      if (!done[i] && stat(a[2 + i], &st) == 0 && st.st_size > 0) done[i] = 1, left--;
    }
    if (left == 0) break;
    if (now_ms(CLOCK_REALTIME) - start > timeout) {
      puts("timeout");
      return 1;
    }
    nanosleep(&tick, 0);
  }
  printf("%.0f\n", now_ms(CLOCK_REALTIME) - t0);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 6 && !strcmp(argv[1], "write")) return write_lines(argv + 2);
  if (argc == 3 && !strcmp(argv[1], "sum")) {
    volatile uint64_t *s = slots(argv[2], 0);
    unsigned long long t = 0;
    for (int i = 0; i < SLOTS_MAX; i++) t += s[i];
    printf("%llu\n", t);
    return 0;
  }
  if (argc >= 4 && !strcmp(argv[1], "svct")) return svct(argv + 2, argc - 2);
  if (argc >= 5 && !strcmp(argv[1], "first")) return first(argv + 2, argc - 2);
  fputs("usage: logload write SLOTS INDEX RATE LEN | sum SLOTS | svct SVC DIR [MS] | "
        "first T0_US MS FILE...\n", stderr);
  return 100;
}
