// A JSON parser (recursive descent into a tree), a pretty-printer, and
// queries over the document: sums, string escapes, nesting depth.
// run:
// exit: 0
// explicit: yes
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } kind;
typedef struct value {
  kind kind;
  double number;
  char *string;          /* J_STR; the key for object members */
  struct value **items;  /* J_ARR, J_OBJ */
  char **keys;
  int count;
} value;

static const char *p;

static void skip(void) { while (isspace((unsigned char)*p)) p++; }
static value *make(kind k) { value *v = calloc(1, sizeof *v); v->kind = k; return v; }
static value *parse(void);

static char *parse_string(void) {
  size_t cap = 16, n = 0;
  char *out = malloc(cap);
  p++;
  while (*p != '"') {
    char c = *p++;
    if (c == '\\') {
      char e = *p++;
      switch (e) {
      case 'n': c = '\n'; break;
      case 't': c = '\t'; break;
      case 'u': { unsigned code; sscanf(p, "%4x", &code); p += 4; c = code < 128 ? (char)code : '?'; break; }
      default: c = e;
      }
    }
    if (n + 2 > cap) out = realloc(out, cap *= 2);
    out[n++] = c;
  }
  p++;
  out[n] = 0;
  return out;
}

static value *parse(void) {
  skip();
  value *v;
  if (*p == '{' || *p == '[') {
    int object = *p == '{';
    v = make(object ? J_OBJ : J_ARR);
    p++;
    skip();
    while (*p != '}' && *p != ']') {
      v->items = realloc(v->items, sizeof *v->items * (v->count + 1));
      v->keys = realloc(v->keys, sizeof *v->keys * (v->count + 1));
      v->keys[v->count] = NULL;
      if (object) {
        skip();
        v->keys[v->count] = parse_string();
        skip();
        p++; /* : */
      }
      v->items[v->count++] = parse();
      skip();
      if (*p == ',') p++;
      skip();
    }
    p++;
  } else if (*p == '"') {
    v = make(J_STR);
    v->string = parse_string();
  } else if (!strncmp(p, "true", 4) || !strncmp(p, "false", 5)) {
    v = make(J_BOOL);
    v->number = *p == 't';
    p += *p == 't' ? 4 : 5;
  } else if (!strncmp(p, "null", 4)) {
    v = make(J_NULL);
    p += 4;
  } else {
    v = make(J_NUM);
    char *end;
    v->number = strtod(p, &end);
    p = end;
  }
  return v;
}

static void print(const value *v, int indent) {
  switch (v->kind) {
  case J_NULL: printf("null"); break;
  case J_BOOL: printf(v->number ? "true" : "false"); break;
  case J_NUM: printf("%.15g", v->number); break;
  case J_STR:
    putchar('"');
    for (const char *s = v->string; *s; s++) {
      if (*s == '"' || *s == '\\') printf("\\%c", *s);
      else if (*s == '\n') printf("\\n");
      else if ((unsigned char)*s < 32) printf("\\u%04x", *s);
      else putchar(*s);
    }
    putchar('"');
    break;
  case J_ARR: case J_OBJ:
    putchar(v->kind == J_ARR ? '[' : '{');
    for (int i = 0; i < v->count; i++) {
      printf("\n%*s", indent + 2, "");
      if (v->keys[i]) printf("\"%s\": ", v->keys[i]);
      print(v->items[i], indent + 2);
      if (i + 1 < v->count) putchar(',');
    }
    if (v->count) printf("\n%*s", indent, "");
    putchar(v->kind == J_ARR ? ']' : '}');
  }
}

static double sum(const value *v) {
  double total = v->kind == J_NUM ? v->number : 0;
  for (int i = 0; i < v->count; i++) total += sum(v->items[i]);
  return total;
}

static int depth(const value *v) {
  int deepest = 0;
  for (int i = 0; i < v->count; i++) {
    int d = depth(v->items[i]);
    if (d > deepest) deepest = d;
  }
  return deepest + (v->kind == J_ARR || v->kind == J_OBJ);
}

static const value *get(const value *v, const char *key) {
  for (int i = 0; i < v->count; i++)
    if (v->keys[i] && !strcmp(v->keys[i], key)) return v->items[i];
  return NULL;
}

int main(void) {
  const char *text =
      "{\"name\": \"wasmc\", \"version\": 1.5, \"tags\": [\"aot\", \"wasm\", \"c\"],"
      " \"limits\": {\"pages\": 65536, \"stack\": 262144, \"ratio\": 0.125},"
      " \"escapes\": \"tab\\there \\\"quoted\\\" \\u0041\\n\","
      " \"matrix\": [[1, 2, 3], [4, 5, 6], [7, 8, [9, [10, [11]]]]],"
      " \"flags\": [true, false, null], \"negative\": -1.25e2}";
  p = text;
  value *root = parse();
  print(root, 0);
  putchar('\n');
  printf("members: %d, sum of numbers: %.6f, depth: %d\n", root->count, sum(root), depth(root));
  printf("limits.pages = %.0f, tags[1] = %s\n", get(get(root, "limits"), "pages")->number,
         get(root, "tags")->items[1]->string);
  /* A generated document: 2000 records, parsed back. */
  size_t cap = 1 << 20, n = 0;
  char *big = malloc(cap);
  n += sprintf(big + n, "[");
  for (int i = 0; i < 2000; i++)
    n += sprintf(big + n, "%s{\"id\": %d, \"score\": %.3f, \"label\": \"item-%d\"}", i ? "," : "", i,
                 (i * 37 % 1000) / 7.0, i * i);
  sprintf(big + n, "]");
  p = big;
  value *records = parse();
  double total = 0;
  for (int i = 0; i < records->count; i++) total += get(records->items[i], "score")->number;
  printf("records: %d, total score %.6f, last label %s\n", records->count, total,
         get(records->items[records->count - 1], "label")->string);
  return 0;
}
