// File I/O through a pre-opened directory (/data): read and count words,
// write a report, append, seek, rename, remove, list a directory, stat.
// run:
// exit: 0
// dir: yes
// explicit: yes
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct { char word[32]; int count; } entry;

static int by_count(const void *a, const void *b) {
  const entry *x = a, *y = b;
  return x->count != y->count ? y->count - x->count : strcmp(x->word, y->word);
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(void) {
  FILE *in = fopen("/data/words.txt", "r");
  if (!in) { perror("words.txt"); return 1; }
  entry entries[256];
  int distinct = 0, total = 0;
  char word[32];
  int length = 0, c;
  while ((c = fgetc(in)) != EOF || length) {
    if (c != EOF && isalpha(c) && length < 31) { word[length++] = (char)tolower(c); continue; }
    if (length) {
      word[length] = 0;
      length = 0;
      total++;
      int i = 0;
      while (i < distinct && strcmp(entries[i].word, word)) i++;
      if (i == distinct) { strcpy(entries[distinct].word, word); entries[distinct++].count = 0; }
      entries[i].count++;
    }
    if (c == EOF) break;
  }
  fclose(in);
  qsort(entries, distinct, sizeof *entries, by_count);
  FILE *report = fopen("/data/report.txt", "w");
  fprintf(report, "%d words, %d distinct\n", total, distinct);
  for (int i = 0; i < 8; i++) fprintf(report, "%-8s %d\n", entries[i].word, entries[i].count);
  fclose(report);
  report = fopen("/data/report.txt", "a");
  fprintf(report, "-- appended\n");
  fclose(report);
  report = fopen("/data/report.txt", "r+");
  fseek(report, 0, SEEK_END);
  long size = ftell(report);
  fseek(report, 0, SEEK_SET);
  fputs("XX", report); /* overwrite the first two characters */
  fclose(report);
  char line[128];
  report = fopen("/data/report.txt", "r");
  while (fgets(line, sizeof line, report)) printf("report: %s", line);
  fclose(report);
  printf("report size %ld\n", size);
  mkdir("/data/out", 0755);
  rename("/data/report.txt", "/data/out/report.txt");
  FILE *scratch = fopen("/data/scratch.bin", "wb");
  for (int i = 0; i < 1000; i++) fwrite(&i, sizeof i, 1, scratch);
  fclose(scratch);
  struct stat st;
  stat("/data/scratch.bin", &st);
  printf("scratch.bin: %lld bytes, regular %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
  unlink("/data/scratch.bin");
  printf("after unlink: %s\n", access("/data/scratch.bin", F_OK) == 0 ? "exists" : strerror(errno));
  printf("outside the pre-open: %s\n", fopen("/etc/passwd", "r") ? "opened!" : strerror(errno));
  char *names[32];
  int count = 0;
  DIR *dir = opendir("/data");
  struct dirent *item;
  while ((item = readdir(dir)) && count < 32)
    if (item->d_name[0] != '.') names[count++] = strdup(item->d_name);
  closedir(dir);
  qsort(names, count, sizeof *names, by_name);
  for (int i = 0; i < count; i++) printf("listing: %s\n", names[i]);
  FILE *notes = fopen("/data/notes/b.txt", "r");
  int lines = 0;
  while (fgets(line, sizeof line, notes)) lines++;
  fclose(notes);
  printf("notes/b.txt has %d lines\n", lines);
  return 0;
}
