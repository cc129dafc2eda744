// Atomic writes, .npy, CSV and JSON (see ae/io.hpp).
#include "ae/io.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ae/cleanup.hpp"
#include "ae/error.hpp"

namespace fs = std::filesystem;

namespace ae {

void make_dirs(const std::string& dir) {
    if (dir.empty()) return;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw Error("cannot create directory " + dir + ": " + ec.message());
}

namespace {

constexpr const char* kTmpTag = ".tmp-";
std::atomic<unsigned> g_tmp_seq{0};

// ".NAME.tmp-PID-SEQ" beside path: hidden, and its owner's PID tells a later run whether it is
// stale. SEQ keeps two writes of one process (threads, nested writes) apart.
std::string temp_beside(const fs::path& target) {
    const std::string name = "." + target.filename().string() + kTmpTag +
                             std::to_string(::getpid()) + "-" + std::to_string(g_tmp_seq++);
    return (target.parent_path() / name).string();
}

// The PID in a temporary's name (".NAME.tmp-PID-SEQ[...]"), or 0 when it is not one of ours.
long temp_owner(const std::string& name) {
    if (name.size() < 2 || name[0] != '.') return 0;
    const auto at = name.rfind(kTmpTag);
    if (at == std::string::npos || at == 0) return 0;
    size_t i = at + std::strlen(kTmpTag);
    long pid = 0;
    const size_t digits_at = i;
    while (i < name.size() && std::isdigit(static_cast<unsigned char>(name[i])) && pid < 1 << 30)
        pid = pid * 10 + (name[i++] - '0');
    if (i == digits_at || i + 1 >= name.size() || name[i] != '-' ||
        !std::isdigit(static_cast<unsigned char>(name[i + 1])))
        return 0;
    return pid;
}

// Writes bytes to path (no rename), checking the open, every write and the close.
void write_file_checked(const std::string& path, const char* data, size_t n,
                        const std::string& final_path) {
    errno = 0;
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) {
        throw Error("cannot open " + final_path + " for writing: " + std::strerror(errno) +
                    " (is the directory writable?)");
    }
    bool ok = n == 0 || std::fwrite(data, 1, n, f) == n;
    ok = std::fflush(f) == 0 && ok;
    int err = errno;
    if (std::fclose(f) != 0 && ok) {
        ok = false;
        err = errno;
    }
    if (!ok) {
        throw Error("error while writing " + final_path + ": " + std::strerror(err) +
                    " (disk full, or over a file-size limit?)");
    }
}

}  // namespace

size_t remove_stale_temporaries(const std::string& dir) {
    size_t removed = 0;
    std::error_code ec;
    for (fs::directory_iterator it(dir.empty() ? "." : dir, ec), end; !ec && it != end;
         it.increment(ec)) {
        const long pid = temp_owner(it->path().filename().string());
        if (pid <= 0 || pid == ::getpid()) continue;
        // ESRCH: no such process. EPERM means it runs under another user: leave it.
        if (::kill(static_cast<pid_t>(pid), 0) == -1 && errno == ESRCH) {
            std::error_code rm;
            if (fs::remove(it->path(), rm)) ++removed;
        }
    }
    return removed;
}

void atomic_write(const std::string& path, const std::function<void(const std::string&)>& write) {
    const fs::path target(path);
    make_dirs(target.parent_path().string());
    remove_stale_temporaries(target.parent_path().string());
    // Same directory as the target, so the rename stays on one file system and is atomic.
    const std::string tmp = temp_beside(target);
    // Registered while it exists: a SIGTERM/SIGINT handler removes it (ae/cleanup.hpp).
    struct Registered {
        int slot;
        ~Registered() { unregister_temporary(slot); }
    } registered{register_temporary(tmp)};
    try {
        write(tmp);
    } catch (...) {
        std::error_code ec;
        fs::remove(tmp, ec);
        throw;
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) {
        const std::string why = ec.message();
        fs::remove(tmp, ec);
        throw Error("cannot write " + path + ": " + why);
    }
}

void check_writable_dir(const std::string& dir) {
    const std::string fix =
        " Choose another output folder (--out DIR), or free space / fix its permissions.";
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
        throw Error("output folder " + dir + " is a file, not a folder." + fix);
    fs::create_directories(dir, ec);
    if (ec) throw Error("cannot create the output folder " + dir + ": " + ec.message() + "." + fix);
    remove_stale_temporaries(dir);
    const std::string probe = temp_beside(fs::path(dir) / "ae-write-probe");
    try {
        const char text[] = "ae write probe\n";
        write_file_checked(probe, text, sizeof text - 1, probe);
    } catch (const Error& e) {
        fs::remove(probe, ec);
        throw Error("the output folder " + dir + " cannot be written: " + e.what() + "." + fix);
    }
    fs::remove(probe, ec);
}

uint64_t input_file_size(const std::string& path, const std::string& what) {
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (!fs::exists(st)) throw DataError(path + ": " + what + " not found.");
    if (fs::is_directory(st))
        throw DataError(path + ": is a directory; expected a " + what + " (a file).");
    if (!fs::is_regular_file(st))
        throw DataError(path + ": not a regular file; expected a " + what + ".");
    const uintmax_t size = fs::file_size(path, ec);
    if (ec) throw DataError(path + ": cannot read the " + what + ": " + ec.message() + ".");
    return size;
}

uint64_t checked_mul(uint64_t a, uint64_t b, const std::string& path, const std::string& what) {
    uint64_t out = 0;
    if (__builtin_mul_overflow(a, b, &out)) {
        throw DataError(path + ": " + what + " is too large (" + std::to_string(a) + " x " +
                        std::to_string(b) + " overflows 64 bits); the file is damaged.");
    }
    return out;
}

void write_text(const std::string& path, const std::string& text) {
    atomic_write(path, [&](const std::string& tmp) {
        write_file_checked(tmp, text.data(), text.size(), path);
    });
}

std::string read_text(const std::string& path) {
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (fs::exists(st) && !fs::is_regular_file(st))  // a FIFO would block the open below
        throw DataError(path + ": not a regular file; expected a text file.");
    std::ifstream f(path, std::ios::binary);
    if (!f) throw Error("cannot read " + path + ": file not found or not readable");
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

// --- .npy (format version 1.0: magic, version, header length, a Python dict, raw data) ---

void save_npy(const std::string& path, const Matrix& m) {
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" +
                         std::to_string(m.shape()[0]) + ", " + std::to_string(m.shape()[1]) +
                         "), }";
    // Magic (6) + version (2) + length (2) + header + '\n' is padded to a multiple of 64.
    const size_t total = 10 + header.size() + 1;
    header.append((64 - total % 64) % 64, ' ');
    header += '\n';
    const uint16_t len = static_cast<uint16_t>(header.size());
    std::string bytes("\x93NUMPY\x01\x00", 8);
    bytes += static_cast<char>(len & 0xff);
    bytes += static_cast<char>(len >> 8);
    bytes += header;
    bytes.append(reinterpret_cast<const char*>(m.data()), m.size() * sizeof(float));
    write_text(path, bytes);
}

namespace {

// numpy itself refuses headers over 10000 bytes unless told otherwise; 1 MiB is generous.
constexpr size_t kMaxNpyHeader = 1 << 20;
constexpr uint64_t kMaxNpyDim = uint64_t{1} << 31;

std::string dict_value(const std::string& header, const std::string& key, const std::string& path) {
    const auto k = header.find("'" + key + "'");
    if (k == std::string::npos)
        throw DataError(path + ": .npy header has no '" + key + "': " + header);
    const auto colon = header.find(':', k);
    if (colon == std::string::npos) throw DataError(path + ": damaged .npy header: " + header);
    return header.substr(colon + 1);
}

// "(3, 4)" / "(5,)" -> dims; only plain non-negative decimal numbers that fit in 64 bits.
std::vector<uint64_t> parse_shape(const std::string& value, const std::string& path) {
    const auto open = value.find('('), close = value.find(')');
    if (open == std::string::npos || close == std::string::npos || close < open)
        throw DataError(path + ": damaged .npy shape in header: " + value.substr(0, 80));
    const std::string shape = value.substr(open, close - open + 1);
    std::vector<uint64_t> dims;
    std::stringstream ss(shape.substr(1, shape.size() - 2));
    std::string item;
    while (std::getline(ss, item, ',')) {
        const auto first = item.find_first_not_of(' '), last = item.find_last_not_of(' ');
        if (first == std::string::npos) continue;
        const std::string digits = item.substr(first, last - first + 1);
        uint64_t d = 0;
        bool ok = digits.size() <= 20;
        for (char c : digits) {
            ok = ok && std::isdigit(static_cast<unsigned char>(c)) &&
                 !__builtin_mul_overflow(d, uint64_t{10}, &d) &&
                 !__builtin_add_overflow(d, uint64_t(c - '0'), &d);
        }
        if (!ok) {
            throw DataError(path + ": damaged .npy shape " + shape + ": '" + digits +
                            "' is not a dimension (a non-negative whole number).");
        }
        dims.push_back(d);
    }
    if (dims.empty() || dims.size() > 2) {
        throw DataError(path + ": expected a 1-D or 2-D array, found " +
                        std::to_string(dims.size()) + " dimensions " + shape + ".");
    }
    for (uint64_t d : dims) {
        // Even with no data (a 0 in the shape) a larger dimension overflows index arithmetic.
        if (d > kMaxNpyDim)
            throw DataError(path + ": .npy shape " + shape + " has a dimension over " +
                            std::to_string(kMaxNpyDim) + "; the file is damaged.");
    }
    return dims;
}

}  // namespace

Matrix load_npy(const std::string& path) {
    const uint64_t file_size = input_file_size(path, ".npy file");
    std::ifstream f(path, std::ios::binary);
    if (!f) throw DataError(path + ": file not found or not readable.");
    char magic[8] = {};
    f.read(magic, 8);
    if (!f || std::memcmp(magic, "\x93NUMPY", 6) != 0) {
        throw DataError(path + ": not a .npy file (the first bytes are not \\x93NUMPY).");
    }
    const int major = static_cast<unsigned char>(magic[6]);
    size_t hlen = 0, preamble = 0;
    if (major == 1) {
        unsigned char b[2] = {};
        f.read(reinterpret_cast<char*>(b), 2);
        hlen = b[0] | (b[1] << 8);
        preamble = 10;
    } else if (major == 2 || major == 3) {
        unsigned char b[4] = {};
        f.read(reinterpret_cast<char*>(b), 4);
        hlen = b[0] | (b[1] << 8) | (size_t(b[2]) << 16) | (size_t(b[3]) << 24);
        preamble = 12;
    } else {
        throw DataError(path + ": unsupported .npy version " + std::to_string(major) + ".");
    }
    if (!f || hlen > kMaxNpyHeader || hlen > file_size - std::min<uint64_t>(file_size, preamble)) {
        throw DataError(path + ": damaged .npy header: it claims " + std::to_string(hlen) +
                        " bytes, the file holds " + std::to_string(file_size) +
                        " in all (at most " + std::to_string(kMaxNpyHeader) + " are allowed).");
    }
    std::string header(hlen, '\0');
    f.read(header.data(), static_cast<std::streamsize>(hlen));
    if (!f) throw DataError(path + ": .npy header is truncated.");
    const std::string descr = dict_value(header, "descr", path);
    if (descr.find("<f4") == std::string::npos) {
        throw DataError(path + ": expected float32 data ('<f4'), found descr " +
                        descr.substr(0, descr.find(',')) + ". Save it with dtype=np.float32.");
    }
    const std::string fortran = dict_value(header, "fortran_order", path);
    if (fortran.find("False") != 0 && fortran.find(" False") != 0) {
        throw DataError(path + ": Fortran-ordered arrays are not supported; save a C-ordered one.");
    }
    const std::vector<uint64_t> dims = parse_shape(dict_value(header, "shape", path), path);
    const uint64_t rows = dims.size() == 2 ? dims[0] : 1, cols = dims.back();
    const std::string claim = std::to_string(rows) + " x " + std::to_string(cols) + " floats";
    const uint64_t bytes = checked_mul(checked_mul(rows, cols, path, claim), 4, path, claim);
    const uint64_t available = file_size - preamble - hlen;
    if (bytes != available) {
        throw DataError(path + ": " + (bytes > available ? "truncated" : "damaged") +
                        ": the header promises " + claim + " (" + std::to_string(bytes) +
                        " bytes), the file holds " + std::to_string(available) +
                        " bytes of data (" + std::to_string(available / 4) + " floats).");
    }
    Matrix m({static_cast<size_t>(rows), static_cast<size_t>(cols)});
    f.read(reinterpret_cast<char*>(m.data()), static_cast<std::streamsize>(bytes));
    if (static_cast<uint64_t>(f.gcount()) != bytes) {
        throw DataError(path + ": truncated while reading: the header promises " + claim +
                        ", read " + std::to_string(f.gcount() / 4) + ".");
    }
    return m;
}

void save_csv(const std::string& path, const std::vector<std::string>& header,
              const std::vector<std::vector<double>>& columns) {
    if (header.size() != columns.size())
        throw Error("save_csv: header and columns differ in count");
    const size_t n = columns.empty() ? 0 : columns[0].size();
    for (const auto& c : columns) {
        if (c.size() != n) throw Error("save_csv(" + path + "): columns have different lengths");
    }
    std::ostringstream s;
    s << std::setprecision(8);
    for (size_t j = 0; j < header.size(); ++j) s << (j ? "," : "") << header[j];
    s << "\n";
    for (size_t i = 0; i < n; ++i) {
        for (size_t j = 0; j < columns.size(); ++j) s << (j ? "," : "") << columns[j][i];
        s << "\n";
    }
    write_text(path, s.str());
}

// --- JSON ---

namespace {
using ojson = nlohmann::ordered_json;

// The shortest text that reads back to v (see ae/io.hpp): std::to_chars without a precision
// gives the shortest round trip, for a float and for a double; the general format as %g does
// (0.0001, not 1e-04; 1e-05 and 3e+20 in exponent form).
std::string json_number(double v) {
    if (!std::isfinite(v)) return "null";  // JSON has no NaN or infinity
    char buf[64];
    std::to_chars_result r{};
    if (std::trunc(v) == v && std::fabs(v) < 9007199254740992.0)  // 2^53: every integer exact
        r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v));
    else if (static_cast<double>(static_cast<float>(v)) == v)
        r = std::to_chars(buf, buf + sizeof buf, static_cast<float>(v), std::chars_format::general);
    else
        r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general);
    return std::string(buf, r.ptr);
}

// A scalar or a list on one line; nlohmann writes strings (escaped, invalid UTF-8 replaced),
// integers, booleans and null, json_number the doubles.
std::string json_inline(const ojson& j);
std::string json_object(const ojson& j, int indent, bool one_line) {
    const std::string pad = one_line ? "" : std::string(2 * (indent + 1), ' ');
    const std::string close_pad = one_line ? "" : std::string(2 * indent, ' ');
    std::string s = one_line ? "{" : "{\n";
    size_t i = 0;
    for (const auto& [key, value] : j.items()) {
        s += pad + ojson(key).dump(-1, ' ', false, ojson::error_handler_t::replace) + ": ";
        s += value.is_object() ? json_object(value, indent + 1, one_line) : json_inline(value);
        if (++i < j.size()) s += one_line ? ", " : ",\n";
    }
    return s + (one_line || j.empty() ? "" : "\n") + close_pad + "}";
}
std::string json_inline(const ojson& j) {
    if (j.is_number_float()) return json_number(j.get<double>());
    if (j.is_object()) return json_object(j, 0, true);
    if (!j.is_array()) return j.dump(-1, ' ', false, ojson::error_handler_t::replace);
    std::string s = "[";
    for (size_t i = 0; i < j.size(); ++i) s += (i ? ", " : "") + json_inline(j[i]);
    return s + "]";
}
}  // namespace

Json::Json() : value_(std::make_unique<ojson>(ojson::object())) {}
Json::Json(const Json& other) : value_(std::make_unique<ojson>(*other.value_)) {}
Json& Json::operator=(const Json& other) {
    *value_ = *other.value_;
    return *this;
}
Json::~Json() = default;

Json& Json::set(const std::string& key, double v) {
    (*value_)[key] = v;
    return *this;
}
Json& Json::set(const std::string& key, long long v) {
    (*value_)[key] = v;
    return *this;
}
Json& Json::set(const std::string& key, size_t v) {
    (*value_)[key] = v;
    return *this;
}
Json& Json::set(const std::string& key, bool v) {
    (*value_)[key] = v;
    return *this;
}
Json& Json::set(const std::string& key, const std::string& v) {
    (*value_)[key] = v;
    return *this;
}
Json& Json::set(const std::string& key, const std::vector<double>& v) {
    (*value_)[key] = v;
    return *this;
}
Json& Json::set(const std::string& key, const std::vector<std::string>& v) {
    (*value_)[key] = v;
    return *this;
}
Json& Json::set(const std::string& key, const Json& v) {
    (*value_)[key] = *v.value_;
    return *this;
}

std::string Json::dump(int indent) const {
    return json_object(*value_, indent, false);
}
std::string Json::dump_line() const {
    return json_object(*value_, 0, true);
}

double round_to(double v, int decimals) {
    if (!std::isfinite(v)) return v;
    const double scale = std::pow(10.0, decimals), scaled = std::round(v * scale);
    return std::isfinite(scaled) ? scaled / scale : v;  // a huge v has no decimals to drop
}

}  // namespace ae
