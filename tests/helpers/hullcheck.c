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
#include <mqueue.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
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

/* ---- raw syscalls (seccomp) ---------------------------------------------- */

/* The syscalls the seccomp tests call by name (x86_64 numbers); any other by number. */
static const struct {
	const char *name;
	long nr;
} syscall_names[] = {
	{ "getcwd", SYS_getcwd },	{ "mkdir", SYS_mkdir },
	{ "mkdirat", SYS_mkdirat },	{ "chmod", SYS_chmod },
	{ "personality", SYS_personality }, { "getpid", SYS_getpid },
	{ "getppid", SYS_getppid },	{ "getpriority", SYS_getpriority },
	{ "lseek", SYS_lseek },		{ "uname", SYS_uname },
	{ "umask", SYS_umask },		{ "sync", SYS_sync },
	{ "kill", SYS_kill },		{ "socket", SYS_socket },
	{ "rmdir", SYS_rmdir },		{ "getuid", SYS_getuid },
	{ "chdir", SYS_chdir },		{ "keyctl", SYS_keyctl },
	{ "ptrace", SYS_ptrace },
};

/* Async-signal-safe: say that SIGSYS arrived (a seccomp TRAP) and for which syscall. */
static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	char buf[48] = "SIGSYS syscall=";
	char digits[16];
	int n = 0, len = (int)strlen(buf);
	unsigned v = (unsigned)si->si_syscall;
	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n < (int)sizeof(digits));
	while (n)
		buf[len++] = digits[--n];
	buf[len++] = '\n';
	if (write(1, buf, (size_t)len) < 0)
		_exit(3);
	_exit(1);
}

static int catch_sigsys(void)
{
	struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };
	return sigaction(SIGSYS, &sa, NULL);
}

/* A syscall argument: a number (decimal, 0x-hex, 0-octal, negative) or else a string. */
static long syscall_arg(const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = s[0] == '-' ? (unsigned long long)strtoll(s, &end, 0) : strtoull(s, &end, 0);
	if (*s && !*end && !errno)
		return (long)v;
	return (long)s;
}

static int print_syscall_result(long ret)
{
	if (ret < 0)
		return fail_errno(NULL);
	printf("ok %ld\n", ret);
	return 0;
}

/* syscall NAME|NR [ARG...]: call it raw; "ok RET", the errno name, or "SIGSYS syscall=NR"
 * (a seccomp TRAP; a seccomp KILL leaves no line at all). */
static int cmd_syscall(int argc, char **argv)
{
	if (argc < 1 || argc > 7)
		return usage("syscall NAME|NR [ARG...] (up to 6 arguments)");
	long nr = -1, a[6] = { 0 };
	for (size_t i = 0; i < sizeof(syscall_names) / sizeof(syscall_names[0]); i++)
		if (!strcmp(argv[0], syscall_names[i].name))
			nr = syscall_names[i].nr;
	if (nr < 0 && parse_long(argv[0], &nr) < 0)
		return usage("syscall: unknown syscall name (give its number)");
	for (int i = 1; i < argc; i++)
		a[i - 1] = syscall_arg(argv[i]);
	if (catch_sigsys() < 0)
		return fail_errno("sigaction");
	errno = 0;
	return print_syscall_result(syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]));
}

/* syscall-i386 NR [ARG...]: the same through the i386 ABI (int 0x80), numbers only
 * (at most 3 arguments): shows what a filter does to the 32-bit entry point. */
static int cmd_syscall_i386(int argc, char **argv)
{
#if defined(__x86_64__)
	long nr, a[3] = { 0 };
	if (argc < 1 || argc > 4 || parse_long(argv[0], &nr) < 0)
		return usage("syscall-i386 NR [ARG...] (up to 3 numeric arguments)");
	for (int i = 1; i < argc; i++)
		if (parse_long(argv[i], &a[i - 1]) < 0)
			return 2;
	if (catch_sigsys() < 0)
		return fail_errno("sigaction");
	long ret;
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a[0]), "c"(a[1]), "d"(a[2]) : "memory");
	if (ret < 0 && ret > -4096) {
		errno = (int)-ret;
		ret = -1;
	}
	return print_syscall_result(ret);
#else
	(void)argc;
	(void)argv;
	printf("unsupported\n");
	return 2;
#endif
}

/* ---- escapes (tests/security.bats) ----------------------------------------- */

static const char *errno_name(int e)
{
	const char *name = strerrorname_np(e);
	return name ? name : "EUNKNOWN";
}

/* proc-access PID: what a process may reach of another one through /proc, as an
 * attacker sharing its pid namespace would try: "exe=R exe-write=R root=R cwd=R
 * fd0=R environ=R mem=R", each R "ok" or the errno name. Exit 0 when all failed. */
static int cmd_proc_access(int argc, char **argv)
{
	static const struct {
		const char *name, *file;
		int flags;
	} tries[] = {
		{ "exe", "exe", O_PATH },	 { "exe-write", "exe", O_WRONLY },
		{ "root", "root/", O_PATH | O_DIRECTORY }, { "cwd", "cwd/", O_PATH | O_DIRECTORY },
		{ "fd0", "fd/0", O_PATH },	 { "environ", "environ", O_RDONLY },
		{ "mem", "mem", O_RDONLY },
	};
	if (argc != 1)
		return usage("proc-access PID");
	int reached = 0;
	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%s/%s", argv[0], tries[i].file);
		int fd = open(path, tries[i].flags | O_CLOEXEC);
		printf("%s%s=%s", i ? " " : "", tries[i].name, fd >= 0 ? "ok" : errno_name(errno));
		if (fd >= 0) {
			reached = 1;
			close(fd);
		}
	}
	printf("\n");
	return reached;
}

/* An O_PATH fd of the /proc/N/exe that is the file DEV:INO, scanning every process. */
static int find_exe(dev_t dev, ino_t ino)
{
	DIR *d = opendir("/proc");
	if (!d)
		return -1;
	int found = -1;
	struct dirent *e;
	while (found < 0 && (e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		char path[300];
		snprintf(path, sizeof(path), "/proc/%s/exe", e->d_name);
		int fd = open(path, O_PATH | O_CLOEXEC);
		struct stat st;
		if (fd >= 0 && fstat(fd, &st) == 0 && st.st_dev == dev && st.st_ino == ino)
			found = fd;
		else if (fd >= 0)
			close(fd);
	}
	closedir(d);
	return found;
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* exe-overwrite MAJOR:MINOR:INO SECONDS DIR: the CVE-2019-5736 attack. Watch /proc for a
 * process whose exe is that file (the runtime's binary on the host), hold it with O_PATH,
 * and as soon as no process runs it any more (no ETXTBSY), reopen it for writing through
 * /proc/self/fd and write. DIR/ready is written after the first scan; the watch ends early
 * when DIR/stop appears. Prints "overwritten" (exit 0), or why not: "not found", "found:
 * ETXTBSY" (still busy at the deadline), "found: EACCES"... */
static int cmd_exe_overwrite(int argc, char **argv)
{
	unsigned maj, min;
	unsigned long long ino;
	long seconds;
	if (argc != 3 || sscanf(argv[0], "%u:%u:%llu", &maj, &min, &ino) != 3 ||
	    parse_long(argv[1], &seconds) < 0)
		return usage("exe-overwrite MAJOR:MINOR:INO SECONDS DIR");
	char ready[512], stop[512];
	snprintf(ready, sizeof(ready), "%s/ready", argv[2]);
	snprintf(stop, sizeof(stop), "%s/stop", argv[2]);
	double deadline = now_seconds() + (double)seconds;
	int exe = -1;
	for (int scans = 0; exe < 0 && now_seconds() < deadline; scans++) {
		exe = find_exe(makedev(maj, min), (ino_t)ino);
		if (scans == 0) {
			int fd = open(ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
			if (fd >= 0) {
				ssize_t n = write(fd, "ready\n", 6);
				(void)n;
				close(fd);
			}
		}
		if (exe < 0 && access(stop, F_OK) == 0)
			break;
		if (exe < 0)
			usleep(1000);
	}
	if (exe < 0) {
		printf("not found\n");
		return 1;
	}
	char self[64];
	snprintf(self, sizeof(self), "/proc/self/fd/%d", exe);
	int err = 0;
	while (now_seconds() < deadline) {
		int w = open(self, O_WRONLY | O_CLOEXEC);
		if (w >= 0) {
			ssize_t n = pwrite(w, "#!PWNED\n", 8, 0);
			err = n == 8 ? 0 : errno;
			close(w);
			break;
		}
		err = errno;
		if (err != ETXTBSY)
			break;
		usleep(10000);
	}
	if (!err) {
		printf("overwritten\n");
		return 0;
	}
	printf("found: %s\n", errno_name(err));
	return 1;
}

/* cwd: the kernel's getcwd(), which says "(unreachable)/..." for a directory outside our root. */
static int cmd_cwd(void)
{
	char buf[4096];
	if (syscall(SYS_getcwd, buf, sizeof(buf)) < 0)
		return fail_errno(NULL);
	printf("%s\n", buf);
	return 0;
}

/* ---- cgroups ---------------------------------------------------------------- */

/* alloc MB: allocate and touch MB mebibytes; "ok" if we are still alive (the
 * OOM killer of a memory-limited cgroup ends us with SIGKILL instead). */
static int cmd_alloc(int argc, char **argv)
{
	long mb;
	if (argc != 1 || parse_long(argv[0], &mb) < 0 || mb <= 0)
		return usage("alloc MB");
	for (long i = 0; i < mb; i++) {
		char *p = malloc(1 << 20);
		if (!p)
			return fail_errno("malloc");
		memset(p, 1, 1 << 20);
	}
	printf("ok\n");
	return 0;
}

static void on_sigbus(int sig)
{
	(void)sig;
	static const char msg[] = "SIGBUS\n";
	(void)!write(1, msg, sizeof(msg) - 1);
	_exit(1);
}

/* hugetlb N: map and touch N 2 MiB huge pages; "ok", the errno of mmap (a
 * reservation limit), or SIGBUS (a fault past the hugetlb limit). */
static int cmd_hugetlb(int argc, char **argv)
{
	long n;
	if (argc != 1 || parse_long(argv[0], &n) < 0 || n <= 0)
		return usage("hugetlb N");
	signal(SIGBUS, on_sigbus);
	size_t len = (size_t)n << 21;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (p == MAP_FAILED)
		return fail_errno("mmap");
	for (long i = 0; i < n; i++)
		p[(size_t)i << 21] = 1;
	printf("ok\n");
	return 0;
}

/* sched-fifo: become SCHED_FIFO priority 1; "ok" or the errno (EPERM without
 * a real-time budget in the cpu cgroup). */
static int cmd_sched_fifo(void)
{
	struct sched_param sp = { .sched_priority = 1 };
	if (sched_setscheduler(0, SCHED_FIFO, &sp) < 0)
		return fail_errno(NULL);
	printf("ok\n");
	return 0;
}

/* open PATH r|w|rw: open an existing file (a device node) without creating
 * or truncating it; "ok" or the errno (EPERM from the device cgroup). */
static int cmd_open(int argc, char **argv)
{
	if (argc != 2)
		return usage("open PATH r|w|rw");
	int flags = !strcmp(argv[1], "r") ? O_RDONLY : !strcmp(argv[1], "w") ? O_WRONLY : O_RDWR;
	int fd = open(argv[0], flags | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return fail_errno(NULL);
	close(fd);
	printf("ok\n");
	return 0;
}

/* unix-socket PATH: bind, listen, connect and pass a message through a UNIX
 * socket at PATH; "ok" or the errno of the step that failed. */
static int cmd_unix_socket(int argc, char **argv)
{
	if (argc != 1)
		return usage("unix-socket PATH");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", argv[0]);
	int srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (srv < 0 || bind(srv, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(srv, 1) < 0)
		return fail_errno(NULL);
	int cli = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (cli < 0 || connect(cli, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return fail_errno(NULL);
	int conn = accept(srv, NULL, NULL);
	char buf[8] = "";
	if (conn < 0 || write(cli, "ping", 4) != 4 || read(conn, buf, sizeof(buf)) != 4)
		return fail_errno(NULL);
	unlink(argv[0]);
	printf(strcmp(buf, "ping") ? "garbled\n" : "ok\n");
	return 0;
}

/* ---- channels to the host (tests/sandbox_channels.bats) ------------------ */

/* A unix socket address: "@NAME" is abstract, anything else a path. */
static socklen_t unix_address(const char *addr, struct sockaddr_un *sa)
{
	*sa = (struct sockaddr_un){ .sun_family = AF_UNIX };
	size_t len = strlen(addr);
	if (len >= sizeof(sa->sun_path))
		len = sizeof(sa->sun_path) - 1;
	memcpy(sa->sun_path, addr, len);
	if (addr[0] == '@')
		sa->sun_path[0] = '\0';
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (addr[0] != '@'));
}

/* unix-listen ADDR: listen at ADDR, print "listening", then greet every
 * client with "hello" until killed. */
static int cmd_unix_listen(int argc, char **argv)
{
	if (argc != 1)
		return usage("unix-listen ADDR");
	struct sockaddr_un sa;
	socklen_t len = unix_address(argv[0], &sa);
	int srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (srv < 0 || bind(srv, (struct sockaddr *)&sa, len) < 0 || listen(srv, 8) < 0)
		return fail_errno(NULL);
	printf("listening\n");
	fflush(stdout);
	for (;;) {
		int c = accept(srv, NULL, NULL);
		if (c < 0)
			continue;
		if (write(c, "hello", 5) != 5)
			perror("hullcheck: unix-listen: write");
		close(c);
	}
}

/* unix-connect ADDR: connect to the listener at ADDR and read its greeting;
 * "ok" or the errno name. */
static int cmd_unix_connect(int argc, char **argv)
{
	if (argc != 1)
		return usage("unix-connect ADDR");
	struct sockaddr_un sa;
	socklen_t len = unix_address(argv[0], &sa);
	int c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&sa, len) < 0)
		return fail_errno(NULL);
	char buf[8] = "";
	if (read(c, buf, sizeof(buf) - 1) < 0)
		return fail_errno(NULL);
	printf(strcmp(buf, "hello") ? "garbled\n" : "ok\n");
	return 0;
}

/* tty-ioctl FD TIOCSTI TEXT | tty-ioctl FD TIOCLINUX: push TEXT and a newline
 * into the terminal at FD as if typed, or ask a virtual console for its shift state;
 * "ok" or the errno name. */
static int cmd_tty_ioctl(int argc, char **argv)
{
	long fd;
	if (argc < 2 || parse_long(argv[0], &fd) < 0)
		return usage("tty-ioctl FD TIOCSTI TEXT | tty-ioctl FD TIOCLINUX");
	if (!strcmp(argv[1], "TIOCSTI") && argc == 3) {
		for (const char *p = argv[2]; *p; p++)
			if (ioctl((int)fd, TIOCSTI, p) < 0)
				return fail_errno(NULL);
		if (ioctl((int)fd, TIOCSTI, "\n") < 0)
			return fail_errno(NULL);
	} else if (!strcmp(argv[1], "TIOCLINUX") && argc == 2) {
		char subcode = 6; /* TIOCL_GETSHIFTSTATE */
		if (ioctl((int)fd, TIOCLINUX, &subcode) < 0)
			return fail_errno(NULL);
	} else {
		return usage("tty-ioctl FD TIOCSTI TEXT | tty-ioctl FD TIOCLINUX");
	}
	printf("ok\n");
	return 0;
}

/* own-pty-tiocsti: make a pty this process's controlling terminal (a new
 * session first) and push a character into it: only a seccomp filter stops
 * that. "ok" or the errno name of the failed step. */
static int cmd_own_pty_tiocsti(void)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0)
		return fail_errno("open a pty");
	setsid(); /* fails when we lead a session already: fine */
	int s = open(ptsname(m), O_RDWR);
	if (s < 0 || ioctl(s, TIOCSCTTY, 0) < 0)
		return fail_errno("make it the controlling terminal");
	if (ioctl(s, TIOCSTI, "x") < 0)
		return fail_errno(NULL);
	printf("ok\n");
	return 0;
}

/* mq-create NAME | mq-open NAME | mq-unlink NAME: a POSIX message queue;
 * "ok" or the errno name. */
static int cmd_mq(const char *op, int argc, char **argv)
{
	if (argc != 1)
		return usage("mq-create NAME | mq-open NAME | mq-unlink NAME");
	if (!strcmp(op, "unlink")) {
		if (mq_unlink(argv[0]) < 0)
			return fail_errno(NULL);
	} else {
		int flags = !strcmp(op, "create") ? O_RDWR | O_CREAT : O_RDWR;
		mqd_t q = mq_open(argv[0], flags, 0666, NULL);
		if (q == (mqd_t)-1)
			return fail_errno(NULL);
		mq_close(q);
	}
	printf("ok\n");
	return 0;
}

static int cmd_help(void)
{
	printf("hullcheck ipc-host-setup KEY | ipc-host-cleanup shm=ID... | shm-attach ID | "
	       "shm-get KEY | sem-get KEY | msg-get KEY | sem-stat ID | msg-stat ID | "
	       "shm-open NAME | caps [SET] | fds | rlimit NAME | ids | umask | nnp | oom | "
	       "dev PATH | write PATH | mkdir PATH | syscall NAME|NR [ARG...] | "
	       "syscall-i386 NR [ARG...]\n");
	printf("hullcheck proc-access PID | exe-overwrite MAJOR:MINOR:INO SECONDS DIR | cwd\n");
	printf("hullcheck alloc MB | hugetlb N | sched-fifo | open PATH r|w|rw | unix-socket PATH\n");
	printf("hullcheck unix-listen ADDR | unix-connect ADDR | tty-ioctl FD TIOCSTI TEXT|TIOCLINUX | "
	       "own-pty-tiocsti | mq-create NAME | mq-open NAME | mq-unlink NAME\n");
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
	if (!strcmp(cmd, "syscall"))          return cmd_syscall(n, args);
	if (!strcmp(cmd, "syscall-i386"))     return cmd_syscall_i386(n, args);
	if (!strcmp(cmd, "proc-access"))      return cmd_proc_access(n, args);
	if (!strcmp(cmd, "exe-overwrite"))    return cmd_exe_overwrite(n, args);
	if (!strcmp(cmd, "cwd"))              return cmd_cwd();
	if (!strcmp(cmd, "alloc"))            return cmd_alloc(n, args);
	if (!strcmp(cmd, "hugetlb"))          return cmd_hugetlb(n, args);
	if (!strcmp(cmd, "sched-fifo"))       return cmd_sched_fifo();
	if (!strcmp(cmd, "open"))             return cmd_open(n, args);
	if (!strcmp(cmd, "unix-socket"))      return cmd_unix_socket(n, args);
	if (!strcmp(cmd, "unix-listen"))      return cmd_unix_listen(n, args);
	if (!strcmp(cmd, "unix-connect"))     return cmd_unix_connect(n, args);
	if (!strcmp(cmd, "tty-ioctl"))        return cmd_tty_ioctl(n, args);
	if (!strcmp(cmd, "own-pty-tiocsti"))  return cmd_own_pty_tiocsti();
	if (!strcmp(cmd, "mq-create"))        return cmd_mq("create", n, args);
	if (!strcmp(cmd, "mq-open"))          return cmd_mq("open", n, args);
	if (!strcmp(cmd, "mq-unlink"))        return cmd_mq("unlink", n, args);
	if (!strcmp(cmd, "help"))             return cmd_help();
	return usage("unknown command (hullcheck help)");
}
