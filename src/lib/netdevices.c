/* netdevices.c - linux.netDevices over rtnetlink.  See netdevices.h. */
#include "netdevices.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "utils.h"

/* ---- a minimal rtnetlink client ------------------------------------------- */

struct nlreq {
  union {
    struct nlmsghdr h;
    char raw[1024];
  };
};

static void *nl_payload(struct nlreq *r, size_t len)
{
  r->h.nlmsg_len = NLMSG_LENGTH(len);
  return NLMSG_DATA(&r->h);
}

static void nl_attr(struct nlreq *r, unsigned short type, const void *data, size_t len)
{
  struct rtattr *a = (struct rtattr *)(r->raw + NLMSG_ALIGN(r->h.nlmsg_len));
  a->rta_type = type;
  a->rta_len = (unsigned short)RTA_LENGTH(len);
  memcpy(RTA_DATA(a), data, len);
  r->h.nlmsg_len = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

static herr nl_open(int *fd)
{
  *fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (*fd < 0)
    return herr_sys("rtnetlink socket");
  return NULL;
}

/* A netlink socket of the network namespace `netns`. */
static herr nl_open_in(int netns, int *fd)
{
  _cleanup_close_ int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  if (self < 0)
    return herr_sys("open /proc/self/ns/net");
  if (setns(netns, CLONE_NEWNET) < 0)
    return herr_sys("enter the container's network namespace");
  herr e = nl_open(fd);
  if (setns(self, CLONE_NEWNET) < 0 && !e)
    e = herr_sys("return to the runtime's network namespace");
  return e;
}

/* Each message of the answer to `r` goes to `each` (if any) until DONE or
 * the ACK; an NLMSG_ERROR is the error. */
typedef herr (*nl_each_fn)(struct nlmsghdr *h, void *arg);

static herr nl_talk(int fd, struct nlreq *r, nl_each_fn each, void *arg)
{
  static unsigned seq;
  r->h.nlmsg_seq = ++seq;
  r->h.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
  if (send(fd, r, r->h.nlmsg_len, 0) < 0)
    return herr_sys("rtnetlink send");
  /* Large enough for any one datagram of a dump (the kernel's are at most 32 kB). */
  const size_t size = 65536;
  _cleanup_free_ char *buf = malloc(size);
  if (!buf)
    return herr_errno(ENOMEM, "rtnetlink");
  for (;;) {
    ssize_t n = recv(fd, buf, size, 0);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return herr_sys("rtnetlink receive");
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned)n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_seq != r->h.nlmsg_seq)
        continue;
      if (h->nlmsg_type == NLMSG_DONE)
        return NULL;
      if (h->nlmsg_type == NLMSG_ERROR) {
        int err = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
        return err ? herr_errno(-err, "rtnetlink") : NULL;
      }
      if (each)
        TRY(each(h, arg));
    }
  }
}

/* ---- addresses ------------------------------------------------------------- */

/* The addresses the spec keeps: permanent, of global scope. */
struct saved_addrs {
  int ifindex;
  struct nlmsghdr **msgs;
  size_t n;
};

static unsigned addr_flags(struct ifaddrmsg *ifa, size_t len)
{
  unsigned flags = ifa->ifa_flags;
  for (struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len))
    if (a->rta_type == IFA_FLAGS)
      memcpy(&flags, RTA_DATA(a), sizeof(flags));
  return flags;
}

static herr save_addr(struct nlmsghdr *h, void *arg)
{
  struct saved_addrs *s = arg;
  struct ifaddrmsg *ifa = NLMSG_DATA(h);
  if (h->nlmsg_type != RTM_NEWADDR || (int)ifa->ifa_index != s->ifindex)
    return NULL;
  if (ifa->ifa_scope != RT_SCOPE_UNIVERSE || !(addr_flags(ifa, IFA_PAYLOAD(h)) & IFA_F_PERMANENT))
    return NULL;
  struct nlmsghdr **v = realloc(s->msgs, (s->n + 1) * sizeof(*v));
  if (!v)
    return herr_errno(ENOMEM, "addresses");
  s->msgs = v;
  v[s->n] = malloc(h->nlmsg_len);
  if (!v[s->n])
    return herr_errno(ENOMEM, "addresses");
  memcpy(v[s->n++], h, h->nlmsg_len);
  return NULL;
}

static void saved_addrs_free(struct saved_addrs *s)
{
  for (size_t i = 0; i < s->n; i++)
    free(s->msgs[i]);
  free(s->msgs);
}

static herr list_addrs(int nl, struct saved_addrs *s)
{
  struct nlreq r = { 0 };
  struct ifaddrmsg *ifa = nl_payload(&r, sizeof(*ifa));
  ifa->ifa_family = AF_UNSPEC;
  r.h.nlmsg_type = RTM_GETADDR;
  r.h.nlmsg_flags = NLM_F_DUMP;
  return herr_wrap(nl_talk(nl, &r, save_addr, s), "list addresses");
}

/* A saved address, on `ifindex`: the attributes that define it (its label
 * named the old interface). */
static herr add_addr(int nl, const struct nlmsghdr *saved, int ifindex)
{
  struct nlreq r = { 0 };
  const struct ifaddrmsg *old = NLMSG_DATA(saved);
  struct ifaddrmsg *ifa = nl_payload(&r, sizeof(*ifa));
  *ifa = *old;
  ifa->ifa_index = (unsigned)ifindex;
  r.h.nlmsg_type = RTM_NEWADDR;
  r.h.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
  size_t len = IFA_PAYLOAD(saved);
  for (struct rtattr *a = IFA_RTA(old); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    switch (a->rta_type) {
    case IFA_ADDRESS: case IFA_LOCAL: case IFA_BROADCAST: case IFA_FLAGS:
      if (RTA_ALIGN(r.h.nlmsg_len) + RTA_SPACE(RTA_PAYLOAD(a)) > sizeof(r))
        return herr_errno(E2BIG, "address");
      nl_attr(&r, a->rta_type, RTA_DATA(a), RTA_PAYLOAD(a));
      break;
    }
  }
  return herr_wrap(nl_talk(nl, &r, NULL, NULL), "add an address");
}

/* ---- links ----------------------------------------------------------------- */

static herr move_link(int nl, int ifindex, int netns, const char *name)
{
  struct nlreq r = { 0 };
  struct ifinfomsg *ifi = nl_payload(&r, sizeof(*ifi));
  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_index = ifindex;
  r.h.nlmsg_type = RTM_NEWLINK;
  nl_attr(&r, IFLA_NET_NS_FD, &netns, sizeof(netns));
  nl_attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
  /* With a "%d" template the final name is the kernel's: keep the index to
   * find the device by. */
  if (strchr(name, '%'))
    nl_attr(&r, IFLA_NEW_IFINDEX, &ifindex, sizeof(ifindex));
  return herr_wrap(nl_talk(nl, &r, NULL, NULL), "move into the container's network namespace");
}

static herr find_link(struct nlmsghdr *h, void *arg)
{
  if (h->nlmsg_type == RTM_NEWLINK)
    *(int *)arg = ((struct ifinfomsg *)NLMSG_DATA(h))->ifi_index;
  return NULL;
}

static herr link_index(int nl, const char *name, int *ifindex)
{
  struct nlreq r = { 0 };
  struct ifinfomsg *ifi = nl_payload(&r, sizeof(*ifi));
  ifi->ifi_family = AF_UNSPEC;
  r.h.nlmsg_type = RTM_GETLINK;
  nl_attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
  return herr_wrap(nl_talk(nl, &r, find_link, ifindex), "find %s in the container", name);
}

static herr set_up(int nl, int ifindex)
{
  struct nlreq r = { 0 };
  struct ifinfomsg *ifi = nl_payload(&r, sizeof(*ifi));
  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_index = ifindex;
  ifi->ifi_flags = IFF_UP;
  ifi->ifi_change = IFF_UP;
  r.h.nlmsg_type = RTM_NEWLINK;
  return herr_wrap(nl_talk(nl, &r, NULL, NULL), "set up");
}

/* ---- the steps -------------------------------------------------------------- */

static const char *target_name(const struct oci_net_device *d)
{
  return d->name && *d->name ? d->name : d->key;
}

static herr check_name(const char *name, const char *field)
{
  size_t len = strlen(name);
  if (!len || len >= IFNAMSIZ)
    return herr_new("%s: \"%s\": an interface name has 1 to %d characters", field, name, IFNAMSIZ - 1);
  if (!strcmp(name, ".") || !strcmp(name, "..") || strpbrk(name, "/: \t\n"))
    return herr_new("%s: \"%s\" is not a valid interface name", field, name);
  const char *pct = strchr(name, '%');
  if (pct && (pct[1] != 'd' || strchr(pct + 1, '%')))
    return herr_new("%s: \"%s\": the only template is one \"%%d\"", field, name);
  return NULL;
}

/* A joined network namespace that is the runtime's own is no place of the
 * container's own. */
static bool joins_runtime_netns(const struct ns_plan *plan)
{
  struct stat a, b;
  int fd = plan->join_fd[OCI_NS_NETWORK];
  return fd >= 0 && fstat(fd, &a) == 0 && stat("/proc/self/ns/net", &b) == 0 &&
         a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

herr netdevices_validate(const struct oci_linux *lx, const struct ns_plan *plan)
{
  if (!lx || !lx->n_netDevices)
    return NULL;
  if (!plan->has[OCI_NS_NETWORK] || joins_runtime_netns(plan))
    return herr_new("linux.netDevices: the container has no network namespace of its own to "
                    "move devices into");
  if (plan->unshare_flags & CLONE_NEWNET)
    return herr_new("linux.netDevices: not supported with a joined user namespace that owns a new "
                    "network namespace");
  if (geteuid() != 0 || in_user_namespace())
    return herr_new("linux.netDevices: moving a host interface needs the host's root "
                    "(CAP_NET_ADMIN in its network namespace)");
  for (size_t i = 0; i < lx->n_netDevices; i++) {
    const struct oci_net_device *d = &lx->netDevices[i];
    char field[IFNAMSIZ + 64];
    snprintf(field, sizeof(field), "linux.netDevices.%s", d->key);
    TRY(check_name(d->key, field));
    if (!if_nametoindex(d->key))
      return herr_new("%s: no network interface \"%s\" on the host", field, d->key);
    if (d->name) {
      snprintf(field, sizeof(field), "linux.netDevices.%s.name", d->key);
      TRY(check_name(d->name, field));
    }
  }
  return NULL;
}

/* The kernel renames a device after it moved it: a name taken in the
 * container must be refused first, or the device would be gone from the host
 * with the error. */
static herr check_name_free(int ctr_nl, const char *name)
{
  if (strchr(name, '%'))
    return NULL;
  int ifindex = 0;
  herr e = link_index(ctr_nl, name, &ifindex);
  if (!e)
    return herr_errno(EEXIST, "an interface \"%s\" exists in the container's network namespace", name);
  bool absent = herr_errnum(e) == ENODEV;
  if (absent)
    herr_free(e);
  return absent ? NULL : e;
}

static herr move_one(int host_nl, int ctr_nl, int netns, const struct oci_net_device *d)
{
  int ifindex = (int)if_nametoindex(d->key);
  if (!ifindex)
    return herr_sys("no network interface %s on the host", d->key);
  const char *name = target_name(d);
  TRY(check_name_free(ctr_nl, name));
  struct saved_addrs addrs = { .ifindex = ifindex };
  herr e = list_addrs(host_nl, &addrs);
  if (!e)
    e = move_link(host_nl, ifindex, netns, name);
  int now = ifindex;
  if (!e && !strchr(name, '%'))
    e = link_index(ctr_nl, name, &now);
  for (size_t i = 0; !e && i < addrs.n; i++)
    e = add_addr(ctr_nl, addrs.msgs[i], now);
  if (!e)
    e = set_up(ctr_nl, now);
  saved_addrs_free(&addrs);
  return e;
}

static herr open_target_netns(const struct ns_plan *plan, pid_t pid, int *fd)
{
  if (plan->join_fd[OCI_NS_NETWORK] >= 0) {
    *fd = dup(plan->join_fd[OCI_NS_NETWORK]);
    return *fd < 0 ? herr_sys("dup") : NULL;
  }
  char path[64];
  snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
  *fd = open(path, O_RDONLY | O_CLOEXEC);
  return *fd < 0 ? herr_sys("open %s", path) : NULL;
}

herr netdevices_move(const struct oci_linux *lx, const struct ns_plan *plan, pid_t pid)
{
  if (!lx || !lx->n_netDevices)
    return NULL;
  _cleanup_close_ int netns = -1, host_nl = -1, ctr_nl = -1;
  TRY(open_target_netns(plan, pid, &netns));
  TRY(nl_open(&host_nl));
  TRY(nl_open_in(netns, &ctr_nl));
  for (size_t i = 0; i < lx->n_netDevices; i++)
    TRY_WRAP(move_one(host_nl, ctr_nl, netns, &lx->netDevices[i]), "linux.netDevices.%s",
             lx->netDevices[i].key);
  return NULL;
}
