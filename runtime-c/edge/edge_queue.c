/*
 * The durable queue of the edge host: see wasmc_edge_uplink.h.
 *
 * On disk, DIRECTORY holds segment files named by the sequence number of
 * their first record (20 digits, so names sort numerically) and a `head`
 * file with the sequence number of the oldest unfinished record:
 *
 *   segment = "WQSEG001" record*
 *   record  = length u32le, crc u32le, seq u64le, data[length]
 *             (crc is CRC-32 over seq and data)
 *
 * Appends go to the newest segment with write(); wasmc_queue_sync makes all of
 * them durable with one fdatasync (group commit). Records are also kept in
 * memory (the queue is bounded), so the consumer never reads the disk; the
 * files are read only when the queue is opened. A segment is deleted once
 * every record in it is finished. The head file is rewritten (write + rename)
 * at most every 100 ms; a stale one only makes finished records come back
 * once more, which QoS 1 allows.
 *
 * Recovery: records are read in order; the first one that is truncated, has a
 * bad length, a CRC mismatch or a sequence number out of order ends its
 * segment. The intact prefix is kept, the file is cut there, and the damage
 * is logged and counted. Later segments are still read.
 */
#include "wasmc_edge_uplink.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SEGMENT_MAGIC "WQSEG001"
#define SEGMENT_MAGIC_SIZE 8
#define RECORD_HEADER 16
#define SEGMENT_BYTES (8u << 20) /* a new segment after this many bytes */
#define MAX_RECORD (64u << 20)   /* larger length fields are damage */
#define HEAD_WRITE_INTERVAL_NS 100000000ull

typedef struct record {
  uint64_t seq;
  uint32_t length;
  bool finished;
  uint8_t *data;
} record;

typedef struct segment {
  uint64_t first_seq; /* its name */
  uint64_t last_seq;  /* 0 while empty */
} segment;

struct wasmc_queue {
  pthread_mutex_t lock;
  char *directory; /* NULL: memory only */
  uint64_t max_bytes;
  wasmc_uplink_log log;
  void *log_ctx;

  record *records; /* [head, count) are held, in seq order */
  size_t head, count, capacity;
  uint64_t next_seq;

  segment *segments; /* in order; the last one is the active one when fd >= 0 */
  size_t segment_count, segment_capacity;
  int fd; /* active segment, -1 if none yet */
  uint64_t active_size;
  bool dirty;            /* written since the last fdatasync */
  uint64_t head_written; /* the seq last written to the head file */
  uint64_t head_written_at_ns;
  time_t last_full_log;

  wasmc_queue_stats stats;
};

/* ---- encoding and files ------------------------------------------------------ */

static uint32_t crc_table[256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void) {
  for (uint32_t n = 0; n < 256; n++) {
    uint32_t c = n;
    for (int k = 0; k < 8; k++)
      c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    crc_table[n] = c;
  }
}

/* CRC-32 (IEEE 802.3), continued from `crc` (0 to start). */
static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n) {
  crc = ~crc;
  for (size_t i = 0; i < n; i++)
    crc = crc_table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

static void put_le32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}
static void put_le64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}
static uint32_t get_le32(const uint8_t *p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; i--)
    v = (v << 8) | p[i];
  return v;
}
static uint64_t get_le64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--)
    v = (v << 8) | p[i];
  return v;
}

static uint64_t monotonic_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static void logf_(wasmc_queue *q, uint32_t level, const char *format, ...) {
  if (q->log == NULL)
    return;
  char line[512];
  va_list args;
  va_start(args, format);
  vsnprintf(line, sizeof line, format, args);
  va_end(args);
  q->log(q->log_ctx, level, line);
}

static void segment_path(const wasmc_queue *q, uint64_t first_seq, char *out, size_t size) {
  snprintf(out, size, "%s/%020llu.seg", q->directory, (unsigned long long)first_seq);
}

static bool write_all(int fd, const uint8_t *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR)
        continue;
      return false;
    }
    p += w;
    n -= (size_t)w;
  }
  return true;
}

static void sync_directory(const wasmc_queue *q) {
  int fd = open(q->directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
}

/* ---- in-memory records ------------------------------------------------------ */

static bool push_record(wasmc_queue *q, uint64_t seq, const uint8_t *data, uint32_t length) {
  if (q->count == q->capacity) {
    if (q->head > 0) { /* compact before growing */
      memmove(q->records, q->records + q->head, (q->count - q->head) * sizeof *q->records);
      q->count -= q->head;
      q->head = 0;
    }
    if (q->count == q->capacity) {
      size_t capacity = q->capacity ? q->capacity * 2 : 256;
      record *grown = realloc(q->records, capacity * sizeof *grown);
      if (grown == NULL)
        return false;
      q->records = grown;
      q->capacity = capacity;
    }
  }
  uint8_t *copy = malloc(length ? length : 1);
  if (copy == NULL)
    return false;
  memcpy(copy, data, length);
  q->records[q->count++] = (record){seq, length, false, copy};
  q->stats.records++;
  q->stats.bytes += length;
  return true;
}

static uint64_t first_held_seq(const wasmc_queue *q) {
  return q->head < q->count ? q->records[q->head].seq : q->next_seq;
}

static void write_head_file(wasmc_queue *q, bool force) {
  if (q->directory == NULL)
    return;
  uint64_t head = first_held_seq(q);
  uint64_t now = monotonic_ns();
  if (head == q->head_written || (!force && now - q->head_written_at_ns < HEAD_WRITE_INTERVAL_NS))
    return;
  char path[4096], temporary[4096];
  snprintf(path, sizeof path, "%s/head", q->directory);
  snprintf(temporary, sizeof temporary, "%s/head.tmp", q->directory);
  uint8_t bytes[12];
  put_le64(bytes, head);
  put_le32(bytes + 8, crc32_update(0, bytes, 8));
  int fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return;
  bool ok = write_all(fd, bytes, sizeof bytes);
  close(fd);
  if (ok && rename(temporary, path) == 0) {
    q->head_written = head;
    q->head_written_at_ns = now;
  }
}

/* Drop finished records from the front; delete segments wholly before the head. */
static void advance_head(wasmc_queue *q) {
  while (q->head < q->count && q->records[q->head].finished) {
    free(q->records[q->head].data);
    q->head++;
  }
  if (q->head == q->count)
    q->head = q->count = 0;
  uint64_t head = first_held_seq(q);
  size_t removable = 0;
  while (removable < q->segment_count) {
    const segment *s = &q->segments[removable];
    bool active = q->fd >= 0 && removable == q->segment_count - 1;
    if (active || s->last_seq == 0 || s->last_seq >= head)
      break;
    removable++;
  }
  if (removable > 0 && q->directory != NULL) {
    write_head_file(q, true); /* before the files go: never point before a deleted record */
    for (size_t i = 0; i < removable; i++) {
      char path[4096];
      segment_path(q, q->segments[i].first_seq, path, sizeof path);
      unlink(path);
    }
  }
  if (removable > 0) {
    memmove(q->segments, q->segments + removable, (q->segment_count - removable) * sizeof *q->segments);
    q->segment_count -= removable;
  }
  write_head_file(q, false);
}

/* Mark record i finished (and no longer counted as held). */
static void finish_record(wasmc_queue *q, size_t i) {
  record *r = &q->records[i];
  if (r->finished)
    return;
  r->finished = true;
  q->stats.records--;
  q->stats.bytes -= r->length;
}

/* ---- segments --------------------------------------------------------------- */

static bool add_segment(wasmc_queue *q, uint64_t first_seq, uint64_t last_seq) {
  if (q->segment_count == q->segment_capacity) {
    size_t capacity = q->segment_capacity ? q->segment_capacity * 2 : 16;
    segment *grown = realloc(q->segments, capacity * sizeof *grown);
    if (grown == NULL)
      return false;
    q->segments = grown;
    q->segment_capacity = capacity;
  }
  q->segments[q->segment_count++] = (segment){first_seq, last_seq};
  return true;
}

static bool close_active(wasmc_queue *q) {
  if (q->fd < 0)
    return true;
  bool ok = true;
  if (q->dirty) {
    ok = fdatasync(q->fd) == 0;
    q->stats.syncs++;
    q->dirty = false;
  }
  close(q->fd);
  q->fd = -1;
  return ok;
}

static bool open_active(wasmc_queue *q, uint64_t first_seq) {
  char path[4096];
  segment_path(q, first_seq, path, sizeof path);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    logf_(q, 3, "queue: cannot create %s: %s", path, strerror(errno));
    return false;
  }
  if (!write_all(fd, (const uint8_t *)SEGMENT_MAGIC, SEGMENT_MAGIC_SIZE) || !add_segment(q, first_seq, 0)) {
    close(fd);
    unlink(path);
    return false;
  }
  q->fd = fd;
  q->active_size = SEGMENT_MAGIC_SIZE;
  q->dirty = true;
  sync_directory(q); /* the new name itself must survive a crash */
  return true;
}

/* ---- recovery --------------------------------------------------------------- */

static int compare_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads one segment file into memory, cutting it at the first damaged record. */
static void recover_segment(wasmc_queue *q, const char *name, uint64_t head) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", q->directory, name);
  uint64_t first_seq = strtoull(name, NULL, 10);
  int fd = open(path, O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    logf_(q, 2, "queue: cannot open %s: %s", path, strerror(errno));
    return;
  }
  struct stat st;
  uint8_t *bytes = NULL;
  size_t size = 0;
  if (fstat(fd, &st) == 0 && st.st_size > 0) {
    size = (size_t)st.st_size;
    bytes = malloc(size);
    size_t got = 0;
    while (bytes != NULL && got < size) {
      ssize_t n = read(fd, bytes + got, size - got);
      if (n <= 0)
        break;
      got += (size_t)n;
    }
    size = bytes ? got : 0;
  }
  size_t offset = 0, kept = 0;
  uint64_t last_seq = 0;
  const char *damage = NULL;
  if (size < SEGMENT_MAGIC_SIZE || memcmp(bytes, SEGMENT_MAGIC, SEGMENT_MAGIC_SIZE) != 0) {
    damage = "bad or missing segment header";
  } else {
    offset = SEGMENT_MAGIC_SIZE;
    while (offset < size) {
      if (size - offset < RECORD_HEADER) {
        damage = "truncated record header";
        break;
      }
      const uint8_t *h = bytes + offset;
      uint32_t length = get_le32(h), crc = get_le32(h + 4);
      uint64_t seq = get_le64(h + 8);
      if (length > MAX_RECORD) {
        damage = "impossible record length";
        break;
      }
      if (size - offset - RECORD_HEADER < length) {
        damage = "truncated record";
        break;
      }
      if (crc32_update(crc32_update(0, h + 8, 8), h + RECORD_HEADER, length) != crc) {
        damage = "CRC mismatch";
        break;
      }
      if (seq == 0 || seq < q->next_seq) {
        damage = "sequence number out of order";
        break;
      }
      if (seq >= head && !push_record(q, seq, h + RECORD_HEADER, length)) {
        damage = "out of memory";
        break;
      }
      if (seq >= head)
        q->stats.recovered++;
      q->next_seq = seq + 1;
      last_seq = seq;
      kept++;
      offset += RECORD_HEADER + length;
    }
  }
  if (damage != NULL) {
    q->stats.damaged++;
    logf_(q, 2, "queue: %s damaged at byte %zu (%s): kept %zu intact records, cut %zu bytes", path, offset,
          damage, kept, size - offset);
  }
  free(bytes);
  if (kept == 0) {
    close(fd);
    unlink(path);
    return;
  }
  if (damage != NULL && ftruncate(fd, (off_t)offset) == 0)
    fdatasync(fd);
  close(fd);
  add_segment(q, first_seq, last_seq);
}

static uint64_t read_head_file(wasmc_queue *q) {
  char path[4096];
  snprintf(path, sizeof path, "%s/head", q->directory);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  uint8_t bytes[12];
  ssize_t n = read(fd, bytes, sizeof bytes);
  close(fd);
  if (n != (ssize_t)sizeof bytes || crc32_update(0, bytes, 8) != get_le32(bytes + 8)) {
    q->stats.damaged++;
    logf_(q, 2, "queue: %s is damaged: every record on disk is delivered again", path);
    return 0;
  }
  return get_le64(bytes);
}

static bool recover(wasmc_queue *q, char *error, size_t error_size) {
  if (mkdir(q->directory, 0700) != 0 && errno != EEXIST) {
    snprintf(error, error_size, "cannot create %s: %s", q->directory, strerror(errno));
    return false;
  }
  DIR *dir = opendir(q->directory);
  if (dir == NULL) {
    snprintf(error, error_size, "cannot read %s: %s", q->directory, strerror(errno));
    return false;
  }
  char **names = NULL;
  size_t count = 0, capacity = 0;
  struct dirent *entry;
  while ((entry = readdir(dir)) != NULL) {
    size_t length = strlen(entry->d_name);
    if (length != 24 || strcmp(entry->d_name + 20, ".seg") != 0)
      continue;
    if (count == capacity) {
      capacity = capacity ? capacity * 2 : 16;
      char **grown = realloc(names, capacity * sizeof *grown);
      if (grown == NULL)
        break;
      names = grown;
    }
    names[count++] = strdup(entry->d_name);
  }
  closedir(dir);
  if (count > 0)
    qsort(names, count, sizeof *names, compare_names);
  uint64_t head = read_head_file(q);
  q->head_written = head;
  for (size_t i = 0; i < count; i++) {
    if (names[i] != NULL)
      recover_segment(q, names[i], head);
    free(names[i]);
  }
  free(names);
  if (q->next_seq < head)
    q->next_seq = head;
  if (q->stats.recovered > 0)
    logf_(q, 1, "queue: recovered %llu undelivered records from %s", (unsigned long long)q->stats.recovered,
          q->directory);
  return true;
}

/* ---- public API -------------------------------------------------------------- */

wasmc_queue *wasmc_queue_open(const char *directory, uint64_t max_bytes, wasmc_uplink_log log, void *log_ctx,
                              char *error, size_t error_size) {
  pthread_once(&crc_once, crc_init);
  wasmc_queue *q = calloc(1, sizeof *q);
  if (q == NULL) {
    snprintf(error, error_size, "out of memory");
    return NULL;
  }
  pthread_mutex_init(&q->lock, NULL);
  q->max_bytes = max_bytes ? max_bytes : 1;
  q->log = log;
  q->log_ctx = log_ctx;
  q->fd = -1;
  q->next_seq = 1;
  if (directory != NULL) {
    q->directory = strdup(directory);
    if (q->directory == NULL || !recover(q, error, error_size)) {
      wasmc_queue_close(q);
      return NULL;
    }
    /* Over the bound (it was lowered): the oldest go, as when full. */
    for (size_t i = q->head; i < q->count && q->stats.bytes > q->max_bytes; i++) {
      finish_record(q, i);
      q->stats.dropped_full++;
    }
    advance_head(q);
  }
  return q;
}

void wasmc_queue_close(wasmc_queue *q) {
  if (q == NULL)
    return;
  pthread_mutex_lock(&q->lock);
  close_active(q);
  write_head_file(q, true);
  for (size_t i = q->head; i < q->count; i++)
    free(q->records[i].data);
  pthread_mutex_unlock(&q->lock);
  pthread_mutex_destroy(&q->lock);
  free(q->records);
  free(q->segments);
  free(q->directory);
  free(q);
}

uint64_t wasmc_queue_append(wasmc_queue *q, const void *data, size_t length) {
  if (length > MAX_RECORD || length > q->max_bytes) {
    logf_(q, 2, "queue: a record of %zu bytes is larger than the queue: not stored", length);
    return 0;
  }
  pthread_mutex_lock(&q->lock);
  /* Full: drop the oldest (the policy), counted, logged at most once a second. */
  uint64_t dropped = 0;
  for (size_t i = q->head; i < q->count && q->stats.bytes + length > q->max_bytes; i++) {
    if (q->records[i].finished)
      continue;
    finish_record(q, i);
    dropped++;
  }
  if (dropped > 0) {
    q->stats.dropped_full += dropped;
    time_t now = time(NULL);
    if (now != q->last_full_log) {
      q->last_full_log = now;
      logf_(q, 2, "queue full (%llu bytes): dropped the oldest records (%llu so far)",
            (unsigned long long)q->max_bytes, (unsigned long long)q->stats.dropped_full);
    }
    advance_head(q);
  }
  uint64_t seq = q->next_seq;
  if (q->directory != NULL) {
    if (q->fd >= 0 && q->active_size >= SEGMENT_BYTES)
      close_active(q);
    if (q->fd < 0 && !open_active(q, seq)) {
      pthread_mutex_unlock(&q->lock);
      return 0;
    }
    uint8_t header[RECORD_HEADER];
    put_le32(header, (uint32_t)length);
    put_le64(header + 8, seq);
    put_le32(header + 4, crc32_update(crc32_update(0, header + 8, 8), data, length));
    /* One write per record, header and data together, so a crash cuts at most the last one. */
    uint8_t small[4096];
    bool ok;
    if (RECORD_HEADER + length <= sizeof small) {
      memcpy(small, header, RECORD_HEADER);
      memcpy(small + RECORD_HEADER, data, length);
      ok = write_all(q->fd, small, RECORD_HEADER + length);
    } else {
      ok = write_all(q->fd, header, RECORD_HEADER) && write_all(q->fd, data, length);
    }
    if (!ok) {
      logf_(q, 3, "queue: write failed: %s: record not stored", strerror(errno));
      /* Cut what may have been half written, so recovery does not stop there. */
      if (ftruncate(q->fd, (off_t)q->active_size) != 0)
        close_active(q);
      pthread_mutex_unlock(&q->lock);
      return 0;
    }
    q->active_size += RECORD_HEADER + length;
    q->segments[q->segment_count - 1].last_seq = seq;
    q->dirty = true;
  }
  if (!push_record(q, seq, data, (uint32_t)length)) {
    pthread_mutex_unlock(&q->lock);
    logf_(q, 3, "queue: out of memory: record not stored");
    return 0;
  }
  q->next_seq = seq + 1;
  q->stats.appended++;
  pthread_mutex_unlock(&q->lock);
  return seq;
}

bool wasmc_queue_sync(wasmc_queue *q) {
  pthread_mutex_lock(&q->lock);
  bool ok = true;
  if (q->fd >= 0 && q->dirty) {
    ok = fdatasync(q->fd) == 0;
    q->stats.syncs++;
    q->dirty = !ok;
    if (!ok)
      logf_(q, 3, "queue: fdatasync failed: %s", strerror(errno));
  }
  pthread_mutex_unlock(&q->lock);
  return ok;
}

/* Index of the first held record with seq >= seq (binary search), or count. */
static size_t lower_bound(const wasmc_queue *q, uint64_t seq) {
  size_t low = q->head, high = q->count;
  while (low < high) {
    size_t middle = low + (high - low) / 2;
    if (q->records[middle].seq < seq)
      low = middle + 1;
    else
      high = middle;
  }
  return low;
}

int64_t wasmc_queue_read(wasmc_queue *q, uint64_t seq, void *buf, size_t cap, uint64_t *found_seq) {
  pthread_mutex_lock(&q->lock);
  size_t i = lower_bound(q, seq);
  while (i < q->count && q->records[i].finished)
    i++;
  int64_t result = -1;
  if (i < q->count) {
    const record *r = &q->records[i];
    if (cap > 0)
      memcpy(buf, r->data, r->length < cap ? r->length : cap);
    *found_seq = r->seq;
    result = r->length;
  }
  pthread_mutex_unlock(&q->lock);
  return result;
}

void wasmc_queue_ack(wasmc_queue *q, uint64_t seq) {
  pthread_mutex_lock(&q->lock);
  size_t i = lower_bound(q, seq);
  if (i < q->count && q->records[i].seq == seq && !q->records[i].finished) {
    finish_record(q, i);
    q->stats.acknowledged++;
    advance_head(q);
  }
  pthread_mutex_unlock(&q->lock);
}

uint64_t wasmc_queue_first(wasmc_queue *q) {
  pthread_mutex_lock(&q->lock);
  size_t i = q->head;
  while (i < q->count && q->records[i].finished)
    i++;
  uint64_t seq = i < q->count ? q->records[i].seq : 0;
  pthread_mutex_unlock(&q->lock);
  return seq;
}

wasmc_queue_stats wasmc_queue_get_stats(wasmc_queue *q) {
  pthread_mutex_lock(&q->lock);
  wasmc_queue_stats stats = q->stats;
  pthread_mutex_unlock(&q->lock);
  return stats;
}
