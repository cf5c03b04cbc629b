#pragma once
// UTF-8 at the boundaries: Azure bodies and headers, spec files and configuration can
// hold any bytes, while JSON, logs and status must hold valid UTF-8. User input is
// checked with is_valid_utf8 and rejected; text that is only shown is repaired with
// to_valid_utf8; text that is shortened is cut on a character boundary.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace aci::core {

// True when `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF).
bool is_valid_utf8(std::string_view text) noexcept;

// `text` with each ill-formed sequence replaced by U+FFFD, as the WHATWG decoder does.
std::string to_valid_utf8(std::string_view text);

// The longest prefix of `text` of at most `max_bytes` bytes that does not end inside
// a character, so cutting a valid text leaves a valid text.
std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) noexcept;

// Every string and object key in `value` made valid UTF-8 in place.
void make_valid_utf8(nlohmann::json& value);

// value.dump(indent) that never throws for text: invalid bytes become U+FFFD.
std::string dump_json(const nlohmann::json& value, int indent = -1);

}  // namespace aci::core
