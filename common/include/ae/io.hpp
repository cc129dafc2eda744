// Files out of (and back into) the lesson programs: atomic writes, .npy arrays that numpy reads,
// CSV tables and a small JSON writer for summary.json. Every write goes to a temporary file
// first and is renamed into place, so an interrupted run never leaves a half-written file.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "ae/tensor.hpp"

namespace ae {

// Calls write(tmp_path) and renames tmp_path to path; on an exception the temporary is removed.
// Creates the parent directory.
void atomic_write(const std::string& path, const std::function<void(const std::string&)>& write);
void write_text(const std::string& path, const std::string& text);
std::string read_text(const std::string& path);
void make_dirs(const std::string& dir);

// .npy, float32, C order, 2-D (or 1-D: loaded as (1, n)). load_npy throws ae::DataError on a
// damaged file, naming the file and what it found.
void save_npy(const std::string& path, const Matrix& m);
Matrix load_npy(const std::string& path);

// CSV with a header line; every column has the same length.
void save_csv(const std::string& path, const std::vector<std::string>& header,
              const std::vector<std::vector<double>>& columns);

// A JSON value for summary.json: number, string, bool, list of numbers, or nested object.
class Json {
  public:
    Json& set(const std::string& key, double v);
    Json& set(const std::string& key, int v) { return set(key, static_cast<double>(v)); }
    Json& set(const std::string& key, size_t v) { return set(key, static_cast<double>(v)); }
    Json& set(const std::string& key, bool v);
    Json& set(const std::string& key, const std::string& v);
    Json& set(const std::string& key, const char* v) { return set(key, std::string(v)); }
    Json& set(const std::string& key, const std::vector<double>& v);
    Json& set(const std::string& key, const std::vector<std::string>& v);
    Json& set(const std::string& key, const Json& v);
    std::string dump(int indent = 0) const;
    void save(const std::string& path) const { write_text(path, dump(0) + "\n"); }

  private:
    std::vector<std::pair<std::string, std::string>> items_;  // key, already-encoded value
};

}  // namespace ae
