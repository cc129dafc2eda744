// run_program (ae/process.hpp): posix_spawnp with an argument vector, never /bin/sh.
#include "ae/process.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>

#include "ae/error.hpp"

extern char** environ;

namespace ae {

namespace {

// posix_spawn_file_actions_t owned for the length of one call.
struct FileActions {
    posix_spawn_file_actions_t actions;
    FileActions() { posix_spawn_file_actions_init(&actions); }
    ~FileActions() { posix_spawn_file_actions_destroy(&actions); }
    FileActions(const FileActions&) = delete;
    FileActions& operator=(const FileActions&) = delete;
};

}  // namespace

int run_program(const std::vector<std::string>& argv, const RunOptions& options) {
    if (argv.empty()) throw Error("run_program: no program given");
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);

    FileActions fa;
    // The redirections are opened before the chdir, so their paths are relative to our folder.
    const auto redirect = [&](int fd, const std::string& file) {
        posix_spawn_file_actions_addopen(&fa.actions, fd, file.empty() ? "/dev/null" : file.c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0600);
    };
    posix_spawn_file_actions_addopen(&fa.actions, 0, "/dev/null", O_RDONLY, 0);
    redirect(1, options.stdout_file);
    redirect(2, options.stderr_file);
    if (!options.cwd.empty())
        posix_spawn_file_actions_addchdir_np(&fa.actions, options.cwd.c_str());

    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, args[0], &fa.actions, nullptr, args.data(), environ);
    if (rc == ENOENT) return 127;
    if (rc != 0) throw Error("cannot start " + argv[0] + ": " + std::strerror(rc));
    int status = 0;
    while (waitpid(pid, &status, 0) == -1) {
        if (errno != EINTR) throw Error("run_program: lost track of " + argv[0]);
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 127;
}

}  // namespace ae
