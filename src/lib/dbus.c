/* dbus.c - a minimal D-Bus client for the systemd cgroup driver (see dbus.h).
 *
 * The wire format (D-Bus specification, "Message Protocol"): a 16-byte fixed
 * header (endianness, type, flags, version, body length, serial), an array of
 * (byte code, variant) header fields, padding to 8, then the body.  Every
 * value is aligned to its size (strings and arrays to 4, structs to 8) from
 * the start of the header or of the body.
 */
#include "dbus.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"
#include "utils.h"

enum { MSG_METHOD_CALL = 1, MSG_METHOD_RETURN = 2, MSG_ERROR = 3 };
enum {
  FIELD_PATH = 1, FIELD_INTERFACE = 2, FIELD_MEMBER = 3, FIELD_ERROR_NAME = 4,
  FIELD_REPLY_SERIAL = 5, FIELD_DESTINATION = 6, FIELD_SIGNATURE = 8,
};
#define SYSTEMD_PRIVATE "/run/systemd/private"
#define SYSTEM_BUS "/run/dbus/system_bus_socket"
/* systemd answers in milliseconds; a hung bus must not hang hull. */
#define REPLY_TIMEOUT_MS 25000
#define MAX_MESSAGE (1u << 24)

/* ---- building ---- */

static void reserve(struct dbus_buf *b, size_t n)
{
  if (b->len + n <= b->cap)
    return;
  size_t cap = b->cap ? b->cap * 2 : 256;
  while (cap < b->len + n)
    cap *= 2;
  unsigned char *d = realloc(b->data, cap);
  if (!d)
    abort();
  b->data = d;
  b->cap = cap;
}

static void put_bytes(struct dbus_buf *b, const void *p, size_t n)
{
  if (!n) /* nothing to copy, and b->data may still be NULL (UBSan) */
    return;
  reserve(b, n);
  memcpy(b->data + b->len, p, n);
  b->len += n;
}

static void align(struct dbus_buf *b, size_t a)
{
  static const unsigned char zeros[8];
  put_bytes(b, zeros, (a - b->len % a) % a);
}

void dbus_buf_free(struct dbus_buf *b)
{
  free(b->data);
  memset(b, 0, sizeof(*b));
}

static void put_u8(struct dbus_buf *b, uint8_t v) { put_bytes(b, &v, 1); }

/* Little-endian, as the header's 'l' says. */
void dbus_put_u32(struct dbus_buf *b, uint32_t v)
{
  align(b, 4);
  unsigned char le[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24) };
  put_bytes(b, le, 4);
}

void dbus_put_u64(struct dbus_buf *b, uint64_t v)
{
  align(b, 8);
  dbus_put_u32(b, (uint32_t)v);
  dbus_put_u32(b, (uint32_t)(v >> 32));
}

void dbus_put_bool(struct dbus_buf *b, int v) { dbus_put_u32(b, v ? 1 : 0); }

void dbus_put_string(struct dbus_buf *b, const char *s)
{
  size_t n = strlen(s);
  dbus_put_u32(b, (uint32_t)n);
  put_bytes(b, s, n + 1);
}

void dbus_put_signature(struct dbus_buf *b, const char *s)
{
  size_t n = strlen(s);
  put_u8(b, (uint8_t)n);
  put_bytes(b, s, n + 1);
}

size_t dbus_array_begin(struct dbus_buf *b, size_t elem_align, size_t *start)
{
  dbus_put_u32(b, 0);
  size_t len_at = b->len - 4;
  align(b, elem_align);
  *start = b->len;
  return len_at;
}

void dbus_array_end(struct dbus_buf *b, size_t len_at, size_t start)
{
  uint32_t n = (uint32_t)(b->len - start);
  unsigned char le[4] = { (unsigned char)n, (unsigned char)(n >> 8), (unsigned char)(n >> 16),
                          (unsigned char)(n >> 24) };
  memcpy(b->data + len_at, le, 4);
}

void dbus_struct_begin(struct dbus_buf *b) { align(b, 8); }

static void prop_begin(struct dbus_buf *b, const char *name, const char *sig)
{
  dbus_struct_begin(b);
  dbus_put_string(b, name);
  dbus_put_signature(b, sig);
}

void dbus_prop_u64(struct dbus_buf *b, const char *name, uint64_t v)
{
  prop_begin(b, name, "t");
  dbus_put_u64(b, v);
}

void dbus_prop_bool(struct dbus_buf *b, const char *name, int v)
{
  prop_begin(b, name, "b");
  dbus_put_bool(b, v);
}

void dbus_prop_string(struct dbus_buf *b, const char *name, const char *v)
{
  prop_begin(b, name, "s");
  dbus_put_string(b, v);
}

void dbus_prop_u32_array(struct dbus_buf *b, const char *name, const uint32_t *v, size_t n)
{
  prop_begin(b, name, "au");
  size_t start, len_at = dbus_array_begin(b, 4, &start);
  for (size_t i = 0; i < n; i++)
    dbus_put_u32(b, v[i]);
  dbus_array_end(b, len_at, start);
}

void dbus_prop_bytes(struct dbus_buf *b, const char *name, const unsigned char *v, size_t n)
{
  prop_begin(b, name, "ay");
  size_t start, len_at = dbus_array_begin(b, 1, &start);
  put_bytes(b, v, n);
  dbus_array_end(b, len_at, start);
}

/* ---- connection ---- */

static herr read_exact(int fd, void *buf, size_t n)
{
  unsigned char *p = buf;
  while (n) {
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    int r = poll(&pfd, 1, REPLY_TIMEOUT_MS);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      return herr_sys("poll");
    if (r == 0)
      return herr_errno(ETIMEDOUT, "no answer from systemd in %d s", REPLY_TIMEOUT_MS / 1000);
    ssize_t got = read(fd, p, n);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0)
      return herr_sys("read");
    if (got == 0)
      return herr_errno(ECONNRESET, "systemd closed the connection");
    p += got;
    n -= (size_t)got;
  }
  return NULL;
}

/* write_all without SIGPIPE: systemd may close the socket (a daemon-reexec). */
static herr send_all(int fd, const void *buf, size_t len)
{
  const char *p = buf;
  while (len) {
    ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return herr_sys("send to systemd");
    p += n;
    len -= (size_t)n;
  }
  return NULL;
}

/* One line of the SASL exchange, "\r\n" included. */
static herr read_line(int fd, char *buf, size_t size)
{
  size_t n = 0;
  while (n + 1 < size) {
    TRY(read_exact(fd, buf + n, 1));
    if (buf[n++] == '\n')
      break;
  }
  buf[n] = '\0';
  return NULL;
}

/* SASL EXTERNAL: the server checks our uid with SO_PEERCRED.  The credentials
 * byte, AUTH and BEGIN go in one write, as sd-bus sends them: systemd 252's
 * private socket dropped a call sent right after a BEGIN of its own. */
static herr authenticate(int fd)
{
  char uid[16], hex[40] = "", line[256];
  snprintf(uid, sizeof(uid), "%u", (unsigned)geteuid());
  for (size_t i = 0; uid[i]; i++)
    snprintf(hex + 2 * i, 3, "%02x", (unsigned char)uid[i]);
  char auth[96];
  int n = snprintf(auth, sizeof(auth), "%cAUTH EXTERNAL %s\r\nBEGIN\r\n", '\0', hex);
  TRY(send_all(fd, auth, (size_t)n));
  TRY(read_line(fd, line, sizeof(line)));
  if (strncmp(line, "OK ", 3))
    return herr_new("authentication refused: %.*s", (int)strcspn(line, "\r\n"), line);
  return NULL;
}

static herr connect_to(const char *path, int *fd)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
  _cleanup_close_ int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0)
    return herr_sys("socket");
  if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
    return herr_sys("connect %s", path);
  TRY_WRAP(authenticate(s), "%s", path);
  *fd = steal_fd(&s);
  return NULL;
}

static herr call(struct dbus_conn *c, const char *dest, const char *path, const char *iface,
                 const char *member, const char *sig, const struct dbus_buf *body, char **error_name);

herr dbus_connect_systemd(struct dbus_conn *c)
{
  c->fd = -1;
  c->serial = 0;
  herr e = connect_to(SYSTEMD_PRIVATE, &c->fd);
  if (!e)
    return NULL;
  herr e2 = connect_to(SYSTEM_BUS, &c->fd);
  if (!e2) {
    herr_free(e);
    /* A bus client must say Hello before anything else. */
    struct dbus_buf none = { 0 };
    e2 = call(c, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "Hello",
              "", &none, NULL);
    if (!e2)
      return NULL;
    dbus_close(c);
    return herr_wrap(e2, "%s: Hello", SYSTEM_BUS);
  }
  _cleanup_free_ char *first = herr_format(e);
  herr_free(e);
  return herr_wrap(e2, "%s; nor on the system bus", first);
}

void dbus_close(struct dbus_conn *c)
{
  if (c->fd >= 0)
    close(c->fd);
  c->fd = -1;
}

/* ---- messages ---- */

static void header_field(struct dbus_buf *h, uint8_t code, const char *sig, const char *value)
{
  dbus_struct_begin(h);
  put_u8(h, code);
  dbus_put_signature(h, sig);
  if (!strcmp(sig, "g"))
    dbus_put_signature(h, value);
  else
    dbus_put_string(h, value);
}

static herr send_call(struct dbus_conn *c, const char *dest, const char *path, const char *iface,
                      const char *member, const char *sig, const struct dbus_buf *body)
{
  struct dbus_buf h = { 0 };
  put_bytes(&h, "l", 1);
  put_u8(&h, MSG_METHOD_CALL);
  put_u8(&h, 0); /* flags */
  put_u8(&h, 1); /* protocol version */
  dbus_put_u32(&h, (uint32_t)body->len);
  dbus_put_u32(&h, ++c->serial);
  size_t start, len_at = dbus_array_begin(&h, 8, &start);
  header_field(&h, FIELD_PATH, "o", path);
  header_field(&h, FIELD_INTERFACE, "s", iface);
  header_field(&h, FIELD_MEMBER, "s", member);
  header_field(&h, FIELD_DESTINATION, "s", dest);
  if (*sig)
    header_field(&h, FIELD_SIGNATURE, "g", sig);
  dbus_array_end(&h, len_at, start);
  align(&h, 8);
  if (body->len)
    put_bytes(&h, body->data, body->len);
  herr e = send_all(c->fd, h.data, h.len);
  dbus_buf_free(&h);
  return e;
}

/* A received message, read as far as we need. */
struct reply {
  uint8_t type;
  uint32_t reply_serial;
  char *error_name;
  char *error_message;
};

static uint32_t get_u32(const unsigned char *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A cursor over a received buffer; a bad offset makes it fail, never read past. */
struct cursor {
  const unsigned char *p;
  size_t len, at;
  bool bad;
};

static void cur_align(struct cursor *c, size_t a)
{
  c->at = (c->at + a - 1) / a * a;
  if (c->at > c->len)
    c->bad = true;
}

static uint32_t cur_u32(struct cursor *c)
{
  cur_align(c, 4);
  if (c->bad || c->at + 4 > c->len) {
    c->bad = true;
    return 0;
  }
  uint32_t v = get_u32(c->p + c->at);
  c->at += 4;
  return v;
}

/* A string ('s', 'o') or, with sig_len, a signature ('g'); NULL when bad. */
static char *cur_string(struct cursor *c, bool sig_len)
{
  size_t n;
  if (sig_len) {
    if (c->at >= c->len) {
      c->bad = true;
      return NULL;
    }
    n = c->p[c->at++];
  } else {
    n = cur_u32(c);
  }
  if (c->bad || c->at + n + 1 > c->len) {
    c->bad = true;
    return NULL;
  }
  char *s = strndup((const char *)c->p + c->at, n);
  c->at += n + 1;
  return s;
}

/* The header fields we use: REPLY_SERIAL, ERROR_NAME, SIGNATURE (others skipped). */
static bool parse_fields(struct cursor *c, size_t end, struct reply *r, char **sig)
{
  while (!c->bad && c->at < end) {
    cur_align(c, 8);
    if (c->at >= end)
      break;
    uint8_t code = c->p[c->at++];
    _cleanup_free_ char *vsig = cur_string(c, true);
    if (!vsig)
      return false;
    if (!strcmp(vsig, "u")) {
      uint32_t v = cur_u32(c);
      if (code == FIELD_REPLY_SERIAL)
        r->reply_serial = v;
    } else if (!strcmp(vsig, "s") || !strcmp(vsig, "o") || !strcmp(vsig, "g")) {
      char *s = cur_string(c, vsig[0] == 'g');
      if (code == FIELD_ERROR_NAME && !r->error_name)
        r->error_name = s;
      else if (code == FIELD_SIGNATURE && !*sig)
        *sig = s;
      else
        free(s);
    } else {
      return false; /* no other field type exists in the specification */
    }
  }
  return !c->bad;
}

static herr read_message(struct dbus_conn *c, struct reply *r)
{
  unsigned char fixed[16];
  TRY(read_exact(c->fd, fixed, sizeof(fixed)));
  if (fixed[0] != 'l')
    return herr_new("systemd sent a big-endian message, which hull does not read");
  uint32_t body_len = get_u32(fixed + 4), fields_len = get_u32(fixed + 12);
  size_t header_len = (16 + (size_t)fields_len + 7) / 8 * 8;
  if (body_len > MAX_MESSAGE || fields_len > MAX_MESSAGE)
    return herr_new("systemd sent an oversized message");
  size_t total = header_len + body_len;
  _cleanup_free_ unsigned char *msg = malloc(total);
  if (!msg)
    return herr_errno(ENOMEM, "D-Bus message");
  memcpy(msg, fixed, sizeof(fixed));
  TRY(read_exact(c->fd, msg + 16, total - 16));
  memset(r, 0, sizeof(*r));
  r->type = fixed[1];
  struct cursor cur = { .p = msg, .len = total, .at = 16 };
  _cleanup_free_ char *sig = NULL;
  if (!parse_fields(&cur, 16 + fields_len, r, &sig))
    return herr_new("systemd sent a malformed message header");
  if (r->type == MSG_ERROR && sig && sig[0] == 's') {
    struct cursor body = { .p = msg + header_len, .len = body_len };
    r->error_message = cur_string(&body, false);
  }
  return NULL;
}

static void reply_free(struct reply *r)
{
  free(r->error_name);
  free(r->error_message);
}

static herr call(struct dbus_conn *c, const char *dest, const char *path, const char *iface,
                 const char *member, const char *sig, const struct dbus_buf *body, char **error_name)
{
  TRY(send_call(c, dest, path, iface, member, sig, body));
  uint32_t serial = c->serial;
  for (;;) {
    struct reply r;
    TRY(read_message(c, &r));
    /* Signals (NameAcquired on the bus) and other replies are not ours. */
    if ((r.type != MSG_METHOD_RETURN && r.type != MSG_ERROR) || r.reply_serial != serial) {
      reply_free(&r);
      continue;
    }
    herr e = NULL;
    if (r.type == MSG_ERROR) {
      e = herr_new("%s: %s", r.error_name ? r.error_name : "error",
                   r.error_message ? r.error_message : "(no message)");
      if (error_name)
        *error_name = r.error_name ? xstrdup(r.error_name) : NULL;
    }
    reply_free(&r);
    return e;
  }
}

herr dbus_call_manager(struct dbus_conn *c, const char *member, const char *sig,
                       const struct dbus_buf *body, char **error_name)
{
  if (error_name)
    *error_name = NULL;
  return herr_wrap(call(c, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                        "org.freedesktop.systemd1.Manager", member, sig, body, error_name),
                   "systemd %s", member);
}
