// Opens a page in a real browser for the page tests (tests/explorer_11.cpp): Debian's chromium,
// headless, started by posix_spawn with an argument list (no shell), in its own process group,
// with a fresh profile, HOME and cache in a folder of the caller's, and no network. Returns the
// page's DOM after its scripts ran (--dump-dom) and what the browser printed on stderr (console
// messages of the page appear there as lines with ":CONSOLE").
// AE_CHROMIUM=/path/to/chrome picks another Chromium-based browser.
#pragma once
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace browser {

namespace fs = std::filesystem;

// The browser to run: $AE_CHROMIUM, else the first of chromium, chromium-browser,
// google-chrome on PATH; "" when there is none.
inline std::string find_chromium() {
    if (const char* env = std::getenv("AE_CHROMIUM"); env && *env) return env;
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "/usr/bin:/bin");
    std::string dir;
    while (std::getline(dirs, dir, ':'))
        for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
            const fs::path p = fs::path(dir) / name;
            if (fs::is_regular_file(p) && ::access(p.c_str(), X_OK) == 0) return p.string();
        }
    return "";
}

// file:// URL of an absolute path, bytes outside [A-Za-z0-9/._-] percent-encoded.
inline std::string file_url(const fs::path& path) {
    std::string url = "file://";
    for (unsigned char c : fs::absolute(path).string()) {
        if (std::isalnum(c) || c == '/' || c == '.' || c == '_' || c == '-') {
            url += static_cast<char>(c);
        } else {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", c);
            url += buf;
        }
    }
    return url;
}

struct Result {
    int exit_code = -1;  // -1: killed after the time limit
    std::string dom, log;
};

inline std::string slurp(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

// Runs the headless browser on url; it dumps the DOM after the page's load event (the explorer
// does all its work before it, so no virtual time is needed, which would freeze the page's
// clock). Its profile and output files go to work_dir. A run that takes longer than limit_s (a
// hang) is killed with its process group.
inline Result dump_dom(const std::string& chromium, const std::string& url,
                       const fs::path& work_dir, int limit_s = 120) {
    const fs::path out = work_dir / "dom.html", err = work_dir / "stderr.txt";
    const fs::path profile = work_dir / "profile";
    fs::create_directories(profile);
    std::vector<std::string> args = {chromium,
                                     "--headless",
                                     "--no-sandbox",
                                     "--disable-gpu",
                                     "--disable-quic",
                                     "--no-first-run",
                                     "--disable-background-networking",
                                     "--disable-component-update",
                                     "--disable-sync",
                                     "--disable-dev-shm-usage",
                                     "--enable-logging=stderr",
                                     "--v=0",
                                     "--user-data-dir=" + profile.string(),

                                     "--dump-dom",
                                     url};
    std::vector<std::string> env;  // the browser's HOME and caches in work_dir: nothing left behind
    for (char** e = environ; *e; ++e) {
        const std::string kv = *e;
        if (kv.rfind("HOME=", 0) && kv.rfind("XDG_CONFIG_HOME=", 0) &&
            kv.rfind("XDG_CACHE_HOME=", 0))
            env.push_back(kv);
    }
    for (const char* k : {"HOME=", "XDG_CONFIG_HOME=", "XDG_CACHE_HOME="})
        env.push_back(k + profile.string());
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    for (auto& e : env) envp.push_back(e.data());
    argv.push_back(nullptr), envp.push_back(nullptr);

    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_addopen(&files, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&files, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&files, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);  // its own group: killed as one
    posix_spawnattr_setpgroup(&attr, 0);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, chromium.c_str(), &files, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&files);
    posix_spawnattr_destroy(&attr);
    Result r;
    if (rc != 0) {
        r.log = "could not start " + chromium + ": error " + std::to_string(rc);
        return r;
    }
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(limit_s);
    while (::waitpid(pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(-pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            r.log = "killed after " + std::to_string(limit_s) + " s\n";
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (r.log.empty() && WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
    r.dom = slurp(out), r.log += slurp(err);
    return r;
}

// The text of the element <TAG id="ID" ...>TEXT</TAG> in a dumped DOM (entities &lt; &gt; &amp;
// decoded); found = false when there is no such element.
inline std::string element_text(const std::string& dom, const std::string& tag,
                                const std::string& id, bool& found) {
    const size_t at = dom.find("<" + tag + " id=\"" + id + "\"");
    const size_t open = at == std::string::npos ? at : dom.find('>', at);
    const size_t close = open == std::string::npos ? open : dom.find("</" + tag + ">", open);
    found = close != std::string::npos;
    if (!found) return "";
    std::string text = dom.substr(open + 1, close - open - 1), out;
    for (size_t i = 0; i < text.size(); ++i) {
        bool entity = false;
        for (const auto& [name, c] : {std::pair{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}})
            if (text.compare(i, std::strlen(name), name) == 0)
                out += c, i += std::strlen(name) - 1, entity = true;
        if (!entity) out += text[i];
    }
    return out;
}

}  // namespace browser
