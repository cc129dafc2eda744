// Shared by the fuzz targets (see README.md here): the readers take paths, so each input is
// written to one file per process first, plain or gzip-compressed.
#pragma once
#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <string>

namespace fuzz {

// Writes bytes to this process's input file for `tag` and returns its path.
inline std::string input_file(const std::string& bytes, const std::string& tag, bool gzip = false) {
    const std::string path = "/tmp/ae_fuzz_" + std::to_string(::getpid()) + "_" + tag;
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
