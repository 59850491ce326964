/*
 * sealed-exec FILE COMMAND [ARG...]: copy FILE into a sealed memfd, then run COMMAND
 * with every ARG that is exactly "@" replaced by the memfd's /proc/self/fd path.
 *
 * tests/valgrind.bats runs `sealed-exec hull valgrind ... @ ARGS`: hull then starts as if
 * it had already re-executed itself from its sealed copy (selfclone.c), which valgrind
 * cannot follow (it does not emulate execveat of a memfd).  Exits 127 if it cannot.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create; the build may define it already */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

static int die(const char *what)
{
	fprintf(stderr, "sealed-exec: %s: %s\n", what, strerror(errno));
	return 127;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: sealed-exec FILE COMMAND [ARG...]  (\"@\" is the sealed copy)\n");
		return 2;
	}
	int in = open(argv[1], O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (in < 0 || fstat(in, &st) < 0)
		return die(argv[1]);
	/* Not close-on-exec: COMMAND opens it by its /proc/self/fd path. */
	int fd = memfd_create("hull", MFD_ALLOW_SEALING);
	if (fd < 0)
		return die("memfd_create");
	off_t off = 0;
	while (off < st.st_size) {
		ssize_t n = sendfile(fd, in, &off, (size_t)(st.st_size - off));
		if (n <= 0)
			return die("copy");
	}
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
		return die("seal");
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	for (int i = 3; i < argc; i++)
		if (!strcmp(argv[i], "@"))
			argv[i] = path;
	execvp(argv[2], argv + 2);
	return die(argv[2]);
}
