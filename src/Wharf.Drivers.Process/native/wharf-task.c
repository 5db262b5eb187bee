/*
 * wharf-task: the supervisor of one task of Wharf's process driver, where nothing before the command can fail that
 * the driver has not already checked (no mounts, no named network namespace, a command the driver has found). The
 * driver starts it as the leader of a session of its own, in the task's working folder, with standard input on
 * /dev/null, standard output and error on the task's log files, the task's environment and every signal at its
 * default; where the driver must hear "ready" first, it runs the supervisor shell in TaskLaunch.cs instead.
 *
 * usage: wharf-task EXIT-STATUS-FILE COMMAND [ARGUMENT...]
 *        wharf-task --serve       (the launcher: requests on standard input, see serve() below)
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
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
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

/* Supervises COMMAND in this process, as described at the top; returns the code to exit with. */
static int supervise(const char *status_path, char **command)
{
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

/*
 * The launcher (wharf-task --serve). Starting a program costs milliseconds on some machines (a paravirtualized guest
 * pays for every exec's and every fork's page tables), and a task started as above costs two programs and a fork of
 * its own: this supervisor, then the command. The driver therefore keeps one launcher running per agent and asks it
 * for tasks; it starts each command itself with vfork and exec (no copy of its memory, one program start), and is
 * the supervisor of all of them: it waits for them and writes each one's exit-status file, as above.
 *
 * Its standard input is a SOCK_SEQPACKET socket (inetd style), one message per request:
 *   uint64 request id, then NUL-terminated strings: working folder, standard output file, standard error file,
 *   exit-status file, the number of arguments (decimal), the arguments (the command first), then the environment
 *   (NAME=value) to the end of the message; at most one descriptor (SCM_RIGHTS): a network namespace to enter.
 * The child enters the namespace, leads a session of its own, enters the folder, opens the files (appending), sets
 * every signal to its default, none blocked, and execs the command (looked up on the task's PATH). What failed, if
 * anything did, is known when vfork returns, so a start that fails is reported as such.
 * Answers, on the same socket, are struct reply: STARTED (pid, or errno and the step that failed, and the process's
 * start time in clock ticks, field 22 of /proc/PID/stat), and ENDED once a command has ended (pid, exit code as the
 * shell reports it: 128 + the signal for one a signal ended), after its exit-status file is written. Once the
 * socket is closed (the agent is gone) it goes on waiting for the commands it started, writing their files, which
 * is how the next agent learns how they ended, and exits when none is left.
 *
 * A command's end is written before the process is reaped (waitid with WNOWAIT), so that whoever sees its /proc
 * entry gone finds the file.
 *
 * The launcher is a child subreaper too, so a process of any task whose parent ends becomes its child. When a
 * command ends and the launcher's only children are the commands it started (the ended one not yet reaped), no
 * process of that task is left anywhere, and it says so: "tree-ended" in the file, and `detail` 1 in the ENDED
 * answer. A process left by any task makes it say nothing for the commands that end while it lives (the driver then
 * looks for what is left of the task in /proc, as it must for the shell supervisor).
 */
enum { STARTED = 1, ENDED = 2 };
enum { STEP_FORK = 1, STEP_NAMESPACE, STEP_SESSION, STEP_FOLDER, STEP_FILES, STEP_REQUEST, STEP_COMMAND };

struct reply {
    int32_t kind;
    int32_t pid;
    int32_t value;
    /* STARTED: the step that failed, if one did; ENDED: 1 when no process of the task is left (see above). */
    int32_t detail;
    uint64_t id;
    uint64_t start_time;
};

struct task {
    pid_t pid;
    char *status_path;
};

#define REQUEST_SIZE (1 << 20)
static char request[REQUEST_SIZE];
static struct task *tasks;
static size_t task_count;
static size_t task_room;

/* What the vfork child leaves in this (shared) memory when it cannot exec the command. */
static volatile int child_error;
static volatile int child_step;

static void answer(int socket_fd, struct reply reply)
{
    while (send(socket_fd, &reply, sizeof reply, MSG_NOSIGNAL) < 0 && errno == EINTR) {
    }
}

/* Field 22 of /proc/PID/stat: when the process started, in clock ticks since boot. */
static uint64_t start_time_of(pid_t pid)
{
    char path[32];
    char text[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return 0;
    }
    ssize_t length = read(fd, text, sizeof text - 1);
    close(fd);
    if (length <= 0) {
        return 0;
    }
    text[length] = 0;
    char *field = strrchr(text, ')');
    /* After the name (field 2): the state is field 3; 19 more separators lead to field 22. */
    for (int number = 2; field != NULL && number < 22; number++) {
        field = strchr(field + 1, ' ');
    }
    return field == NULL ? 0 : strtoull(field + 1, NULL, 10);
}

/* Splits a request into its strings; returns 0 when it is well formed. */
static int parse(char *text, size_t length, char **fields, char ***command, char ***environment)
{
    char *end = text + length;
    char *at = text;
    for (int i = 0; i < 5; i++) {
        char *nul = memchr(at, 0, (size_t)(end - at));
        if (nul == NULL) {
            return -1;
        }
        fields[i] = at;
        at = nul + 1;
    }

    long arguments = strtol(fields[4], NULL, 10);
    size_t strings = 0;
    for (char *p = at; p < end; p += strlen(p) + 1) {
        if (memchr(p, 0, (size_t)(end - p)) == NULL) {
            return -1;
        }
        strings++;
    }
    if (arguments < 1 || (size_t)arguments > strings) {
        return -1;
    }

    /* The arguments, NULL, the environment, NULL. */
    char **list = calloc(strings + 2, sizeof *list);
    if (list == NULL) {
        return -1;
    }
    size_t i = 0;
    for (char *p = at; p < end; p += strlen(p) + 1) {
        list[i + (i >= (size_t)arguments ? 1 : 0)] = p;
        i++;
    }
    *command = list;
    *environment = list + arguments + 1;
    return 0;
}

/*
 * The vfork child: shares the launcher's memory until it execs, so it only makes system calls and leaves why it
 * failed in child_error and child_step. Its descriptors, folder, namespaces and signal mask are its own.
 */
static void __attribute__((noinline)) become_command(int namespace_fd, char **fields, char **command, char **environment)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    int in = open("/dev/null", O_RDONLY);
    int out = open(fields[1], O_WRONLY | O_APPEND | O_CREAT, 0644);
    int err = open(fields[2], O_WRONLY | O_APPEND | O_CREAT, 0644);
    int step = 0;
    if (namespace_fd >= 0 && setns(namespace_fd, CLONE_NEWNET) != 0) {
        step = STEP_NAMESPACE;
    } else if (setsid() < 0) {
        step = STEP_SESSION;
    } else if (chdir(fields[0]) != 0) {
        step = STEP_FOLDER;
    } else if (in < 0 || out < 0 || err < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) {
        step = STEP_FILES;
    } else {
        /* The descriptors above are not closed on exec: they are 0, 1, 2 now, and their first numbers go. */
        if (in > 2) close(in);
        if (out > 2) close(out);
        if (err > 2) close(err);
        environ = environment;
        execvp(command[0], command);
        step = STEP_COMMAND;
    }

    child_error = errno;
    child_step = step;
    _exit(127);
}

/* vfork in a frame of its own, so that nothing of the caller's lives across it (the child runs on this stack). */
static pid_t __attribute__((noinline)) start_command(int namespace_fd, char **fields, char **command, char **environment)
{
    char **volatile own_environment = environ;
    child_error = 0;
    child_step = 0;
    pid_t child = vfork();
    if (child == 0) {
        become_command(namespace_fd, fields, command, environment);
    }
    environ = own_environment;
    return child;
}

static void launch(int socket_fd, ssize_t length, int namespace_fd)
{
    struct reply reply = {.kind = STARTED};
    memcpy(&reply.id, request, sizeof reply.id);
    char *fields[5];
    char **command = NULL;
    char **environment = NULL;
    if (task_count == task_room) {
        size_t room = task_room == 0 ? 64 : task_room * 2;
        struct task *grown = realloc(tasks, room * sizeof *grown);
        if (grown == NULL) {
            reply.detail = STEP_FORK;
            reply.value = ENOMEM;
            goto done;
        }
        tasks = grown;
        task_room = room;
    }

    if (parse(request + sizeof reply.id, (size_t)length - sizeof reply.id, fields, &command, &environment) != 0) {
        reply.detail = STEP_REQUEST;
        reply.value = EINVAL;
        goto done;
    }

    char *status_path = strdup(fields[3]);
    pid_t child = start_command(namespace_fd, fields, command, environment);
    if (child < 0) {
        reply.detail = STEP_FORK;
        reply.value = errno;
        free(status_path);
    } else if (child_step != 0) {
        /* It never ran the command; it is reaped with the others and, being no task, answered for no more. */
        reply.detail = child_step;
        reply.value = child_error;
        free(status_path);
    } else {
        tasks[task_count++] = (struct task){.pid = child, .status_path = status_path};
        reply.pid = child;
        reply.start_time = start_time_of(child);
    }

done:
    free(command);
    if (namespace_fd >= 0) {
        close(namespace_fd);
    }
    answer(socket_fd, reply);
}

/*
 * Whether this process's only children are the commands in tasks[], ended ones not yet reaped included: then every
 * process a task left has ended. Zombies are listed among the children until they are reaped; every command in
 * tasks[] is such a child, so equal counts mean no other child. Where the list cannot be read, it answers no.
 */
static int only_commands_remain(void)
{
    char path[48];
    char text[4096];
    snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return 0;
    }

    size_t children = 0;
    int in_number = 0;
    ssize_t length;
    while ((length = read(fd, text, sizeof text)) > 0) {
        for (ssize_t i = 0; i < length; i++) {
            int digit = text[i] >= '0' && text[i] <= '9';
            children += digit && !in_number;
            in_number = digit;
        }
    }
    close(fd);
    return length == 0 && children == task_count;
}

/* Writes the ends of the commands that have ended, then reaps every child that has. */
static void reap(int socket_fd, int listening)
{
    for (;;) {
        siginfo_t info = {0};
        if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0) {
            return;
        }

        pid_t ended = info.si_pid;
        int code = info.si_code == CLD_EXITED ? info.si_status : 128 + info.si_status;
        for (size_t i = 0; i < task_count; i++) {
            if (tasks[i].pid == ended) {
                int tree_ended = only_commands_remain();
                write_status(tasks[i].status_path, code, tree_ended);
                free(tasks[i].status_path);
                tasks[i] = tasks[--task_count];
                if (listening) {
                    answer(socket_fd, (struct reply){.kind = ENDED, .pid = ended, .value = code, .detail = tree_ended});
                }
                break;
            }
        }

        int ignored;
        while (waitpid(ended, &ignored, 0) < 0 && errno == EINTR) {
        }
    }
}

static int serve(void)
{
    int socket_fd = 0;
    sigset_t child_ended;
    sigemptyset(&child_ended);
    sigaddset(&child_ended, SIGCHLD);
    sigprocmask(SIG_BLOCK, &child_ended, NULL);
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    int signal_fd = signalfd(-1, &child_ended, SFD_CLOEXEC | SFD_NONBLOCK);
    if (signal_fd < 0 || fcntl(socket_fd, F_SETFD, FD_CLOEXEC) != 0) {
        dprintf(2, "wharf-task: cannot serve: %s\n", strerror(errno));
        return 125;
    }

    int listening = 1;
    while (listening || task_count > 0) {
        struct pollfd watched[2] = {{.fd = signal_fd, .events = POLLIN}, {.fd = socket_fd, .events = POLLIN}};
        if (poll(watched, listening ? 2 : 1, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            return 125;
        }

        if (watched[0].revents != 0) {
            struct signalfd_siginfo info;
            while (read(signal_fd, &info, sizeof info) > 0) {
            }
            reap(socket_fd, listening);
        }

        if (listening && watched[1].revents != 0) {
            char control[CMSG_SPACE(sizeof(int))];
            struct iovec part = {.iov_base = request, .iov_len = sizeof request};
            struct msghdr message = {.msg_iov = &part, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
            ssize_t length = recvmsg(socket_fd, &message, MSG_CMSG_CLOEXEC);
            if (length < 0 && (errno == EINTR || errno == EAGAIN)) {
                continue;
            }

            int namespace_fd = -1;
            for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header != NULL; header = CMSG_NXTHDR(&message, header)) {
                if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_RIGHTS) {
                    memcpy(&namespace_fd, CMSG_DATA(header), sizeof namespace_fd);
                }
            }

            if (length <= 0) {
                /* The agent is gone: no one to answer; the exit-status files tell the next agent how tasks ended. */
                listening = 0;
                close(socket_fd);
                if (namespace_fd >= 0) {
                    close(namespace_fd);
                }
            } else if ((size_t)length <= sizeof(uint64_t) || (message.msg_flags & MSG_TRUNC) != 0) {
                uint64_t id = 0;
                memcpy(&id, request, length >= (ssize_t)sizeof id ? sizeof id : 0);
                answer(socket_fd, (struct reply){.kind = STARTED, .id = id, .value = EMSGSIZE, .detail = STEP_REQUEST});
                if (namespace_fd >= 0) {
                    close(namespace_fd);
                }
            } else {
                launch(socket_fd, length, namespace_fd);
            }
        }
    }

    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--serve") == 0) {
        return serve();
    }

    if (argc < 3) {
        dprintf(2, "usage: wharf-task EXIT-STATUS-FILE COMMAND [ARGUMENT...]\n       wharf-task --serve\n");
        return 125;
    }

    return supervise(argv[1], argv + 2);
}
