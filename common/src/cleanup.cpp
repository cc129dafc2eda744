// Temporaries removed on SIGTERM/SIGINT/SIGHUP, the empty --out folder of a failed run, and the
// --out lock (see ae/cleanup.hpp). The handler uses only async-signal-safe calls (unlink, rmdir,
// signal, raise) on fixed buffers filled before a slot is marked live.
#include "ae/cleanup.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>

namespace ae {

namespace {

constexpr int kSlots = 64;         // temporaries alive at once (nested writes, threads)
constexpr size_t kPathMax = 4096;  // longer paths are not registered (the sweep still works)
enum : int { Free = 0, Filling = 1, Live = 2 };

struct Slot {
    std::atomic<int> state{Free};
    char path[kPathMax];
};
Slot g_slots[kSlots];

char g_created[kPathMax];  // the deepest folder this run created
std::atomic<int> g_created_levels{0};

// Removes path, path.gp and path.err (async-signal-safe).
void remove_with_companions(const char* path) {
    ::unlink(path);
    char buf[kPathMax + 8];
    const size_t n = std::strlen(path);
    if (n + 5 > sizeof buf) return;
    std::memcpy(buf, path, n);
    std::memcpy(buf + n, ".gp", 4);
    ::unlink(buf);
    std::memcpy(buf + n, ".err", 5);
    ::unlink(buf);
}

// rmdir of the created folder and its created parents, deepest first; stops at the first one
// that is not empty (async-signal-safe).
void rmdir_created() {
    const int levels = g_created_levels.load();
    if (levels <= 0) return;
    char buf[kPathMax];
    std::memcpy(buf, g_created, kPathMax);
    for (int i = 0; i < levels; ++i) {
        if (::rmdir(buf) != 0) return;
        char* slash = std::strrchr(buf, '/');
        if (!slash || slash == buf) return;
        *slash = '\0';
    }
}

extern "C" void on_fatal_signal(int sig) {
    for (Slot& s : g_slots)
        if (s.state.load() == Live) remove_with_companions(s.path);
    rmdir_created();
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

}  // namespace

int register_temporary(const std::string& path) {
    if (path.size() + 1 > kPathMax) return -1;
    for (int i = 0; i < kSlots; ++i) {
        int expected = Free;
        if (g_slots[i].state.compare_exchange_strong(expected, Filling)) {
            std::memcpy(g_slots[i].path, path.c_str(), path.size() + 1);
            g_slots[i].state.store(Live);
            return i;
        }
    }
    return -1;
}

void unregister_temporary(int slot) {
    if (slot >= 0 && slot < kSlots) g_slots[slot].state.store(Free);
}

void install_cleanup_on_signals() {
    static std::once_flag once;
    std::call_once(once, [] {
        struct sigaction sa {};
        sa.sa_handler = on_fatal_signal;
        sigemptyset(&sa.sa_mask);
        for (int sig : {SIGTERM, SIGINT, SIGHUP}) {
            struct sigaction old {};
            // A signal the caller chose to ignore (nohup, a shell's background job) stays ignored.
            if (::sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
            ::sigaction(sig, &sa, nullptr);
        }
    });
}

void note_created_dirs(const std::string& dir, int levels) {
    g_created_levels.store(0);
    if (levels <= 0 || dir.size() + 1 > kPathMax) return;
    std::memcpy(g_created, dir.c_str(), dir.size() + 1);
    g_created_levels.store(levels);
}

void remove_created_dirs_if_empty() {
    rmdir_created();
    g_created_levels.store(0);
}

bool lock_dir(const std::string& dir) {
    static std::mutex m;
    static std::map<std::string, int> held;  // folder -> the descriptor holding its lock
    std::error_code ec;
    const std::string key = std::filesystem::weakly_canonical(dir, ec).string();
    const std::lock_guard<std::mutex> guard(m);
    if (held.count(key)) return true;
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return true;  // cannot be opened to lock: the write probe reports such folders
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        ::close(fd);
        return err != EWOULDBLOCK;
    }
    held[key] = fd;
    return true;
}

}  // namespace ae
