/* terminal.h - process.terminal: the container's pty, handing its master to a
 * --console-socket, and relaying it to hull's own terminal in the foreground.
 *
 * The pty comes from the container's own devpts instance: the container
 * process (or the process `exec` starts) opens /dev/ptmx after it entered the
 * container's root, so the slave is a /dev/pts/N the container can see.  The
 * master goes back to the runtime over the sync socket; the runtime either
 * sends it on to the console socket (conmon, containerd) or, for a foreground
 * `run` or `exec -t`, copies it to and from its own stdin and stdout.
 */
#ifndef HULL_TERMINAL_H
#define HULL_TERMINAL_H

#include <sys/types.h>

#include "error.h"
#include "spec.h"

/* A pty from the devpts that /dev/ptmx leads to (call it inside the
 * container, after pivot_root).  The slave is opened through the master
 * (TIOCGPTPEER), so it is that pty's slave whatever /dev/pts holds.  A
 * `size` (process.consoleSize) becomes the window size, `owner` (process.user.uid)
 * the slave's owner.  Both fds are
 * close-on-exec. */
herr terminal_open_pty(const struct oci_box *size, uid_t owner, int *master, int *slave);

/* The calling process starts a new session with the slave as its
 * controlling terminal and as fds 0, 1 and 2; `slave` is closed. */
herr terminal_become_stdio(int slave);

/* Bind the slave over /dev/console (config-linux.md "Devices"), inside the
 * container after pivot_root.  A /dev/console that is not a plain file or
 * character device (a symlink planted in the image) is replaced, never
 * followed. */
herr terminal_mount_console(int slave);

/* --console-socket: connect to the unix socket at `path` and send `master`
 * the way runc does, which conmon relies on: one message whose data is the
 * name "/dev/ptmx" and whose SCM_RIGHTS carries the fd. */
herr terminal_send_to_socket(const char *path, int master);

/* Give the pty our terminal's window size (when stdin is a terminal that
 * knows it), before the process runs and asks. */
void terminal_copy_window_size(int master);

/* A foreground process with a terminal and no console socket: copy our stdin
 * to `master` and `master` to our stdout until `pid` (our child) exits, then
 * what it left in the pty.  When stdin is a terminal it is set raw for the
 * time (and restored), and its window size is copied to the pty at the start
 * and on every SIGWINCH.  Other children that exit meanwhile are reaped (we
 * may be their subreaper).  `exit_status` is the process's status, 128+N when
 * signal N killed it. */
herr terminal_relay(int master, pid_t pid, int *exit_status);

#endif
