/* dbus.h - just enough of the D-Bus wire protocol to call systemd.
 *
 * The systemd cgroup driver (cgroup_systemd.c) makes a few method calls on
 * systemd's manager object.  Rather than make every start of hull load
 * libsystemd or libdbus, this module speaks the protocol itself over the unix
 * socket: SASL EXTERNAL authentication, then method calls marshalled
 * little-endian, each waiting for its reply (method return or error).  Only
 * what those calls need is here: building a body of basic types, arrays,
 * structs and variants, and reading the reply's error name and message.
 */
#ifndef HULL_DBUS_H
#define HULL_DBUS_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* A message body (or header) being built; alignment is from its start. */
struct dbus_buf {
  unsigned char *data;
  size_t len, cap;
};
void dbus_buf_free(struct dbus_buf *b);
void dbus_put_u32(struct dbus_buf *b, uint32_t v);
void dbus_put_u64(struct dbus_buf *b, uint64_t v);
void dbus_put_bool(struct dbus_buf *b, int v);
void dbus_put_string(struct dbus_buf *b, const char *s); /* also 'o' */
void dbus_put_signature(struct dbus_buf *b, const char *s);
/* An array: begin returns where its length goes, end writes it.  elem_align
 * is the alignment of its elements (8 for structs and 64-bit values). */
size_t dbus_array_begin(struct dbus_buf *b, size_t elem_align, size_t *start);
void dbus_array_end(struct dbus_buf *b, size_t len_at, size_t start);
/* The start of a struct "(...)" (and of a dict entry). */
void dbus_struct_begin(struct dbus_buf *b);

/* One property of an a(sv) array: name, then a variant of the given type. */
void dbus_prop_u64(struct dbus_buf *b, const char *name, uint64_t v);
void dbus_prop_bool(struct dbus_buf *b, const char *name, int v);
void dbus_prop_string(struct dbus_buf *b, const char *name, const char *v);
void dbus_prop_u32_array(struct dbus_buf *b, const char *name, const uint32_t *v, size_t n);
void dbus_prop_bytes(struct dbus_buf *b, const char *name, const unsigned char *v, size_t n);

struct dbus_conn {
  int fd;
  uint32_t serial;
};

/* Connect to systemd: its private socket /run/systemd/private (root), else
 * the system bus.  The error says which sockets were tried and why each
 * failed. */
herr dbus_connect_systemd(struct dbus_conn *c);
void dbus_close(struct dbus_conn *c);

/* Call member on systemd's manager object with body (signature sig) and wait
 * for its reply.  A D-Bus error comes back as an herr "NAME: message";
 * *error_name (optional, caller frees) gets NAME. */
herr dbus_call_manager(struct dbus_conn *c, const char *member, const char *sig,
                       const struct dbus_buf *body, char **error_name);

#endif
