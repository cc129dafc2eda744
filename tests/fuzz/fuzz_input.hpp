// Shared by the fuzz targets (see README.md here): the readers take paths, so each input is
// written to one file per process and tag first, plain or gzip-compressed, under $TMPDIR (else
// /tmp), and removed when the process exits.
#pragma once
#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace fuzz {

// The input files this process made, removed at exit (a replay or a fuzzing run that ends
// normally leaves nothing behind; libFuzzer exits through exit() too).
inline std::vector<std::string>& made_files() {
    static std::vector<std::string> files;
    static const bool registered = [] {
        std::atexit([] {
            for (const std::string& f : made_files()) std::remove(f.c_str());
        });
        return true;
    }();
    (void)registered;
    return files;
}

// Writes bytes to this process's input file for `tag` and returns its path.
inline std::string input_file(const std::string& bytes, const std::string& tag, bool gzip = false) {
    const char* env = std::getenv("TMPDIR");
    const std::string dir = env && *env ? env : "/tmp";
    const std::string path = dir + "/ae_fuzz_" + std::to_string(::getpid()) + "_" + tag;
    std::vector<std::string>& made = made_files();
    bool known = false;
    for (const std::string& f : made) known = known || f == path;
    if (!known) made.push_back(path);
    if (gzip) {
        gzFile f = gzopen(path.c_str(), "wb1");
        if (!bytes.empty()) gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
        gzclose(f);
    } else {
        std::FILE* f = std::fopen(path.c_str(), "wb");
        if (!bytes.empty()) std::fwrite(bytes.data(), 1, bytes.size(), f);
        std::fclose(f);
    }
    return path;
}

}  // namespace fuzz
