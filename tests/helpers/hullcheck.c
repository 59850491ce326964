/*
 * hullcheck: a small static helper copied into test bundles as /bin/hullcheck.
 *
 * It does the checks busybox cannot do (SysV IPC by id or key, POSIX shm,
 * capability masks, rlimits, supplementary groups...). Every subcommand prints
 * exactly one line and exits 0 on success, 1 on failure (the line then names
 * the errno, e.g. "EINVAL", so a test can assert on the reason), 2 on misuse.
 *
 * Only libc: it is linked -static so it runs in any rootfs.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strerrorname_np; the build may define it already */
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define SHM_SIZE 4096

/* Print the errno name ("ENOENT") of a failed call and return the failure status. */
static int fail_errno(const char *what)
{
	const char *name = strerrorname_np(errno);
	printf("%s%s%s\n", what ? what : "", what ? ": " : "", name ? name : "EUNKNOWN");
	return 1;
}

static int usage(const char *msg)
{
	fprintf(stderr, "hullcheck: usage: %s\n", msg);
	return 2;
}

/* Parse a decimal or 0x-hex integer argument; -1 with a message on garbage. */
static int parse_long(const char *s, long *out)
{
	char *end;
	errno = 0;
	*out = strtol(s, &end, 0);
	if (errno || *s == '\0' || *end != '\0') {
		fprintf(stderr, "hullcheck: not a number: %s\n", s);
		return -1;
	}
	return 0;
}

/* ---- SysV IPC ---------------------------------------------------------- */

/* ipc-host-setup KEY: (all new, IPC_EXCL) one shm by KEY, one IPC_PRIVATE shm, a sem set
 * (KEY+1), a msg queue (KEY+2). On failure nothing is left behind. */
static int cmd_ipc_host_setup(int argc, char **argv)
{
	long key;
	if (argc != 1 || parse_long(argv[0], &key) < 0)
		return usage("ipc-host-setup KEY");
	int shm = -1, shmpriv = -1, sem = -1, msg = -1;
	const char *what = NULL;
	if ((shm = shmget((key_t)key, SHM_SIZE, IPC_CREAT | IPC_EXCL | 0600)) < 0)
		what = "shmget";
	else if ((shmpriv = shmget(IPC_PRIVATE, SHM_SIZE, IPC_CREAT | 0600)) < 0)
		what = "shmget(IPC_PRIVATE)";
	else if ((sem = semget((key_t)(key + 1), 1, IPC_CREAT | IPC_EXCL | 0600)) < 0)
		what = "semget";
	else if ((msg = msgget((key_t)(key + 2), IPC_CREAT | IPC_EXCL | 0600)) < 0)
		what = "msgget";
	if (what) {
		int e = errno;
		if (shm >= 0)
			shmctl(shm, IPC_RMID, NULL);
		if (shmpriv >= 0)
			shmctl(shmpriv, IPC_RMID, NULL);
		if (sem >= 0)
			semctl(sem, 0, IPC_RMID);
		errno = e;
		return fail_errno(what);
	}
	printf("shm=%d shmpriv=%d sem=%d msg=%d\n", shm, shmpriv, sem, msg);
	return 0;
}

/* ipc-host-cleanup shm=ID shmpriv=ID sem=ID msg=ID (the setup line, in any order). */
static int cmd_ipc_host_cleanup(int argc, char **argv)
{
	int failed = 0;
	for (int i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		long id;
		if (!eq || parse_long(eq + 1, &id) < 0)
			return usage("ipc-host-cleanup shm=ID shmpriv=ID sem=ID msg=ID");
		int r;
		if (strncmp(argv[i], "shm", 3) == 0)
			r = shmctl((int)id, IPC_RMID, NULL);
		else if (strncmp(argv[i], "sem=", 4) == 0)
			r = semctl((int)id, 0, IPC_RMID);
		else if (strncmp(argv[i], "msg=", 4) == 0)
			r = msgctl((int)id, IPC_RMID, NULL);
		else
			return usage("ipc-host-cleanup shm=ID shmpriv=ID sem=ID msg=ID");
		if (r < 0 && errno != EINVAL && errno != EIDRM)
			failed = 1;
	}
	printf(failed ? "some objects could not be removed\n" : "ok\n");
	return failed;
}

/* shm-attach ID: attach a segment by id (no key involved). */
static int cmd_shm_attach(int argc, char **argv)
{
	long id;
	if (argc != 1 || parse_long(argv[0], &id) < 0)
		return usage("shm-attach ID");
	void *p = shmat((int)id, NULL, SHM_RDONLY);
	if (p == (void *)-1)
		return fail_errno(NULL);
	shmdt(p);
	printf("ok\n");
	return 0;
}

/* shm-get/sem-get/msg-get KEY: look an existing object up by key, never create. */
static int cmd_ipc_get(const char *kind, int argc, char **argv)
{
	long key;
	if (argc != 1 || parse_long(argv[0], &key) < 0)
		return usage("shm-get|sem-get|msg-get KEY");
	int id;
	if (strcmp(kind, "shm") == 0)
		id = shmget((key_t)key, 0, 0);
	else if (strcmp(kind, "sem") == 0)
		id = semget((key_t)key, 0, 0);
	else
		id = msgget((key_t)key, 0);
	if (id < 0)
		return fail_errno(NULL);
	printf("found id=%d\n", id);
	return 0;
}

/* sem-stat/msg-stat ID: reach a semaphore set / message queue by id. */
static int cmd_ipc_stat(const char *kind, int argc, char **argv)
{
	long id;
	if (argc != 1 || parse_long(argv[0], &id) < 0)
		return usage("sem-stat|msg-stat ID");
	int r;
	if (strcmp(kind, "sem") == 0) {
		struct semid_ds ds;
		r = semctl((int)id, 0, IPC_STAT, &ds);
	} else {
		struct msqid_ds ds;
		r = msgctl((int)id, IPC_STAT, &ds);
	}
	if (r < 0)
		return fail_errno(NULL);
	printf("ok\n");
	return 0;
}

/* shm-open NAME: POSIX shm (a file in /dev/shm): create, write, read back. Leaves it in place. */
static int cmd_shm_open(int argc, char **argv)
{
	if (argc != 1)
		return usage("shm-open NAME");
	static const char data[] = "hullcheck-shm";
	char buf[sizeof(data)] = { 0 };
	int fd = shm_open(argv[0], O_CREAT | O_RDWR, 0600);
	if (fd < 0)
		return fail_errno("shm_open");
	if (write(fd, data, sizeof(data)) != (ssize_t)sizeof(data))
		return fail_errno("write");
	if (pread(fd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf))
		return fail_errno("read");
	close(fd);
	if (memcmp(buf, data, sizeof(data)) != 0) {
		printf("read back differs\n");
		return 1;
	}
	printf("ok\n");
	return 0;
}

/* ---- process attributes ------------------------------------------------- */

/* Copy the value of "Field:" from /proc/self/status into out; -1 if absent. */
static int status_field(const char *field, char *out, size_t outlen)
{
	FILE *f = fopen("/proc/self/status", "re");
	if (!f)
		return -1;
	char line[512];
	size_t flen = strlen(field);
	int found = -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, field, flen) == 0 && line[flen] == ':') {
			char *v = line + flen + 1;
			v += strspn(v, " \t");
			v[strcspn(v, "\n")] = '\0';
			snprintf(out, outlen, "%s", v);
			found = 0;
			break;
		}
	}
	fclose(f);
	return found;
}

/* caps: "CapInh=... CapPrm=... CapEff=... CapBnd=... CapAmb=..."; caps Bnd: just that mask. */
static int cmd_caps(int argc, char **argv)
{
	static const char *const sets[] = { "Inh", "Prm", "Eff", "Bnd", "Amb" };
	char field[16], value[64];
	if (argc == 1) {
		snprintf(field, sizeof(field), "Cap%s", argv[0]);
		if (status_field(field, value, sizeof(value)) < 0)
			return usage("caps [Inh|Prm|Eff|Bnd|Amb]");
		printf("%s\n", value);
		return 0;
	}
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		snprintf(field, sizeof(field), "Cap%s", sets[i]);
		if (status_field(field, value, sizeof(value)) < 0)
			return fail_errno(field);
		printf("%s%s=%s", i ? " " : "", field, value);
	}
	printf("\n");
	return 0;
}

/* fds: the open descriptors, without the one used to read /proc/self/fd. */
static int cmd_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return fail_errno("opendir");
	int self = dirfd(d);
	int first = 1;
	struct dirent *e;
	/* readdir order is numeric for /proc/self/fd. */
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || atoi(e->d_name) == self)
			continue;
		printf("%s%s", first ? "" : " ", e->d_name);
		first = 0;
	}
	printf("\n");
	closedir(d);
	return 0;
}

static const struct {
	const char *name;
	int resource;
} rlimits[] = {
	{ "AS", RLIMIT_AS }, { "CORE", RLIMIT_CORE }, { "CPU", RLIMIT_CPU },
	{ "DATA", RLIMIT_DATA }, { "FSIZE", RLIMIT_FSIZE }, { "LOCKS", RLIMIT_LOCKS },
	{ "MEMLOCK", RLIMIT_MEMLOCK }, { "MSGQUEUE", RLIMIT_MSGQUEUE }, { "NICE", RLIMIT_NICE },
	{ "NOFILE", RLIMIT_NOFILE }, { "NPROC", RLIMIT_NPROC }, { "RSS", RLIMIT_RSS },
	{ "RTPRIO", RLIMIT_RTPRIO }, { "RTTIME", RLIMIT_RTTIME }, { "SIGPENDING", RLIMIT_SIGPENDING },
	{ "STACK", RLIMIT_STACK },
};

static void print_rlim(rlim_t v, const char *sep)
{
	if (v == RLIM_INFINITY)
		printf("unlimited%s", sep);
	else
		printf("%llu%s", (unsigned long long)v, sep);
}

/* rlimit NOFILE (or RLIMIT_NOFILE): "soft hard". */
static int cmd_rlimit(int argc, char **argv)
{
	if (argc != 1)
		return usage("rlimit NAME");
	const char *name = argv[0];
	if (strncmp(name, "RLIMIT_", 7) == 0)
		name += 7;
	for (size_t i = 0; i < sizeof(rlimits) / sizeof(rlimits[0]); i++) {
		if (strcasecmp(rlimits[i].name, name) != 0)
			continue;
		struct rlimit rl;
		if (getrlimit(rlimits[i].resource, &rl) < 0)
			return fail_errno("getrlimit");
		print_rlim(rl.rlim_cur, " ");
		print_rlim(rl.rlim_max, "\n");
		return 0;
	}
	return usage("rlimit NAME (NOFILE, CORE, ...)");
}

/* ids: "uid=U gid=G groups=A,B" (real ids; groups sorted as the kernel returns them). */
static int cmd_ids(void)
{
	gid_t groups[256];
	int n = getgroups(256, groups);
	if (n < 0)
		return fail_errno("getgroups");
	printf("uid=%u gid=%u groups=", (unsigned)getuid(), (unsigned)getgid());
	for (int i = 0; i < n; i++)
		printf("%s%u", i ? "," : "", (unsigned)groups[i]);
	printf("\n");
	return 0;
}

static int cmd_umask(void)
{
	mode_t m = umask(0);
	umask(m);
	printf("%04o\n", (unsigned)m);
	return 0;
}

static int cmd_nnp(void)
{
	int v = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	if (v < 0)
		return fail_errno("prctl");
	printf("%d\n", v);
	return 0;
}

static int cmd_oom(void)
{
	FILE *f = fopen("/proc/self/oom_score_adj", "re");
	int v;
	if (!f)
		return fail_errno("open");
	if (fscanf(f, "%d", &v) != 1) {
		fclose(f);
		printf("unreadable\n");
		return 1;
	}
	fclose(f);
	printf("%d\n", v);
	return 0;
}

/* ---- files ---------------------------------------------------------------- */

/* dev PATH: "type=c major=1 minor=3 mode=0666 uid=0 gid=0" (lstat, so symlinks show as type=l). */
static int cmd_dev(int argc, char **argv)
{
	struct stat st;
	if (argc != 1)
		return usage("dev PATH");
	if (lstat(argv[0], &st) < 0)
		return fail_errno(NULL);
	char type = S_ISCHR(st.st_mode) ? 'c' : S_ISBLK(st.st_mode) ? 'b' :
		    S_ISFIFO(st.st_mode) ? 'p' : S_ISDIR(st.st_mode) ? 'd' :
		    S_ISLNK(st.st_mode) ? 'l' : S_ISREG(st.st_mode) ? 'f' : '?';
	printf("type=%c major=%u minor=%u mode=%04o uid=%u gid=%u\n", type,
	       major(st.st_rdev), minor(st.st_rdev), (unsigned)(st.st_mode & 07777),
	       (unsigned)st.st_uid, (unsigned)st.st_gid);
	return 0;
}

/* write PATH: create/truncate PATH and write a byte; "ok" or the errno name (EROFS, EACCES...). */
static int cmd_write(int argc, char **argv)
{
	if (argc != 1)
		return usage("write PATH");
	int fd = open(argv[0], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return fail_errno(NULL);
	if (write(fd, "x", 1) != 1) {
		int e = errno;
		close(fd);
		errno = e;
		return fail_errno(NULL);
	}
	close(fd);
	printf("ok\n");
	return 0;
}

/* mkdir PATH: "ok" or the errno name. */
static int cmd_mkdir(int argc, char **argv)
{
	if (argc != 1)
		return usage("mkdir PATH");
	if (mkdir(argv[0], 0755) < 0)
		return fail_errno(NULL);
	printf("ok\n");
	return 0;
}

static int cmd_help(void)
{
	printf("hullcheck ipc-host-setup KEY | ipc-host-cleanup shm=ID... | shm-attach ID | "
	       "shm-get KEY | sem-get KEY | msg-get KEY | sem-stat ID | msg-stat ID | "
	       "shm-open NAME | caps [SET] | fds | rlimit NAME | ids | umask | nnp | oom | "
	       "dev PATH | write PATH | mkdir PATH\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage("hullcheck COMMAND [ARGS] (hullcheck help)");
	const char *cmd = argv[1];
	int n = argc - 2;
	char **args = argv + 2;

	/* Line-buffer so output interleaves sanely when a test captures 2>&1. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (!strcmp(cmd, "ipc-host-setup"))   return cmd_ipc_host_setup(n, args);
	if (!strcmp(cmd, "ipc-host-cleanup")) return cmd_ipc_host_cleanup(n, args);
	if (!strcmp(cmd, "shm-attach"))       return cmd_shm_attach(n, args);
	if (!strcmp(cmd, "shm-get"))          return cmd_ipc_get("shm", n, args);
	if (!strcmp(cmd, "sem-get"))          return cmd_ipc_get("sem", n, args);
	if (!strcmp(cmd, "msg-get"))          return cmd_ipc_get("msg", n, args);
	if (!strcmp(cmd, "sem-stat"))         return cmd_ipc_stat("sem", n, args);
	if (!strcmp(cmd, "msg-stat"))         return cmd_ipc_stat("msg", n, args);
	if (!strcmp(cmd, "shm-open"))         return cmd_shm_open(n, args);
	if (!strcmp(cmd, "caps"))             return cmd_caps(n, args);
	if (!strcmp(cmd, "fds"))              return cmd_fds();
	if (!strcmp(cmd, "rlimit"))           return cmd_rlimit(n, args);
	if (!strcmp(cmd, "ids"))              return cmd_ids();
	if (!strcmp(cmd, "umask"))            return cmd_umask();
	if (!strcmp(cmd, "nnp"))              return cmd_nnp();
	if (!strcmp(cmd, "oom"))              return cmd_oom();
	if (!strcmp(cmd, "dev"))              return cmd_dev(n, args);
	if (!strcmp(cmd, "write"))            return cmd_write(n, args);
	if (!strcmp(cmd, "mkdir"))            return cmd_mkdir(n, args);
	if (!strcmp(cmd, "help"))             return cmd_help();
	return usage("unknown command (hullcheck help)");
}
