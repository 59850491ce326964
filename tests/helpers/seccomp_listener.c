/*
 * seccomp_listener: a minimal seccomp agent for the SCMP_ACT_NOTIFY tests.
 *
 *   seccomp_listener SOCKET STATEFILE ANSWER
 *
 * Listens on the unix socket SOCKET (it appears only once it accepts
 * connections), takes one connection from the runtime, writes the container
 * process state it received to STATEFILE, then answers every notified syscall
 * with ANSWER until the filter has no process left:
 *   errno=N     the syscall fails with errno N
 *   val=N       the syscall "succeeds" and returns N (without running)
 *   continue    the kernel runs the syscall as if nothing happened
 * On stdout: "fds=N bytes=N" for the connection, then "notified nr=NR arg0=X"
 * for each syscall.  Exits 0 when the filter's processes are gone, 1 on errors
 * (e.g. no fd came with the state), 2 on misuse, and after 60 s of silence.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define IDLE_TIMEOUT_MS 60000
#define MAX_STATE (1 << 20)

struct answer {
	enum { ANSWER_ERRNO, ANSWER_VAL, ANSWER_CONTINUE } kind;
	long long value;
};

static int die(const char *what)
{
	fprintf(stderr, "seccomp_listener: %s: %s\n", what, strerror(errno));
	return 1;
}

static int parse_answer(const char *s, struct answer *a)
{
	char *end;
	if (!strcmp(s, "continue")) {
		a->kind = ANSWER_CONTINUE;
		return 0;
	}
	if (!strncmp(s, "errno=", 6))
		a->kind = ANSWER_ERRNO, s += 6;
	else if (!strncmp(s, "val=", 4))
		a->kind = ANSWER_VAL, s += 4;
	else
		return -1;
	a->value = strtoll(s, &end, 0);
	return *s && !*end ? 0 : -1;
}

/* Bind to SOCKET.tmp, listen, then rename: whoever sees SOCKET can connect. */
static int listen_on(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char tmp[sizeof(addr.sun_path)];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		fprintf(stderr, "seccomp_listener: socket path too long\n");
		return -1;
	}
	strcpy(addr.sun_path, tmp);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	unlink(tmp);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 1) < 0 ||
	    rename(tmp, path) < 0) {
		die("listen");
		return -1;
	}
	return fd;
}

/* The state text (until the runtime closes) and the fd of the first message. */
static int receive_state(int conn, char *buf, size_t size, size_t *len, int *seccomp_fd, int *nfds)
{
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { .iov_base = buf, .iov_len = size - 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
			      .msg_controllen = sizeof(control.buf) };
	ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return die("recvmsg");
	*nfds = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		*nfds = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		if (*nfds > 0)
			memcpy(seccomp_fd, CMSG_DATA(c), sizeof(int));
	}
	*len = (size_t)n;
	while (n > 0 && *len < size - 1) {
		n = read(conn, buf + *len, size - 1 - *len);
		if (n < 0)
			return die("read");
		*len += (size_t)n;
	}
	buf[*len] = '\0';
	return 0;
}

static int write_state(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "we");
	if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0)
		return die(path);
	return 0;
}

static int answer_one(int fd, const struct answer *a)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	memset(&req, 0, sizeof(req));
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return errno == ENOENT ? 0 : die("SECCOMP_IOCTL_NOTIF_RECV"); /* ENOENT: the caller died */
	printf("notified nr=%d arg0=%#llx\n", req.data.nr, (unsigned long long)req.data.args[0]);
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	if (a->kind == ANSWER_ERRNO)
		resp.error = (int)-a->value;
	else if (a->kind == ANSWER_VAL)
		resp.val = a->value;
	else
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
		return die("SECCOMP_IOCTL_NOTIF_SEND");
	return 0;
}

static int serve(int fd, const struct answer *a)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int n = poll(&p, 1, IDLE_TIMEOUT_MS);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 ? (fprintf(stderr, "seccomp_listener: idle timeout\n"), 1) : die("poll");
		if (p.revents & POLLIN) {
			if (answer_one(fd, a))
				return 1;
		} else if (p.revents & (POLLHUP | POLLERR)) {
			return 0;
		}
	}
}

int main(int argc, char **argv)
{
	struct answer a = { ANSWER_CONTINUE, 0 };
	if (argc != 4 || parse_answer(argv[3], &a) < 0) {
		fprintf(stderr, "usage: seccomp_listener SOCKET STATEFILE errno=N|val=N|continue\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	int sock = listen_on(argv[1]);
	if (sock < 0)
		return 1;
	struct pollfd p = { .fd = sock, .events = POLLIN };
	if (poll(&p, 1, IDLE_TIMEOUT_MS) <= 0) {
		fprintf(stderr, "seccomp_listener: nobody connected\n");
		return 1;
	}
	int conn = accept4(sock, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		return die("accept");
	static char state[MAX_STATE];
	size_t len = 0;
	int seccomp_fd = -1, nfds = 0;
	if (receive_state(conn, state, sizeof(state), &len, &seccomp_fd, &nfds))
		return 1;
	close(conn);
	printf("fds=%d bytes=%zu\n", nfds, len);
	if (write_state(argv[2], state, len))
		return 1;
	if (nfds != 1) {
		fprintf(stderr, "seccomp_listener: expected 1 fd with the state, got %d\n", nfds);
		return 1;
	}
	return serve(seccomp_fd, &a);
}
