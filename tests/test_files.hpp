// Bytes of the files the readers take (IDX headers are big-endian), and writing them as they
// are or gzip-compressed: for the tests of the data loader and of damaged files.
#pragma once
#include <zlib.h>

#include <cstdint>
#include <fstream>
#include <string>

namespace test {

// v as the four big-endian bytes of an IDX header field.
inline std::string be32(uint32_t v) {
    return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
}

// Writes bytes to path unchanged (NUL bytes included).
inline void write_raw(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}

// Writes bytes to path gzip-compressed, as the IDX files are shipped.
inline void write_gz(const std::string& path, const std::string& bytes) {
    gzFile f = gzopen(path.c_str(), "wb");
    gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(f);
}

}  // namespace test
