/*
 * wharf-task: the supervisor of one task of Wharf's process driver, where nothing before the command can fail that
 * the driver has not already checked (no mounts, no named network namespace, a command the driver has found). The
 * driver starts it as the leader of a session of its own, in the task's working folder, with standard input on
 * /dev/null, standard output and error on the task's log files, the task's environment and every signal at its
 * default; where the driver must hear "ready" first, it runs the supervisor shell in TaskLaunch.cs instead.
 *
 * usage: wharf-task EXIT-STATUS-FILE COMMAND [ARGUMENT...]
 *
 * It starts COMMAND (looked up on the PATH of the environment, as the shell does), waits for it, writes its exit
 * code to EXIT-STATUS-FILE (128 + the signal for one a signal ended, as the shell reports it) and exits with it. The
 * file is how an agent that restarted learns how a task ended while it was away: it reads it only once this process
 * is gone, so it is never read half-written.
 *
 * It is a child subreaper (PR_SET_CHILD_SUBREAPER): a process of the task whose parent ends is handed to it, not to
 * init, and it reaps it. So once the command has ended, having no child left means no process of the task is left,
 * and it then writes a second line, "tree-ended": the driver need not look through /proc for what is left of the
 * task's session and network namespace. Where a process is left, it writes nothing more and exits all the same (the
 * task is its command); the driver finds and ends what is left, as after the shell supervisor. SIGTERM, SIGINT and SIGHUP are caught and do nothing, so that the
 * supervisor outlives the polite signal a stop sends to the whole process group until the command has ended; caught
 * signals are reset to their defaults for the command at exec.
 *
 * It is the shell supervisor's fast path in a few system calls: one program start fewer per task (no shell, no
 * dynamic loader), which on a machine where starting a program costs milliseconds is most of what a trivial job costs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static void ignore(int signal_number) { (void)signal_number; }

static volatile int start_error;

/*
 * vfork and execvp rather than posix_spawnp: execvp runs a script without a #! line with /bin/sh, as the shell
 * supervisor would, and the child, sharing this memory until its exec, leaves the reason it failed in start_error.
 */
static pid_t __attribute__((noinline)) start(char **command)
{
    pid_t child = vfork();
    if (child == 0) {
        execvp(command[0], command);
        start_error = errno;
        _exit(127);
    }

    return child;
}

/* Whether a process of the task is still alive, once the command has ended; reaps those that have ended. */
static int descendants_remain(void)
{
    for (;;) {
        int ignored;
        pid_t reaped = waitpid(-1, &ignored, WNOHANG);
        if (reaped > 0) {
            continue;
        }

        if (reaped == 0) {
            return 1;
        }

        if (errno != EINTR) {
            return errno != ECHILD;
        }
    }
}

static int write_status(const char *path, int code, int tree_ended)
{
    char text[32];
    int length = snprintf(text, sizeof text, "%d\n%s", code, tree_ended ? "tree-ended\n" : "");
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        dprintf(2, "wharf-task: cannot write the exit status to %s: %s\n", path, strerror(errno));
        return -1;
    }
    ssize_t written = write(fd, text, (size_t)length);
    close(fd);
    return written == length ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        dprintf(2, "usage: wharf-task EXIT-STATUS-FILE COMMAND [ARGUMENT...]\n");
        return 125;
    }

    const char *status_path = argv[1];
    char **command = argv + 2;
    struct sigaction keep_running = {0};
    keep_running.sa_handler = ignore;
    sigemptyset(&keep_running.sa_mask);
    sigaction(SIGTERM, &keep_running, NULL);
    sigaction(SIGINT, &keep_running, NULL);
    sigaction(SIGHUP, &keep_running, NULL);
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

    pid_t child = start(command);
    if (child < 0) {
        dprintf(2, "wharf-task: cannot start %s: %s\n", command[0], strerror(errno));
        return 125;
    }

    int status = 0;
    for (;;) {
        pid_t ended = waitpid(-1, &status, 0);
        if (ended == child) {
            break;
        }

        /* Another process of the task, handed to this subreaper when its parent ended: reaped, nothing more. */
        if (ended < 0 && errno != EINTR) {
            dprintf(2, "wharf-task: cannot wait for %s: %s\n", command[0], strerror(errno));
            return 125;
        }
    }

    if (start_error != 0) {
        /* As the shell answers: 127 when the command is not found, 126 when it is found but cannot be run. */
        dprintf(2, "wharf-task: %s: %s\n", command[0], strerror(start_error));
        return start_error == ENOENT ? 127 : 126;
    }

    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    write_status(status_path, code, !descendants_remain());
    return code;
}
