// Tests of what a killed or failed run leaves behind (ae/cleanup.hpp): a SIGTERM or SIGINT
// removes the registered temporaries with their .gp/.err companions and the empty folders the
// run made, and the process still dies of that signal; files that are not registered stay.
// Run: build/bin/test_common -tc="common cleanup*"
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "ae/cleanup.hpp"
#include "test_util.hpp"

namespace fs = std::filesystem;

namespace {

// Forks a child that makes `out` (two new folders deep), writes a registered temporary with its
// companions and an unregistered file when keep_file, then waits for sig; returns how it ended.
int killed_child(const fs::path& out, bool keep_file, int sig) {
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ae::install_cleanup_on_signals();
        fs::create_directories(out);
        ae::note_created_dirs(out.string(), 2);
        const std::string tmp = (out / ".grid.png.tmp-1-0").string();
        for (const char* end : {"", ".gp", ".err"}) std::ofstream(tmp + end) << "x";
        ae::register_temporary(tmp);
        if (keep_file) std::ofstream((out / "model.ckpt").string()) << "done";
        const char byte = 1;
        if (::write(ready[1], &byte, 1) != 1) ::_exit(3);
        for (;;) ::pause();
    }
    char byte = 0;
    ::close(ready[1]);
    REQUIRE(::read(ready[0], &byte, 1) == 1);
    ::close(ready[0]);
    ::kill(pid, sig);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return status;
}

}  // namespace

TEST_CASE("common cleanup: SIGTERM removes the temporaries, their .gp/.err, the empty folders") {
    const test::TempDir dir("cleanup-term");
    const fs::path top = dir.path() / "new", out = top / "out";
    const int status = killed_child(out, false, SIGTERM);
    CHECK_MESSAGE(WIFSIGNALED(status), "the process still ends by the signal");
    CHECK(WTERMSIG(status) == SIGTERM);
    CHECK_MESSAGE(!fs::exists(top), "the temporaries and the folders the run made are gone");
}

TEST_CASE("common cleanup: SIGINT keeps finished files and the folder that holds them") {
    const test::TempDir dir("cleanup-int");
    const fs::path out = dir.path() / "new" / "out";
    const int status = killed_child(out, true, SIGINT);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGINT);
    CHECK(fs::exists(out / "model.ckpt"));
    for (const char* end : {"", ".gp", ".err"})
        CHECK_MESSAGE(!fs::exists((out / ".grid.png.tmp-1-0").string() + end), "left: ", end);
}

TEST_CASE("common cleanup: an unregistered temporary is not the handler's to remove") {
    const test::TempDir dir("cleanup-unregistered");
    const std::string path = dir.file(".a.tmp-1-0");
    std::ofstream(path) << "x";
    const int slot = ae::register_temporary(path);
    CHECK(slot >= 0);
    ae::unregister_temporary(slot);
    CHECK(ae::register_temporary(std::string(5000, 'a')) == -1);  // too long to register
    CHECK(fs::exists(path));
}
