// Text processing: base64 round trips, Levenshtein distances, strtok and
// strsep tokenising, case conversion, a Caesar cipher and a run-length coder.
// run: kitten sitting saturday sunday
// exit: 0
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *base64(const unsigned char *in, size_t n) {
  char *out = malloc(4 * ((n + 2) / 3) + 1), *o = out;
  for (size_t i = 0; i < n; i += 3) {
    unsigned v = in[i] << 16 | (i + 1 < n ? in[i + 1] << 8 : 0) | (i + 2 < n ? in[i + 2] : 0);
    *o++ = alphabet[v >> 18 & 63];
    *o++ = alphabet[v >> 12 & 63];
    *o++ = i + 1 < n ? alphabet[v >> 6 & 63] : '=';
    *o++ = i + 2 < n ? alphabet[v & 63] : '=';
  }
  *o = 0;
  return out;
}

static size_t unbase64(const char *in, unsigned char *out) {
  size_t n = 0;
  unsigned v = 0;
  int bits = 0;
  for (; *in && *in != '='; in++) {
    v = v << 6 | (unsigned)(strchr(alphabet, *in) - alphabet);
    if ((bits += 6) >= 8) { bits -= 8; out[n++] = (unsigned char)(v >> bits); }
  }
  return n;
}

static int levenshtein(const char *a, const char *b) {
  size_t n = strlen(a), m = strlen(b);
  int *row = malloc((m + 1) * sizeof *row);
  for (size_t j = 0; j <= m; j++) row[j] = (int)j;
  for (size_t i = 1; i <= n; i++) {
    int diagonal = row[0];
    row[0] = (int)i;
    for (size_t j = 1; j <= m; j++) {
      int above = row[j];
      int best = diagonal + (a[i - 1] != b[j - 1]);
      if (above + 1 < best) best = above + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diagonal = above;
    }
  }
  int distance = row[m];
  free(row);
  return distance;
}

int main(int argc, char **argv) {
  for (int i = 1; i + 1 < argc; i += 2)
    printf("levenshtein(%s, %s) = %d\n", argv[i], argv[i + 1], levenshtein(argv[i], argv[i + 1]));
  const char *samples[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar", "WebAssembly \xe2\x86\x92 C"};
  for (int i = 0; i < 8; i++) {
    char *encoded = base64((const unsigned char *)samples[i], strlen(samples[i]));
    unsigned char decoded[64];
    size_t n = unbase64(encoded, decoded);
    printf("base64(\"%s\") = %s, back: %s\n", samples[i], encoded,
           n == strlen(samples[i]) && !memcmp(decoded, samples[i], n) ? "same" : "DIFFERENT");
    free(encoded);
  }
  char csv[] = "alpha,beta,,gamma;delta;;epsilon";
  for (char *token = strtok(csv, ",;"); token; token = strtok(NULL, ",;")) printf("strtok: [%s]\n", token);
  char fields[] = "a:b::c:";
  char *cursor = fields, *field;
  while ((field = strsep(&cursor, ":"))) printf("strsep: [%s]\n", field);
  char text[] = "The Quick Brown Fox, 1234 Jumps!";
  for (char *c = text; *c; c++) *c = isupper((unsigned char)*c) ? (char)tolower(*c) : (char)toupper(*c);
  printf("swapped case: %s\n", text);
  for (char *c = text; *c; c++)
    if (isalpha((unsigned char)*c)) *c = (char)((tolower(*c) - 'a' + 13) % 26 + 'a');
  printf("rot13: %s\n", text);
  const char *runs = "aaaabbbcccccccccccddeffffffffffffffffffff";
  char encoded[128], *e = encoded;
  for (const char *r = runs; *r;) {
    const char *start = r;
    while (*r == *start) r++;
    e += sprintf(e, "%d%c", (int)(r - start), *start);
  }
  printf("run-length: %s -> %s\n", runs, encoded);
  char reversed[64];
  size_t length = strlen(runs);
  for (size_t i = 0; i < length; i++) reversed[i] = runs[length - 1 - i];
  reversed[length] = 0;
  printf("reversed: %s, strstr(\"cd\") at %td, strrchr('c') at %td\n", reversed, strstr(runs, "cd") - runs,
         strrchr(runs, 'c') - runs);
  return 0;
}
