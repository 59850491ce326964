/*
 * recvtty: the receiving end of --console-socket, for the tests (runc has one
 * of the same name).
 *
 *   recvtty [-n NAMEFILE] [-i INPUT] [-w ROWSxCOLS] SOCKET
 *
 * Listens on the unix socket SOCKET (it appears only once it accepts
 * connections: bound under a temporary name, then renamed), takes one
 * connection and one message from it, which must carry exactly one file
 * descriptor in SCM_RIGHTS, as conmon expects.  The message's data (the pty's
 * name) is written to NAMEFILE.  Then the fd must be a pty master: INPUT (with
 * "\n" escapes) is written to it, the window size set, and everything the pty
 * outputs is copied to stdout until no slave is left.  Exit status 0, or 1
 * with a message on stderr.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

static int die(const char *what)
{
	fprintf(stderr, "recvtty: %s: %s\n", what, strerror(errno));
	return 1;
}

static int listen_at(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char tmp[sizeof(sa.sun_path)];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sa.sun_path, tmp, strlen(tmp));
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 1) < 0 ||
	    rename(tmp, path) < 0)
		return -1;
	return s;
}

/* One message: its data into name, its one fd returned (-1 if none). */
static int receive_fd(int conn, char *name, size_t size)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * 4)];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = name, .iov_len = size - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	ssize_t n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return -1;
	name[n] = '\0';
	int fd = -1, count = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		count += (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	}
	if (count != 1) {
		fprintf(stderr, "recvtty: expected one fd in SCM_RIGHTS, got %d\n", count);
		exit(1);
	}
	return fd;
}

/* "a\nb" escapes as the shell cannot pass them easily. */
static size_t unescape(const char *in, char *out)
{
	size_t n = 0;
	for (; *in; in++) {
		if (in[0] == '\\' && in[1] == 'n') {
			out[n++] = '\n';
			in++;
		} else {
			out[n++] = *in;
		}
	}
	return n;
}

static int copy_output(int master)
{
	char buf[4096];
	for (;;) {
		ssize_t n = read(master, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0; /* EIO: the last slave is closed */
		if (write(STDOUT_FILENO, buf, (size_t)n) != n)
			return die("write stdout");
	}
}

int main(int argc, char **argv)
{
	const char *namefile = NULL, *input = NULL, *size = NULL;
	int opt;
	while ((opt = getopt(argc, argv, "n:i:w:")) != -1) {
		switch (opt) {
		case 'n': namefile = optarg; break;
		case 'i': input = optarg; break;
		case 'w': size = optarg; break;
		default: return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: recvtty [-n NAMEFILE] [-i INPUT] [-w ROWSxCOLS] SOCKET\n");
		return 2;
	}
	int s = listen_at(argv[optind]);
	if (s < 0)
		return die("listen");
	int conn = accept4(s, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		return die("accept");
	char name[256];
	int master = receive_fd(conn, name, sizeof(name));
	if (master < 0)
		return die("recvmsg");
	if (namefile) {
		FILE *f = fopen(namefile, "w");
		if (!f || fprintf(f, "%s\n", name) < 0 || fclose(f) != 0)
			return die(namefile);
	}
	int ptn;
	if (ioctl(master, TIOCGPTN, &ptn) < 0)
		return die("the fd is not a pty master (TIOCGPTN)");
	if (size) {
		struct winsize ws = { 0 };
		if (sscanf(size, "%hux%hu", &ws.ws_row, &ws.ws_col) != 2 ||
		    ioctl(master, TIOCSWINSZ, &ws) < 0)
			return die("window size");
	}
	if (input) {
		char *buf = malloc(strlen(input) + 1);
		size_t n = buf ? unescape(input, buf) : 0;
		if (!buf || write(master, buf, n) != (ssize_t)n)
			return die("write input");
		free(buf);
	}
	return copy_output(master);
}
