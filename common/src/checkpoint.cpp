// Checkpoints (see ae/checkpoint.hpp). Layout, little-endian:
//   "AECKPT\r\n" (8 bytes) | u32 version | u64 total file size | u32 description length + bytes
//   | u32 count | count x (u32 name length + bytes, u64 rows, u64 cols) | float32 data, in order
//   | u32 CRC-32 (zlib) of every byte before it.
// The file is read whole and parsed with bounds checks, so no damaged file can crash the loader.
#include "ae/checkpoint.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ae/error.hpp"
#include "ae/io.hpp"

namespace ae {
namespace {

constexpr char kCkptMagic[8] = {'A', 'E', 'C', 'K', 'P', 'T', '\r', '\n'};
constexpr uint32_t kCkptVersion = 1;
// Limits save_checkpoint keeps, so load_checkpoint can bound a file before reading it.
constexpr uint64_t kMaxDescription = 1 << 20, kMaxName = 4096;

// Appends the raw bytes of a trivially copyable value (the format is little-endian, like x86).
template <class T>
void ckpt_put(std::string& buf, const T& v) {
    buf.append(reinterpret_cast<const char*>(&v), sizeof v);
}

uint32_t ckpt_crc(const char* data, size_t n) {
    uLong crc = crc32(0L, Z_NULL, 0);
    // zlib takes uInt lengths: feed large buffers in chunks.
    while (n > 0) {
        const uInt chunk = static_cast<uInt>(std::min<size_t>(n, 1u << 30));
        crc = crc32(crc, reinterpret_cast<const Bytef*>(data), chunk);
        data += chunk;
        n -= chunk;
    }
    return static_cast<uint32_t>(crc);
}

// Reads values from a byte buffer; running past the end is a DataError, never a crash.
class CkptReader {
  public:
    CkptReader(const std::string& buf, size_t end, const std::string& path)
        : buf_(buf), end_(end), path_(path) {}
    template <class T>
    T get(const char* what) {
        T v;
        std::memcpy(&v, need(sizeof v, what), sizeof v);
        return v;
    }
    std::string str(const char* what) {
        const auto n = get<uint32_t>(what);
        return std::string(need(n, what), n);
    }
    const char* need(size_t n, const char* what) {
        if (n > end_ - pos_) {
            throw DataError("checkpoint " + path_ + " is damaged: it ends inside " + what +
                            " (byte " + std::to_string(pos_) + ")");
        }
        const char* p = buf_.data() + pos_;
        pos_ += n;
        return p;
    }
    size_t pos() const { return pos_; }

  private:
    const std::string& buf_;
    size_t end_, pos_ = 0;
    const std::string& path_;
};

struct CkptEntry {
    std::string name;
    size_t rows = 0, cols = 0;
};

std::string ckpt_describe(const std::string& name, size_t rows, size_t cols) {
    return "'" + name + "' (" + std::to_string(rows) + ", " + std::to_string(cols) + ")";
}

// Every name and shape in order; the first difference is the error.
void ckpt_match(const std::vector<CkptEntry>& saved, const std::vector<Param>& params,
                const std::string& path) {
    const std::string where = "checkpoint " + path + " does not match the model: ";
    for (size_t i = 0; i < std::min(saved.size(), params.size()); ++i) {
        const auto& s = saved[i];
        const Matrix& v = *params[i].value;
        if (s.name != params[i].name || s.rows != v.shape()[0] || s.cols != v.shape()[1]) {
            throw DataError(where + "parameter " + std::to_string(i) + ": expected " +
                            ckpt_describe(params[i].name, v.shape()[0], v.shape()[1]) +
                            " (the model), found " + ckpt_describe(s.name, s.rows, s.cols) +
                            " (the file). Was it saved by another architecture or --latent?");
        }
    }
    if (saved.size() != params.size()) {
        const bool more_in_file = saved.size() > params.size();
        const size_t i = std::min(saved.size(), params.size());
        const std::string first = more_in_file ? saved[i].name : params[i].name;
        throw DataError(where + "expected " + std::to_string(params.size()) +
                        " parameters (the model), found " + std::to_string(saved.size()) +
                        " (the file); the first " + (more_in_file ? "extra" : "missing") +
                        " one is '" + first + "'");
    }
}

// The whole file, read only once its size is plausible for a checkpoint of at most
// max_bytes, so a wrong path (a data set, a directory) is a clear error, not a huge read.
std::string ckpt_read_file(const std::string& path, uint64_t max_bytes) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw DataError("cannot open checkpoint " + path + " (does it exist? train first)");
    const uint64_t size = input_file_size(path, "checkpoint");
    if (size > max_bytes) {
        throw DataError("checkpoint " + path + " is " + std::to_string(size) +
                        " bytes, more than a checkpoint of this model can be (at most " +
                        std::to_string(max_bytes) + "). Is it the right file?");
    }
    std::ifstream f(path, std::ios::binary);
    if (!f) throw DataError("cannot open checkpoint " + path + " (is it readable?)");
    std::string buf(static_cast<size_t>(size), '\0');
    f.read(buf.data(), static_cast<std::streamsize>(size));
    if (static_cast<uint64_t>(f.gcount()) != size) {
        throw DataError("error while reading checkpoint " + path + ": expected " +
                        std::to_string(size) + " bytes, read " + std::to_string(f.gcount()));
    }
    return buf;
}

// The largest file a checkpoint of params can be: its data, a manifest entry per parameter and
// a description of up to kMaxDescription bytes.
uint64_t ckpt_max_size(const std::vector<Param>& params) {
    uint64_t n = sizeof kCkptMagic + 4 + 8 + 4 + kMaxDescription + 4 + 4;
    for (const auto& p : params) n += 4 + kMaxName + 16 + p.value->size() * sizeof(float);
    return n;
}

// Magic and version of the first bytes of buf (read from path); throws a DataError otherwise.
void ckpt_check_start(const std::string& buf, const std::string& path) {
    if (buf.size() < sizeof kCkptMagic || std::memcmp(buf.data(), kCkptMagic, sizeof kCkptMagic)) {
        throw DataError("checkpoint " + path + " is not an ae checkpoint (wrong magic bytes)");
    }
    uint32_t version = 0;
    if (buf.size() >= sizeof kCkptMagic + 4)
        std::memcpy(&version, buf.data() + sizeof kCkptMagic, sizeof version);
    if (version != kCkptVersion) {
        throw DataError("checkpoint " + path + " has format version " + std::to_string(version) +
                        ", this program reads version " + std::to_string(kCkptVersion));
    }
}

}  // namespace

CheckpointHeader read_checkpoint_header(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw DataError("cannot open checkpoint " + path + " (does it exist? train first)");
    CheckpointHeader h;
    h.file_size = input_file_size(path, "checkpoint");  // a FIFO or device is refused here
    const uint64_t head = sizeof kCkptMagic + 4 + 8 + 4;
    std::ifstream f(path, std::ios::binary);
    if (!f) throw DataError("cannot open checkpoint " + path + " (is it readable?)");
    std::string buf(static_cast<size_t>(std::min(h.file_size, head)), '\0');
    f.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    ckpt_check_start(buf, path);
    CkptReader r(buf, buf.size(), path);
    r.need(sizeof kCkptMagic + 4, "the header");
    r.get<uint64_t>("the header");
    const auto n = r.get<uint32_t>("the header");
    if (n > kMaxDescription || n > h.file_size - head) {
        throw DataError("checkpoint " + path + " is damaged: its description claims " +
                        std::to_string(n) + " bytes, the file holds " +
                        std::to_string(h.file_size - head) + " after the header (at most " +
                        std::to_string(kMaxDescription) + " allowed)");
    }
    h.description.resize(n);
    f.read(h.description.data(), static_cast<std::streamsize>(n));
    if (static_cast<uint64_t>(f.gcount()) != n)
        throw DataError("error while reading checkpoint " + path +
                        ": it ends inside the description");
    return h;
}

void save_checkpoint(const std::string& path, const std::vector<Param>& params,
                     const std::string& description) {
    if (description.size() > kMaxDescription)
        throw Error("save_checkpoint(" + path + "): description over " +
                    std::to_string(kMaxDescription) + " bytes");
    for (const auto& p : params) {
        if (p.name.size() > kMaxName)
            throw Error("save_checkpoint(" + path + "): parameter name over " +
                        std::to_string(kMaxName) + " bytes");
    }
    std::string buf(kCkptMagic, sizeof kCkptMagic);
    ckpt_put(buf, kCkptVersion);
    const size_t size_at = buf.size();
    ckpt_put(buf, uint64_t{0});  // total size, filled in below
    ckpt_put(buf, static_cast<uint32_t>(description.size()));
    buf += description;
    ckpt_put(buf, static_cast<uint32_t>(params.size()));
    for (const auto& p : params) {
        ckpt_put(buf, static_cast<uint32_t>(p.name.size()));
        buf += p.name;
        ckpt_put(buf, static_cast<uint64_t>(p.value->shape()[0]));
        ckpt_put(buf, static_cast<uint64_t>(p.value->shape()[1]));
    }
    for (const auto& p : params) {
        buf.append(reinterpret_cast<const char*>(p.value->data()), p.value->size() * sizeof(float));
    }
    const uint64_t total = buf.size() + sizeof(uint32_t);
    std::memcpy(&buf[size_at], &total, sizeof total);
    ckpt_put(buf, ckpt_crc(buf.data(), buf.size()));
    write_text(path, buf);  // atomic, with the write and the close checked
}

std::string load_checkpoint(const std::string& path, const std::vector<Param>& params) {
    const std::string buf = ckpt_read_file(path, ckpt_max_size(params));
    ckpt_check_start(buf, path);
    CkptReader header(buf, buf.size(), path);
    header.need(sizeof kCkptMagic + 4, "the magic and version");
    const auto total = header.get<uint64_t>("the header");
    if (total != buf.size()) {
        throw DataError("checkpoint " + path + " is " +
                        (buf.size() < total ? "truncated" : "damaged") + ": expected " +
                        std::to_string(total) + " bytes, found " + std::to_string(buf.size()) +
                        " (an interrupted copy? save it again)");
    }
    const size_t body = buf.size() - sizeof(uint32_t);
    uint32_t stored = 0;
    std::memcpy(&stored, buf.data() + body, sizeof stored);
    if (stored != ckpt_crc(buf.data(), body)) {
        throw DataError("checkpoint " + path +
                        " is damaged: its checksum does not match its contents");
    }
    CkptReader r(buf, body, path);
    r.need(header.pos(), "the header");
    const std::string description = r.str("the description");
    const auto count = r.get<uint32_t>("the parameter count");
    std::vector<CkptEntry>
        saved;  // grown entry by entry: a bad count runs out of bytes, not memory
    for (uint32_t i = 0; i < count; ++i) {
        CkptEntry e;
        e.name = r.str("the manifest");
        e.rows = r.get<uint64_t>("the manifest");
        e.cols = r.get<uint64_t>("the manifest");
        saved.push_back(std::move(e));
    }
    ckpt_match(saved, params, path);
    for (const auto& p : params) {
        const size_t bytes = p.value->size() * sizeof(float);
        std::memcpy(p.value->data(), r.need(bytes, ("the data of " + p.name).c_str()), bytes);
    }
    if (r.pos() != body)
        throw DataError("checkpoint " + path + " is damaged: extra bytes after the data");
    return description;
}

}  // namespace ae
