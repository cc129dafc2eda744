// Atomic writes, .npy, CSV and JSON (see ae/io.hpp).
#include "ae/io.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "ae/error.hpp"

namespace fs = std::filesystem;

namespace ae {

void make_dirs(const std::string& dir) {
    if (dir.empty()) return;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw Error("cannot create directory " + dir + ": " + ec.message());
}

void atomic_write(const std::string& path, const std::function<void(const std::string&)>& write) {
    make_dirs(fs::path(path).parent_path().string());
    // Same directory as the target, so the rename stays on one file system and is atomic.
    const std::string tmp = path + ".tmp" + std::to_string(::getpid());
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
        fs::remove(tmp, ec);
        throw Error("cannot write " + path + ": " + ec.message());
    }
}

namespace {
void open_or_throw(std::ofstream& f, const std::string& path, const std::string& final_path) {
    f.open(path, std::ios::binary);
    if (!f) throw Error("cannot open " + final_path + " for writing (is the directory writable?)");
}
void close_or_throw(std::ofstream& f, const std::string& final_path) {
    f.close();
    if (!f) throw Error("error while writing " + final_path + " (disk full?)");
}
}  // namespace

void write_text(const std::string& path, const std::string& text) {
    atomic_write(path, [&](const std::string& tmp) {
        std::ofstream f;
        open_or_throw(f, tmp, path);
        f << text;
        close_or_throw(f, path);
    });
}

std::string read_text(const std::string& path) {
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
    atomic_write(path, [&](const std::string& tmp) {
        std::ofstream f;
        open_or_throw(f, tmp, path);
        f.write("\x93NUMPY\x01\x00", 8);
        const uint16_t len = static_cast<uint16_t>(header.size());
        const char len_le[2] = {static_cast<char>(len & 0xff), static_cast<char>(len >> 8)};
        f.write(len_le, 2);
        f.write(header.data(), static_cast<std::streamsize>(header.size()));
        f.write(reinterpret_cast<const char*>(m.data()),
                static_cast<std::streamsize>(m.size() * sizeof(float)));
        close_or_throw(f, path);
    });
}

namespace {
std::string dict_value(const std::string& header, const std::string& key, const std::string& path) {
    const auto k = header.find("'" + key + "'");
    if (k == std::string::npos)
        throw DataError(path + ": .npy header has no '" + key + "': " + header);
    const auto colon = header.find(':', k);
    if (colon == std::string::npos) throw DataError(path + ": damaged .npy header: " + header);
    return header.substr(colon + 1);
}
}  // namespace

Matrix load_npy(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw DataError(path + ": file not found or not readable.");
    char magic[8] = {};
    f.read(magic, 8);
    if (!f || std::memcmp(magic, "\x93NUMPY", 6) != 0) {
        throw DataError(path + ": not a .npy file (the first bytes are not \\x93NUMPY).");
    }
    const int major = static_cast<unsigned char>(magic[6]);
    size_t hlen = 0;
    if (major == 1) {
        unsigned char b[2];
        f.read(reinterpret_cast<char*>(b), 2);
        hlen = b[0] | (b[1] << 8);
    } else if (major == 2 || major == 3) {
        unsigned char b[4];
        f.read(reinterpret_cast<char*>(b), 4);
        hlen = b[0] | (b[1] << 8) | (size_t(b[2]) << 16) | (size_t(b[3]) << 24);
    } else {
        throw DataError(path + ": unsupported .npy version " + std::to_string(major) + ".");
    }
    std::string header(hlen, '\0');
    f.read(header.data(), static_cast<std::streamsize>(hlen));
    if (!f) throw DataError(path + ": .npy header is truncated.");
    const std::string descr = dict_value(header, "descr", path);
    if (descr.find("<f4") == std::string::npos) {
        throw DataError(path + ": expected float32 data ('<f4'), found descr " +
                        descr.substr(0, descr.find(',')) + ". Save it with dtype=np.float32.");
    }
    if (dict_value(header, "fortran_order", path).find("False") != 0 &&
        dict_value(header, "fortran_order", path).find(" False") != 0) {
        throw DataError(path + ": Fortran-ordered arrays are not supported; save a C-ordered one.");
    }
    const std::string shape = dict_value(header, "shape", path);
    const auto open = shape.find('('), close = shape.find(')');
    if (open == std::string::npos || close == std::string::npos) {
        throw DataError(path + ": damaged .npy shape in header: " + header);
    }
    std::vector<size_t> dims;
    std::stringstream ss(shape.substr(open + 1, close - open - 1));
    std::string item;
    while (std::getline(ss, item, ',')) {
        if (item.find_first_not_of(' ') == std::string::npos) continue;
        try {
            dims.push_back(std::stoul(item));
        } catch (const std::exception&) {
            throw DataError(path + ": damaged .npy shape '" + shape.substr(open, close - open + 1) +
                            "'.");
        }
    }
    if (dims.empty() || dims.size() > 2) {
        throw DataError(path + ": expected a 1-D or 2-D array, found " +
                        std::to_string(dims.size()) + " dimensions.");
    }
    const size_t rows = dims.size() == 2 ? dims[0] : 1, cols = dims.back();
    Matrix m({rows, cols});
    f.read(reinterpret_cast<char*>(m.data()),
           static_cast<std::streamsize>(m.size() * sizeof(float)));
    if (static_cast<size_t>(f.gcount()) != m.size() * sizeof(float)) {
        throw DataError(path + ": truncated: the header promises " + std::to_string(m.size()) +
                        " floats, the file holds " + std::to_string(f.gcount() / 4) + ".");
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
std::string quote(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += c;
                }
        }
    }
    return out + "\"";
}
std::string number(double v) {
    if (!std::isfinite(v)) return "null";  // JSON has no NaN
    std::ostringstream s;
    s << std::setprecision(7) << v;
    return s.str();
}
Json& put(Json& j, std::vector<std::pair<std::string, std::string>>& items, const std::string& key,
          std::string value) {
    for (auto& kv : items) {
        if (kv.first == key) {
            kv.second = std::move(value);
            return j;
        }
    }
    items.emplace_back(key, std::move(value));
    return j;
}
}  // namespace

Json& Json::set(const std::string& key, double v) {
    return put(*this, items_, key, number(v));
}
Json& Json::set(const std::string& key, bool v) {
    return put(*this, items_, key, v ? "true" : "false");
}
Json& Json::set(const std::string& key, const std::string& v) {
    return put(*this, items_, key, quote(v));
}
Json& Json::set(const std::string& key, const std::vector<double>& v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + number(v[i]);
    return put(*this, items_, key, s + "]");
}
Json& Json::set(const std::string& key, const std::vector<std::string>& v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + quote(v[i]);
    return put(*this, items_, key, s + "]");
}
Json& Json::set(const std::string& key, const Json& v) {
    return put(*this, items_, key, v.dump(1));
}

std::string Json::dump(int indent) const {
    const std::string pad(2 * (indent + 1), ' '), close_pad(2 * indent, ' ');
    std::string s = "{\n";
    for (size_t i = 0; i < items_.size(); ++i) {
        s += pad + quote(items_[i].first) + ": " + items_[i].second;
        s += i + 1 < items_.size() ? ",\n" : "\n";
    }
    return s + close_pad + "}";
}

}  // namespace ae
