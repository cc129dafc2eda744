// Files out of (and back into) the lesson programs: atomic writes, .npy arrays that numpy reads,
// CSV tables and the JSON of summary.json. Every write goes to a temporary file
// first and is renamed into place, so an interrupted run never leaves a half-written file.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "ae/tensor.hpp"

namespace ae {

// Calls write(tmp_path) and renames tmp_path to path; on an exception the temporary is removed.
// Creates the parent directory. The temporary sits beside path as ".NAME.tmp-PID-SEQ"; each call
// first removes the temporaries that processes no longer running (killed, say) left there.
void atomic_write(const std::string& path, const std::function<void(const std::string&)>& write);
// text may hold any bytes; the write and the close are checked (a full disk is an ae::Error).
void write_text(const std::string& path, const std::string& text);
std::string read_text(const std::string& path);
void make_dirs(const std::string& dir);

// Creates dir and proves it can be written (creates, writes and removes a probe file). Throws
// ae::Error naming the folder and what to do. Call it before long work whose results go there.
void check_writable_dir(const std::string& dir);

// Removes the atomic_write temporaries in dir whose process is gone; returns how many.
size_t remove_stale_temporaries(const std::string& dir);

// The size in bytes of the regular file at path, for readers to compare with what a header
// claims. Throws ae::DataError naming the path when it is missing, a directory or not a file;
// `what` says what the file should be ("checkpoint", ".npy file").
uint64_t input_file_size(const std::string& path, const std::string& what);

// a * b, or throws ae::DataError("PATH: WHAT is too large ...") when it does not fit in 64 bits.
uint64_t checked_mul(uint64_t a, uint64_t b, const std::string& path, const std::string& what);

// .npy, float32, C order, 2-D (or 1-D: loaded as (1, n)). load_npy throws ae::DataError on a
// damaged file, naming the file and what it found.
void save_npy(const std::string& path, const Matrix& m);
Matrix load_npy(const std::string& path);

// CSV with a header line; every column has the same length.
void save_csv(const std::string& path, const std::vector<std::string>& header,
              const std::vector<std::vector<double>>& columns);

// A JSON object for summary.json and the benchmarks' lines, kept in nlohmann::ordered_json (keys
// in the order first set; setting a key again replaces its value in place). Values: number,
// string, bool, list of numbers or strings, or a nested object. A number is written as the
// shortest text that reads back to it: an integral value as an integer, a value a float holds
// exactly as the shortest text that reads back to that float (most figures are float results:
// 0.001f is "0.001"), any other double as the shortest text that reads back to that double. NaN
// and infinity, which JSON has not, are null; bytes that are not UTF-8 in a string are U+FFFD.
class Json {
  public:
    Json();
    Json(const Json& other);
    Json& operator=(const Json& other);
    ~Json();

    Json& set(const std::string& key, double v);
    Json& set(const std::string& key, int v) { return set(key, static_cast<long long>(v)); }
    Json& set(const std::string& key, long v) { return set(key, static_cast<long long>(v)); }
    Json& set(const std::string& key, long long v);
    Json& set(const std::string& key, size_t v);
    Json& set(const std::string& key, bool v);
    Json& set(const std::string& key, const std::string& v);
    Json& set(const std::string& key, const char* v) { return set(key, std::string(v)); }
    Json& set(const std::string& key, const std::vector<double>& v);
    Json& set(const std::string& key, const std::vector<std::string>& v);
    Json& set(const std::string& key, const Json& v);
    // One key per line, lists on one line; indent is the nesting level the object is written at
    // (its keys are indented by 2 * (indent + 1) spaces, its closing brace by 2 * indent).
    std::string dump(int indent = 0) const;
    // All on one line, {"key": value, ...}: the benchmarks' output, one JSON record per line.
    std::string dump_line() const;
    void save(const std::string& path) const { write_text(path, dump(0) + "\n"); }

  private:
    std::unique_ptr<nlohmann::ordered_json> value_;  // always an object
};

// v rounded to `decimals` decimal places (round half away from zero), for a figure in a JSON line
// that should read 0.123, not 0.12345678901: the double nearest to that decimal, which Json
// writes as that decimal. NaN and infinity stay as they are.
double round_to(double v, int decimals);

}  // namespace ae
