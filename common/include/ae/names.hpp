// An enum's names, written once as a table and read both ways: the name of a value (for
// summaries, checkpoints and messages) and the value of a name (flags, files), with an error
// that lists every accepted name. A table is a plain array:
//   constexpr std::pair<NoiseKind, const char*> kNoiseNames[] = {{NoiseKind::Gaussian,
//   "gaussian"}, ...};
#pragma once
#include <cstddef>
#include <string>
#include <utility>

#include "ae/error.hpp"

namespace ae {

template <class E, size_t N>
using NameTable = std::pair<E, const char*>[N];

// The name of value; a value the table lacks is a programming error (ae::Error saying so).
template <class E, size_t N>
const char* name_of(const NameTable<E, N>& names, E value) {
    for (const auto& [v, name] : names)
        if (v == value) return name;
    throw Error("name_of: value " + std::to_string(static_cast<long long>(value)) +
                " has no name in its table");
}

// The value named text; anything else throws ae::Error "WHAT must be a, b or c, got 'text'".
template <class E, size_t N>
E value_named(const NameTable<E, N>& names, const std::string& text, const std::string& what) {
    std::string list;
    for (size_t i = 0; i < N; ++i) {
        if (text == names[i].second) return names[i].first;
        list += (i == 0 ? "" : i + 1 == N ? " or " : ", ") + std::string(names[i].second);
    }
    throw Error(what + " must be " + list + ", got '" + text + "'");
}

}  // namespace ae
