/*
 * Unit tests of the edge host's durable queue (runtime-c/edge/edge_queue.c):
 * order and recovery across close/reopen, acknowledgements, the full policy,
 * and damaged files (truncated, bit-flipped, bad header, bad head file), which
 * must give back the intact prefix, log the damage and never crash.
 * Prints one line per failed check and "N passed, M failed" (Tests/Support/check.h).
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "wasmc_edge_uplink.h"

CHECK_COUNTERS;

static int logged_warnings;
static void on_log(void *ctx, uint32_t level, const char *line) {
  (void)ctx;
  if (level >= 2)
    logged_warnings++;
  if (getenv("QUEUE_TEST_VERBOSE"))
    printf("log %u: %s\n", level, line);
}

static char root[256];

static void fresh_dir(char *out, const char *name) {
  snprintf(out, 512, "%s/%s", root, name);
  char command[700];
  snprintf(command, sizeof command, "rm -rf '%s'", out);
  if (system(command) != 0)
    printf("cannot clear %s\n", out);
}

static wasmc_queue *open_queue(const char *dir, uint64_t max_bytes) {
  char error[256] = "";
  wasmc_queue *q = wasmc_queue_open(dir, max_bytes, on_log, NULL, error, sizeof error);
  if (q == NULL)
    printf("open %s: %s\n", dir ? dir : "(memory)", error);
  return q;
}

static uint64_t append_text(wasmc_queue *q, int i) {
  char text[64];
  int n = snprintf(text, sizeof text, "message %d", i);
  return wasmc_queue_append(q, text, (size_t)n);
}

/* Reads every held record in order; checks they are "message first".."message first+count-1". */
static int read_all(wasmc_queue *q, int first, int *count_out) {
  uint64_t seq = 0, found;
  char buf[128];
  int count = 0, in_order = 1;
  int64_t n;
  while ((n = wasmc_queue_read(q, seq, buf, sizeof buf - 1, &found)) >= 0) {
    buf[n] = 0;
    char want[64];
    snprintf(want, sizeof want, "message %d", first + count);
    if (strcmp(buf, want) != 0)
      in_order = 0;
    count++;
    seq = found + 1;
  }
  *count_out = count;
  return in_order;
}

/* The only segment file of a directory (the tests keep to one). */
static void segment_file(const char *dir, char *out, size_t size) {
  DIR *d = opendir(dir);
  struct dirent *e;
  out[0] = 0;
  while (d && (e = readdir(d)) != NULL)
    if (strstr(e->d_name, ".seg"))
      snprintf(out, size, "%s/%s", dir, e->d_name);
  if (d)
    closedir(d);
}

static long file_size(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static int count_segments(const char *dir) {
  DIR *d = opendir(dir);
  struct dirent *e;
  int n = 0;
  while (d && (e = readdir(d)) != NULL)
    n += strstr(e->d_name, ".seg") != NULL;
  if (d)
    closedir(d);
  return n;
}

static void test_round_trip(void) {
  char dir[512];
  fresh_dir(dir, "round-trip");
  wasmc_queue *q = open_queue(dir, 1 << 20);
  CHECK(q != NULL);
  if (!q)
    return;
  for (int i = 0; i < 100; i++)
    CHECK(append_text(q, i) == (uint64_t)i + 1);
  CHECK(wasmc_queue_sync(q));
  CHECK(wasmc_queue_get_stats(q).syncs >= 1);
  wasmc_queue_close(q);

  q = open_queue(dir, 1 << 20);
  int count;
  CHECK(read_all(q, 0, &count) && count == 100);
  CHECK(wasmc_queue_get_stats(q).recovered == 100);
  CHECK(wasmc_queue_get_stats(q).damaged == 0);
  /* Acknowledge the first 40, one out of order. */
  wasmc_queue_ack(q, 2);
  for (int i = 1; i <= 40; i++)
    wasmc_queue_ack(q, (uint64_t)i);
  CHECK(wasmc_queue_first(q) == 41);
  /* New records continue the numbering. */
  CHECK(append_text(q, 100) == 101);
  wasmc_queue_sync(q);
  wasmc_queue_close(q);

  q = open_queue(dir, 1 << 20);
  CHECK(read_all(q, 40, &count) && count == 61);
  CHECK(wasmc_queue_first(q) == 41);
  for (int i = 41; i <= 101; i++)
    wasmc_queue_ack(q, (uint64_t)i);
  CHECK(wasmc_queue_first(q) == 0);
  CHECK(append_text(q, 0) == 102);
  wasmc_queue_close(q);
}

static void test_memory_only_and_full(void) {
  wasmc_queue *q = open_queue(NULL, 100); /* room for ten 10-byte records */
  for (int i = 0; i < 25; i++)
    append_text(q, i); /* "message 0".."message 9" are 9 bytes */
  wasmc_queue_stats st = wasmc_queue_get_stats(q);
  CHECK(st.bytes <= 100);
  CHECK(st.dropped_full > 0);
  CHECK(st.records + st.dropped_full == 25);
  /* The newest are kept, the oldest were dropped. */
  uint64_t found;
  char buf[64];
  int64_t n = wasmc_queue_read(q, 0, buf, sizeof buf, &found);
  CHECK(n > 0 && found == 25 - st.records + 1);
  /* A record larger than the queue is refused, not stored. */
  char big[200] = {0};
  CHECK(wasmc_queue_append(q, big, sizeof big) == 0);
  wasmc_queue_close(q);
}

static void write_records(const char *dir, int count) {
  wasmc_queue *q = open_queue(dir, 1 << 20);
  for (int i = 0; i < count; i++)
    append_text(q, i);
  wasmc_queue_sync(q);
  wasmc_queue_close(q);
}

static void test_truncated(void) {
  char dir[512], seg[1024];
  fresh_dir(dir, "truncated");
  write_records(dir, 10);
  segment_file(dir, seg, sizeof seg);
  long size = file_size(seg);
  /* Power loss in the middle of the last record. */
  CHECK(truncate(seg, size - 3) == 0);
  int warnings = logged_warnings, count;
  wasmc_queue *q = open_queue(dir, 1 << 20);
  CHECK(q != NULL);
  if (!q)
    return;
  CHECK(read_all(q, 0, &count) && count == 9);
  CHECK(wasmc_queue_get_stats(q).damaged == 1);
  CHECK(logged_warnings > warnings);
  /* Appending after recovery goes on from the last intact record. */
  CHECK(append_text(q, 9) == 10);
  wasmc_queue_sync(q);
  wasmc_queue_close(q);
  /* The damaged file was cut at the damage: the next open is clean. */
  q = open_queue(dir, 1 << 20);
  CHECK(read_all(q, 0, &count) && count == 10);
  CHECK(wasmc_queue_get_stats(q).damaged == 0);
  wasmc_queue_close(q);

  /* Cut inside a record header, and to nothing but part of the segment header. */
  fresh_dir(dir, "truncated-header");
  write_records(dir, 5);
  segment_file(dir, seg, sizeof seg);
  CHECK(truncate(seg, 8 + 2 * (16 + 9) + 5) == 0);
  q = open_queue(dir, 1 << 20);
  CHECK(read_all(q, 0, &count) && count == 2);
  wasmc_queue_close(q);
  CHECK(truncate(seg, 4) == 0);
  q = open_queue(dir, 1 << 20);
  CHECK(q != NULL && read_all(q, 0, &count) && count == 0);
  CHECK(q != NULL && wasmc_queue_get_stats(q).damaged == 1);
  wasmc_queue_close(q);
}

static void flip_bit(const char *path, long offset) {
  int fd = open(path, O_RDWR);
  unsigned char byte;
  if (pread(fd, &byte, 1, offset) == 1) {
    byte ^= 0x10;
    if (pwrite(fd, &byte, 1, offset) != 1)
      printf("cannot write %s\n", path);
  }
  close(fd);
}

static void test_bit_flips(void) {
  char dir[512], seg[1024];
  int count;
  /* In the payload of record 4 (0-based 3): records 0-2 survive. */
  fresh_dir(dir, "flip-payload");
  write_records(dir, 8);
  segment_file(dir, seg, sizeof seg);
  flip_bit(seg, 8 + 3 * 25 + 16 + 4);
  wasmc_queue *q = open_queue(dir, 1 << 20);
  CHECK(q != NULL && read_all(q, 0, &count) && count == 3);
  CHECK(q != NULL && wasmc_queue_get_stats(q).damaged == 1);
  wasmc_queue_close(q);
  /* In a length field, making it huge: caught, prefix kept. */
  fresh_dir(dir, "flip-length");
  write_records(dir, 8);
  segment_file(dir, seg, sizeof seg);
  flip_bit(seg, 8 + 5 * 25 + 3);
  q = open_queue(dir, 1 << 20);
  CHECK(q != NULL && read_all(q, 0, &count) && count == 5);
  wasmc_queue_close(q);
  /* In a sequence number. */
  fresh_dir(dir, "flip-seq");
  write_records(dir, 8);
  segment_file(dir, seg, sizeof seg);
  flip_bit(seg, 8 + 6 * 25 + 8);
  q = open_queue(dir, 1 << 20);
  CHECK(q != NULL && read_all(q, 0, &count) && count == 6);
  wasmc_queue_close(q);
  /* Every single bit of a small file, one at a time: never a crash, always a prefix. */
  fresh_dir(dir, "flip-every");
  write_records(dir, 3);
  segment_file(dir, seg, sizeof seg);
  long size = file_size(seg);
  char original[4096];
  int fd = open(seg, O_RDONLY);
  ssize_t got = read(fd, original, sizeof original);
  close(fd);
  int prefixes = 1;
  for (long bit = 0; bit < size * 8 && got == size; bit++) {
    fd = open(seg, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    original[bit / 8] ^= (char)(1 << (bit % 8));
    if (write(fd, original, (size_t)size) != size)
      printf("cannot write\n");
    original[bit / 8] ^= (char)(1 << (bit % 8));
    close(fd);
    q = open_queue(dir, 1 << 20);
    if (q == NULL || !read_all(q, 0, &count) || count > 2)
      prefixes = 0;
    wasmc_queue_close(q);
    /* opening cut the file: start each round from the original again */
  }
  CHECK(prefixes);
}

static void test_bad_head_file(void) {
  char dir[512], head[600];
  int count;
  fresh_dir(dir, "bad-head");
  wasmc_queue *q = open_queue(dir, 1 << 20);
  for (int i = 0; i < 6; i++)
    append_text(q, i);
  wasmc_queue_ack(q, 1);
  wasmc_queue_ack(q, 2);
  wasmc_queue_close(q);
  snprintf(head, sizeof head, "%s/head", dir);
  flip_bit(head, 1);
  q = open_queue(dir, 1 << 20);
  /* Delivered once more rather than lost. */
  CHECK(q != NULL && read_all(q, 0, &count) && count == 6);
  CHECK(q != NULL && wasmc_queue_get_stats(q).damaged == 1);
  wasmc_queue_close(q);
}

static void test_segments_deleted(void) {
  char dir[512];
  fresh_dir(dir, "segments");
  wasmc_queue *q = open_queue(dir, 64u << 20);
  static char big[3 << 20];
  for (int i = 0; i < 7; i++)
    CHECK(wasmc_queue_append(q, big, sizeof big) == (uint64_t)i + 1);
  wasmc_queue_sync(q);
  CHECK(count_segments(dir) >= 2);
  for (int i = 1; i <= 7; i++)
    wasmc_queue_ack(q, (uint64_t)i);
  CHECK(count_segments(dir) == 1); /* only the active one is left */
  wasmc_queue_close(q);
  q = open_queue(dir, 64u << 20);
  CHECK(wasmc_queue_first(q) == 0);
  CHECK(append_text(q, 0) == 8);
  wasmc_queue_close(q);
}

int main(int argc, char **argv) {
  snprintf(root, sizeof root, "%s", argc > 1 ? argv[1] : "/tmp/queue-tests");
  mkdir(root, 0700);
  test_round_trip();
  test_memory_only_and_full();
  test_truncated();
  test_bit_flips();
  test_bad_head_file();
  test_segments_deleted();
  return check_summary();
}
